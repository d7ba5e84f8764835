"""Writes the Stripformer parity fixtures for the Java engine (deterministic), from the clean-room reference
(stripformer_reference.py, with blurdm_reference.py's prior generator).

A small Stripformer (encoder 4/8 channels, bottleneck 32 channels with 2 blocks, decoder 16 channels with 2
blocks, token MLPs as wide as their blocks, one head per block: head sizes 16 and 8 within the strips, 16 W
and 8 W between them) with seeded random weights, saved the two ways users hold Stripformer weights:

  blurdm_stage3.pth        as the BlurDM training code saves a stage-3 checkpoint: {'epoch', 'model_state'
                           (backbone with the prior's kv layers), 'model_dm_state' (the prior generator),
                           'best_panr', 'args'}; zip format
  Stripformer_small.pth    as the original Stripformer release saves Stripformer_gopro.pth: a bare
                           nn.DataParallel state dict (every key prefixed 'module.'), zip format, every
                           storage tagged 'cuda:0'; no prior layers (other weights)
  noise_<case>.npy         each BlurDM case's prior noise as np.save writes it, (1, latent) float32
  cases.safetensors        per case '<case>/<name>': image (H,W,3 uint8 values as float32), for BlurDM cases
                           noise and prior (z_0) [1, latent]; out (the network's output cropped to H x W,
                           before the clamp) [1,3,H,W]; result (H,W,3 uint8 values as float32)

BlurDM cases run BlurDM's conventions (v/255 - 0.5, reflect pad to 32, prior on the padded image, clamp
[-0.5, 0.5] + 0.5, save_image's rounding); original cases the original release's (the same, padding to 8,
no prior). Sizes are not multiples of 32 (one is a multiple of 8: the original release pads nothing).

Run: /usr/bin/python3 weights/reference/make_stripformer_fixtures.py
"""
import argparse
import io
import json
import os
import sys
import zipfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import blurdm_reference as ref  # noqa: E402
import stripformer_reference as sr  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "blurdm", "src", "test", "resources", "fixtures", "stripformer")
SIZES = dict(c1=4, c2=8, dim=32, dec_dim=16, blocks=2, dec_blocks=2, hidden_ratio=1)
PRIOR = dict(n_feats=8, n_encoder_res=1, latent=16, n_denoise_res=1, T=5)
# (case, height, width, seed, origin)
CASES = [("b1", 29, 38, 31, "blurdm"), ("b2", 33, 33, 32, "blurdm"),
         ("o1", 29, 38, 33, "original"), ("o2", 24, 40, 34, "original")]

_tag_cuda0 = [False]


def _cuda0_tagger(storage):
    """While saving, tags every storage 'cuda:0' as if the tensors lived on a GPU (none here)."""
    return "cuda:0" if _tag_cuda0[0] else None


torch.serialization.register_package(0, _cuda0_tagger, lambda obj, location: None)


def save_as_from_gpu(obj, path):
    _tag_cuda0[0] = True
    try:
        torch.save(obj, path)
    finally:
        _tag_cuda0[0] = False
    with zipfile.ZipFile(path) as z:
        pickle_bytes = z.read(next(n for n in z.namelist() if n.endswith("/data.pkl")))
    assert b"cuda:0" in pickle_bytes and b"\x03\x00\x00\x00cpu" not in pickle_bytes, path
    back = torch.load(path, map_location="cpu")
    assert list(back) == list(obj) and all(torch.equal(back[k], v) for k, v in obj.items()), path


def randomise(module, seed):
    """Seeded weights that keep activations O(1); LayerNorms near identity but not equal to it; the last conv
    scaled down so the output stays near the input and the clamps and every rounding case are met."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            u = torch.rand(p.shape, generator=g) * 2 - 1
            if "norm" in name:
                p.copy_((1.0 if name.endswith("weight") else 0.0) + 0.2 * u)
            else:
                fan_in = p[0].numel() if p.dim() > 1 else p.numel()
                p.copy_(u * (1.5 / fan_in ** 0.5))
        if hasattr(module, "decoder"):
            module.decoder.de_layer1_1[0].weight.mul_(0.3)


def image(h, w, seed):
    """A smooth image with texture, reaching 0 and 255 so the clamps matter."""
    g = torch.Generator().manual_seed(seed)
    yy, xx = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, w), indexing="ij")
    base = torch.stack([yy, xx, (yy + xx) / 2], dim=-1)
    return torch.clamp(base * 300 - 30 + torch.rand(h, w, 3, generator=g) * 40, 0, 255).to(torch.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    net = sr.StripformerPrior(latent=PRIOR["latent"], **SIZES).eval()
    dm = ref.LatentExposureDiffusion(**PRIOR).eval()
    original = sr.stripformer(**SIZES).eval()
    randomise(net, 41)
    randomise(dm, 42)
    randomise(original, 43)
    stage3 = {
        "epoch": 1000,
        "model_state": net.state_dict(),
        "model_dm_state": dm.state_dict(),
        "best_panr": 33.1,
        "args": argparse.Namespace(device=torch.device("cpu"), model="StripformerPrior", crop_size=None),
    }
    torch.save(stage3, os.path.join(OUT, "blurdm_stage3.pth"))
    release = {f"module.{k}": v for k, v in original.state_dict().items()}
    save_as_from_gpu(release, os.path.join(OUT, "Stripformer_small.pth"))
    tensors, meta = {}, []
    for cid, h, w, seed, origin in CASES:
        img = image(h, w, seed)
        tensors[f"{cid}/image"] = img.float()
        if origin == "blurdm":
            noise = torch.randn(1, PRIOR["latent"], generator=torch.Generator().manual_seed(seed))
            levels, out, prior = sr.deblur(net, dm, img, noise, multiple=32)
            np.save(os.path.join(OUT, f"noise_{cid}.npy"), noise.numpy().astype("<f4"))
            tensors[f"{cid}/noise"] = noise
            tensors[f"{cid}/prior"] = prior
        else:
            levels, out, _ = sr.deblur(original, None, img, None, multiple=8)
        tensors[f"{cid}/out"] = out
        tensors[f"{cid}/result"] = levels.float()
        clamped = ((out < -0.5) | (out > 0.5)).float().mean().item()
        meta.append({"id": cid, "height": h, "width": w, "origin": origin, "clamped": round(clamped, 4)})
    write_safetensors(os.path.join(OUT, "cases.safetensors"), tensors,
                      {"cases": json.dumps(meta), "generator": "weights/reference/make_stripformer_fixtures.py",
                       "torch": torch.__version__})
    for m in meta:
        print(m)
    total = 0
    for f in sorted(os.listdir(OUT)):
        size = os.path.getsize(os.path.join(OUT, f))
        total += size
        print(f"  {f}: {size} bytes")
    print(f"wrote {OUT}: {total} bytes; the original layout has {len(release)} tensors, the BlurDM backbone "
          f"{len(net.state_dict())}")


if __name__ == "__main__":
    main()
