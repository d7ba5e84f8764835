#!/usr/bin/python3
"""Writes the fixtures for original MIMO-UNet releases: files laid out as chosj95/MIMO-UNet saves its
weights, and the images its eval.py path makes of them (the engine must run such files with the authors'
conventions, and files of the BlurDM code with BlurDM's).

Run with Debian's PyTorch (the default python3 may have no torch):

    /usr/bin/python3 weights/reference/make_original_fixtures.py

Output (blurdm/src/test/resources/fixtures/mimo_original/), small stand-ins for the released networks
(base 4 channels instead of 32, so the whole set stays small; seeded weights):
  MIMO-UNetPlus-small.pkl      {'model': state_dict} of a MIMO-UNet+ stand-in (2 ResBlocks per stage), no
                               'module.' prefix, saved in the legacy format (torch.save before 1.6, or
                               _use_new_zipfile_serialization=False) with every storage tagged 'cuda:0', as
                               a checkpoint saved from a GPU is
  MIMO-UNetPlus-small.zip.pkl  the same object in the zip format, storages tagged 'cuda:0'
  MIMO-UNet-small.pkl          a MIMO-UNet stand-in (1 ResBlock) as the authors' training checkpoint
                               model.pkl: {'model', 'optimizer', 'scheduler', 'epoch'}, zip, 'cuda:0'
  blurdm-layout.pth            MIMO-UNetPlus-small's weights as the BlurDM training code saves a backbone:
                               {'model_state': state_dict} (BlurDM's conventions apply)
  cases.safetensors            per case '<case>/image' (H,W,3 uint8 values as float32) and per model and
                               case '<model>/<case>/out1' (network output at the padded size) and
                               '<model>/<case>/result' (H,W,3 uint8 values as float32); models 'plus' and
                               'base' follow the eval.py
                               path (ref.deblur_original), 'blurdm' the BlurDM path (ref.deblur) on the
                               blurdm-layout weights. Sizes: multiples of 8, multiples of 4 only, and
                               neither. 'quantise/v' (float32 values in [0, 1] at and around every level's
                               boundaries) with 'quantise/eval_py' (clamp, +0.5/255, mul(255).byte(), as
                               eval.py) and 'quantise/save_image' (mul(255).add(0.5).clamp(0, 255), uint8)
Checks itself: each file loads back (map_location='cpu') to the saved tensors and holds 'cuda:0' in its
pickle; where torchvision is installed, for every case whose sides are multiples of 4, the result equals
eval.py's own steps (to_tensor on the PIL image, clamp, += 0.5/255, to_pil_image).
"""
import io
import json
import os
import sys
import zipfile

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import blurdm_reference as ref  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "blurdm", "src", "test", "resources", "fixtures", "mimo_original")
BASE = 4
MODELS = {"plus": 2, "base": 1}  # stand-ins for MIMO-UNet+ (num_res 20) and MIMO-UNet (num_res 8)
# (case, height, width, seed): multiples of 8; of 4 but not 8; neither (padded to 32x40, cropped back)
CASES = [("m8", 24, 32, 21), ("m4", 28, 36, 22), ("odd", 29, 38, 23)]

_tag_cuda0 = [False]


def _cuda0_tagger(storage):
    """While saving, tags every storage 'cuda:0' as if the tensors lived on a GPU (none here)."""
    return "cuda:0" if _tag_cuda0[0] else None


torch.serialization.register_package(0, _cuda0_tagger, lambda obj, location: None)


def save_as_from_gpu(obj, path, legacy):
    _tag_cuda0[0] = True
    try:
        torch.save(obj, path, _use_new_zipfile_serialization=not legacy)
    finally:
        _tag_cuda0[0] = False
    with open(path, "rb") as f:
        raw = f.read()
    if legacy:
        pickle_bytes = raw
    else:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            pickle_bytes = z.read(next(n for n in z.namelist() if n.endswith("/data.pkl")))
    assert b"cuda:0" in pickle_bytes and b"\x03\x00\x00\x00cpu" not in pickle_bytes, path  # BINUNICODE 'cpu'
    back = torch.load(path, map_location="cpu")
    for k, v in obj["model"].items():
        assert torch.equal(back["model"][k], v), (path, k)
    print(f"{os.path.basename(path)}: {len(raw)} bytes, {'legacy' if legacy else 'zip'}, storages cuda:0")


def randomise(module, seed):
    """Seeded weights that keep activations O(1); the last conv scaled down so out1 stays near x and every
    quantisation boundary, clamp included, is met."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            fan_in = p[0].numel() if p.dim() > 1 else p.numel()
            p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) * (1.5 / fan_in ** 0.5))
        module.feat_extract[5].main[0].weight.mul_(0.1)
        module.feat_extract[5].main[0].bias.mul_(0.1)


def image(h, w, seed):
    """A smooth image with texture, reaching 0 and 255 so the clamps matter."""
    g = torch.Generator().manual_seed(seed)
    yy, xx = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, w), indexing="ij")
    base = torch.stack([yy, xx, (yy + xx) / 2], dim=-1)
    return torch.clamp(base * 300 - 30 + torch.rand(h, w, 3, generator=g) * 40, 0, 255).to(torch.uint8)


def eval_py_steps(net, img):
    """eval.py's own calls on a PIL image (torchvision), for sides that are multiples of 4; None without
    torchvision."""
    try:
        from PIL import Image
        from torchvision.transforms import functional as TF
    except ImportError:
        return None
    x = TF.to_tensor(Image.fromarray(img.numpy(), "RGB"))[None]
    pred = net(x)[2]
    pred_clip = torch.clamp(pred, 0, 1)
    pred_clip += 0.5 / 255
    return torch.from_numpy(np.array(TF.to_pil_image(pred_clip.squeeze(0).cpu(), "RGB")))


def quantisation_values():
    """float32 values in [0, 1]: every k/255 and (k +- 0.5)/255 with their float32 neighbours, and uniform ones."""
    v = []
    down, up = np.float32(-1), np.float32(2)  # float32 targets: nextafter must step float32 ulps
    for k in range(256):
        for centre in (k / 255, (k + 0.5) / 255, (k - 0.5) / 255):
            c = np.float32(centre)
            v += [np.nextafter(np.nextafter(c, down), down), np.nextafter(c, down), c, np.nextafter(c, up),
                  np.nextafter(np.nextafter(c, up), up)]
    v += list(np.random.default_rng(5).random(1000, dtype=np.float32))
    v = np.clip(np.array(v, dtype=np.float32), 0, 1)
    assert v.dtype == np.float32 and len(np.unique(v)) > 3500, "the neighbours must be distinct float32 values"
    return torch.from_numpy(v)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    nets = {}
    for i, (name, num_res) in enumerate(MODELS.items()):
        net = ref.MIMOUNet(BASE, num_res, with_prior=False).eval()
        randomise(net, 40 + i)
        nets[name] = net
    plus_sd, base_sd = nets["plus"].state_dict(), nets["base"].state_dict()
    assert not any(k.startswith("module.") or ".kv." in k for k in plus_sd)
    save_as_from_gpu({"model": plus_sd}, os.path.join(OUT, "MIMO-UNetPlus-small.pkl"), legacy=True)
    save_as_from_gpu({"model": plus_sd}, os.path.join(OUT, "MIMO-UNetPlus-small.zip.pkl"), legacy=False)
    # the authors' training checkpoint: Adam and MultiStepLR state beside the model
    opt = torch.optim.Adam(nets["base"].parameters(), lr=1e-4)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, [500, 1000], 0.5)
    save_as_from_gpu({"model": base_sd, "optimizer": opt.state_dict(), "scheduler": sched.state_dict(), "epoch": 3},
                     os.path.join(OUT, "MIMO-UNet-small.pkl"), legacy=False)
    torch.save({"model_state": plus_sd}, os.path.join(OUT, "blurdm-layout.pth"))

    tensors, meta, checked = {}, [], 0
    with torch.no_grad():
        for cid, h, w, seed in CASES:
            img = image(h, w, seed)
            tensors[f"{cid}/image"] = img.float()
            for name in ("plus", "base", "blurdm"):
                net = nets["base" if name == "base" else "plus"]
                if name == "blurdm":
                    x = img.permute(2, 0, 1)[None].float() / 255 - 0.5
                    m = 8
                    result = ref.deblur(net, None, img, None)
                else:
                    x = img.permute(2, 0, 1)[None].float().div(255)
                    m = 4
                    result = ref.deblur_original(net, img)
                    if h % 4 == 0 and w % 4 == 0:
                        own = eval_py_steps(net, img)
                        if own is not None:
                            assert torch.equal(own, result), f"{name}/{cid}: reference differs from eval.py's steps"
                            checked += 1
                ph, pw = (m - h % m) % m, (m - w % m) % m
                xp = F.pad(x, (0, pw, 0, ph), mode="reflect") if (ph or pw) else x
                out1 = net(xp)[2]
                key = f"{name}/{cid}"
                tensors[f"{key}/out1"] = out1
                tensors[f"{key}/result"] = result.float()
                meta.append({"model": name, "case": cid, "height": h, "width": w})
        v = quantisation_values()
        tensors["quantise/v"] = v
        e = torch.clamp(v.clone(), 0, 1)
        e += 0.5 / 255
        tensors["quantise/eval_py"] = e.mul(255).byte().float()
        tensors["quantise/save_image"] = v.mul(255).add(0.5).clamp(0, 255).to(torch.uint8).float()
        # the rules agree on every float32 in [0, 1] but one (the float32 just below 0.5/255: eval.py 0,
        # save_image 1; found by trying all 2^30 of them), which the sweep holds
        print("quantisation rules differ on", int((tensors["quantise/eval_py"] != tensors["quantise/save_image"]).sum()),
              "of", len(v), "swept values")
    write_safetensors(os.path.join(OUT, "cases.safetensors"), tensors,
                      {"cases": json.dumps(meta), "generator": "weights/reference/make_original_fixtures.py",
                       "torch": torch.__version__, "base_channels": str(BASE),
                       "res_blocks": json.dumps(MODELS)})
    print("eval.py's own steps checked on", checked, "cases" if checked else "cases (torchvision not installed)")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {OUT}: {total} bytes")
    assert total < 1 << 20


if __name__ == "__main__":
    main()
