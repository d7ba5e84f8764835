#!/usr/bin/python3
"""Writes the FFTformer parity fixtures for the Java engine (deterministic), from the clean-room
fftformer_reference.py and blurdm_reference.py (the prior).

Run with Debian's PyTorch (the default python3 may have no torch):

    /usr/bin/python3 weights/reference/make_fftformer_fixtures.py

Output (blurdm/src/test/resources/fixtures/fftformer/):
  blurdm_stage3.pth   reduced FFTformer with the BlurDM prior (dim 3, blocks [1, 1, 1], 1 refinement block,
                      FFN factor 1, no bias; prior 2 features, 1 encoder ResBlock, latent 8, 1 denoiser
                      block, T = 5), seeded weights, saved as BlurDM's training code saves a stage-3
                      checkpoint: {'epoch', 'model_state' (DataParallel's 'module.' prefix),
                      'model_dm_state', 'optimizer_state', 'best_panr', 'args'}
  original.pth        reduced FFTformer without the prior (dim 3, blocks [1, 1, 1], 2 refinement blocks, FFN
                      factor 1.5, bias True) saved as the original release fftformer_GoPro.pth is: a bare
                      state dict (zip format, no wrapper, no 'module.'), with reduce_chan_level2 (unused)
  noise_<case>.npy    the prior noise of a case, (1, 8) float32 ((1, 256) for the default sizes)
  cases.safetensors   per model ('prior', 'original') and case: '<model>/<case>/image' (H,W,3 uint8),
                      'noise', 'prior' (z_0), 'dec3' (case c0 only: the level-3 decoder's output),
                      'out_crop' (the network output cropped to the image, before the clamp), 'result'
                      (H,W,3 uint8 after clamp [0, 1], +0.5/255, x255 truncated); and 'default/...': the
                      default sizes (dim 48, blocks [6, 6, 12], 4 refinement blocks, with the paper's prior)
                      with weights from generated_value() below, which the Java test regenerates bit for bit:
                      'default/<case>/out_crop' (out cropped to the image), 'prior', 'result', with and
                      without the prior ('default_original'), on a 24x40 image (padded to 32x64)
The default-size weights are never written (66 MB): both sides generate them (see generated_value).
"""
import argparse
import json
import math
import os
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import blurdm_reference as bref  # noqa: E402
import fftformer_reference as fref  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "blurdm", "src", "test", "resources", "fixtures", "fftformer")
GENERATOR = "weights/reference/make_fftformer_fixtures.py"

PRIOR_NET = dict(dim=3, blocks=(1, 1, 1), refinement=1, ffn_factor=1, bias=False, latent=8)
PRIOR_DM = dict(n_feats=2, n_encoder_res=1, latent=8, n_denoise_res=1, T=5)
ORIGINAL_NET = dict(dim=3, blocks=(1, 1, 1), refinement=2, ffn_factor=1.5, bias=True, latent=None)
# (case, height, width, seed): sides not multiples of 32 (padded to 32x64 and 64x32)
CASES = [("c0", 21, 45, 11), ("c1", 35, 19, 12)]
DEFAULT_CASE = ("d0", 24, 40, 13)


def randomise(module, seed):
    """Seeded weights that keep activations O(1): convs and linears +-1.5/sqrt(fan_in), norms near 1,
    DFFN filters near their all-ones initialisation."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            u = torch.rand(p.shape, generator=g) * 2 - 1
            if name.endswith(".fft"):
                p.copy_(1 + 0.5 * u)
            elif ".norm" in name or name.startswith("norm"):
                p.copy_((1 + 0.2 * u) if name.endswith("weight") else 0.1 * u)
            else:
                fan_in = p[0].numel() if p.dim() > 1 else p.numel()
                p.copy_(u * (1.5 / fan_in ** 0.5))


# --------------------------------------------------------------------------- generated default-size weights

def _mix(x):
    """murmur3's 32-bit finaliser on uint32 arrays."""
    x = x ^ (x >> np.uint32(16))
    x = x * np.uint32(0x85EBCA6B)
    x = x ^ (x >> np.uint32(13))
    x = x * np.uint32(0xC2B2AE35)
    return x ^ (x >> np.uint32(16))


def generated_uniform(name, n):
    """n float32 values in [-1, 1), exactly k/2^23 - 1: element i of tensor `name` is
    mix(crc32(name) + i * 0x9E3779B9 mod 2^32) >> 8, scaled by 2^-23, minus 1 (Java: FftformerWeights)."""
    with np.errstate(over="ignore"):
        i = np.arange(n, dtype=np.uint64)
        x = ((np.uint64(zlib.crc32(name.encode())) + i * np.uint64(0x9E3779B9)) & np.uint64(0xFFFFFFFF)).astype(
            np.uint32)
        h = _mix(x)
    return ((h >> np.uint32(8)).astype(np.float32) * np.float32(2.0 ** -23)) - np.float32(1)


def generated_value(name, shape):
    """The default-size test weights (float32 arithmetic, one rounding per step, as Java does it):
    norm weights 1 + 0.2u, norm biases 0.1u, DFFN filters 1 + 0.5u, other biases 0.1u, the output conv
    0.1 * s * u and every other weight s * u with s = float32(1/sqrt(fan_in))."""
    n = int(np.prod(shape))
    u = generated_uniform(name, n)
    f = np.float32
    if name.endswith(".fft"):
        v = f(1) + f(0.5) * u
    elif (".norm" in name or name.startswith("norm")) and name.endswith(".weight"):
        v = f(1) + f(0.2) * u
    elif name.endswith(".bias"):
        v = f(0.1) * u
    else:
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else n
        s = f(1.0 / math.sqrt(fan_in))
        v = s * u
        if name == "output.weight":
            v = f(0.1) * v
    return torch.from_numpy(v.reshape(shape).astype(np.float32))


def generate(module):
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(generated_value(name, tuple(p.shape)))


# --------------------------------------------------------------------------- cases

def image(h, w, seed):
    """A smooth gradient plus texture, as uint8."""
    g = torch.Generator().manual_seed(seed)
    yy, xx = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, w), indexing="ij")
    base = torch.stack([yy, xx, (yy + xx) / 2], dim=-1)
    return torch.clamp(base * 200 + torch.rand(h, w, 3, generator=g) * 55, 0, 255).to(torch.uint8), g


def run_case(tensors, prefix, net, dm, img, noise, keep):
    trace = {}
    with torch.no_grad():
        result = fref.deblur(net, dm, img, noise, trace)
    h, w = img.shape[:2]
    tensors[f"{prefix}/image"] = img
    if noise is not None:
        tensors[f"{prefix}/noise"] = noise
    for k in keep:
        if k == "out_crop":
            tensors[f"{prefix}/out_crop"] = trace["out"][:, :, :h, :w].contiguous()
        elif k in trace:
            tensors[f"{prefix}/{k}"] = trace[k]
    tensors[f"{prefix}/result"] = result
    return trace


def check_official_layout(path, want):
    back = torch.load(path, map_location="cpu")
    assert isinstance(back, dict) and set(back) == set(want), path
    for k, v in want.items():
        assert torch.equal(back[k], v), k


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-default", action="store_true", help="leave the default-size cases out (faster)")
    args = ap.parse_args()
    torch.manual_seed(2023)
    torch.set_num_threads(2)
    os.makedirs(OUT, exist_ok=True)
    tensors, meta = {}, {"cases": []}

    # reduced, with the prior: the BlurDM stage-3 layout
    net = fref.FFTformer(**PRIOR_NET).eval()
    dm = bref.LatentExposureDiffusion(**PRIOR_DM).eval()
    randomise(net, 1)
    bref_randomise(dm, 2)
    import argparse as ap_mod
    stage3 = {
        "epoch": 7,
        "model_state": {f"module.{k}": v for k, v in net.state_dict().items()},
        "model_dm_state": dm.state_dict(),
        "optimizer_state": {"state": {}, "param_groups": [{"lr": 1e-4}]},
        "best_panr": 31.5,
        "args": ap_mod.Namespace(device=torch.device("cpu"), model="FFTformer", lr=1e-4),
    }
    torch.save(stage3, os.path.join(OUT, "blurdm_stage3.pth"))
    for cid, h, w, seed in CASES:
        img, g = image(h, w, seed)
        noise = torch.randn(1, PRIOR_DM["latent"], generator=g)
        np.save(os.path.join(OUT, f"noise_{cid}.npy"), noise.numpy().astype("<f4"))
        run_case(tensors, f"prior/{cid}", net, dm, img, noise, ["prior", "out_crop"] + (["dec3"] if cid == "c0" else []))
        meta["cases"].append({"model": "prior", "id": cid, "height": h, "width": w})

    # reduced, without the prior: the original release's bare state dict (zip and legacy formats)
    orig = fref.FFTformer(**ORIGINAL_NET).eval()
    randomise(orig, 3)
    sd = orig.state_dict()
    assert "reduce_chan_level2.weight" in sd and not any(".kv." in k for k in sd)
    torch.save(sd, os.path.join(OUT, "original.pth"))
    check_official_layout(os.path.join(OUT, "original.pth"), sd)
    for cid, h, w, seed in CASES:
        img, _ = image(h, w, seed)
        run_case(tensors, f"original/{cid}", orig, None, img, None, ["out_crop"])
        meta["cases"].append({"model": "original", "id": cid, "height": h, "width": w})

    # default sizes, generated weights (never written: the Java test regenerates them)
    if not args.skip_default:
        cid, h, w, seed = DEFAULT_CASE
        img, g = image(h, w, seed)
        noise = torch.randn(1, 256, generator=g)
        np.save(os.path.join(OUT, f"noise_{cid}.npy"), noise.numpy().astype("<f4"))
        big = fref.FFTformer().eval()
        generate(big)
        big_dm = bref.LatentExposureDiffusion().eval()
        generate(big_dm)  # the schedule buffers stay as the spec computes them
        run_case(tensors, f"default/{cid}", big, big_dm, img, noise, ["prior", "out_crop"])
        meta["cases"].append({"model": "default", "id": cid, "height": h, "width": w})
        big_orig = fref.FFTformer(latent=None).eval()
        generate(big_orig)
        run_case(tensors, f"default_original/{cid}", big_orig, None, img, None, ["out_crop"])
        meta["cases"].append({"model": "default_original", "id": cid, "height": h, "width": w})
    meta.update({"prior_net": PRIOR_NET, "prior_dm": PRIOR_DM, "original_net": ORIGINAL_NET})
    write_safetensors(os.path.join(OUT, "cases.safetensors"), tensors,
                      {"cases": json.dumps(meta), "generator": GENERATOR, "torch": torch.__version__})
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {OUT}: {total} bytes")
    for f in sorted(os.listdir(OUT)):
        print(f"  {f}: {os.path.getsize(os.path.join(OUT, f))} bytes")


def bref_randomise(module, seed):
    """The prior's weights, +-1.5/sqrt(fan_in) (the schedule buffers are not parameters)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            fan_in = p[0].numel() if p.dim() > 1 else p.numel()
            p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) * (1.5 / fan_in ** 0.5))


if __name__ == "__main__":
    main()
