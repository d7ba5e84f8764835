"""Writes the LoFormer parity fixtures for the Java engine (deterministic).

Reduced configurations (small enough to commit) with seeded random weights rounded to float16 values (stored
as F16, so the files are half the size and nothing is lost), run by the clean-room reference
(loformer_reference.py) with its tiled inference: one prior per tile from a small BlurDM prior generator
(blurdm_reference.py).

Output (blurdm/src/test/resources/fixtures/loformer_small/):
  blurdm_stage3.pth  LoFormer (dim 4, blocks [1,1]/1/[1,1], heads [1,2]/2/[2,1], prior latent 32) and its
                     prior generator (8 features, 2 encoder ResBlocks, latent 32, 2 denoiser blocks, T = 5) as
                     BlurDM's training code saves them: 'model_state' ('module.' prefixed) and 'model_dm_state'
  original_release.pth a LoFormer without prior (dim 4, blocks [1]/1/[1], heads [1]/2/[1]) as BasicSR saves
                     the original LoFormer release: {'params': state_dict}
  cases.safetensors  per case '<case>/<name>': image (H,W,3 uint8), noise [tiles, latent], prior [tiles, latent],
                     out (merged residual + image, before clamping, [1,3,H,W]), result (H,W,3 uint8);
                     __metadata__ 'cases': JSON list of {id, model, height, width, tile, tiles, merge, quantise}
Run: /usr/bin/python3 weights/reference/make_loformer_fixtures.py
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import blurdm_reference as ref  # noqa: E402
import loformer_reference as lf  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "blurdm", "src", "test", "resources", "fixtures", "loformer_small")

# Two levels and one: every block carries a 64x64 window MLP, so depth is what costs bytes; the level count is
# read from the names like every other size (LoFormer-S's three levels are checked against the key list).
PRIOR_NET = dict(dim=4, enc_blocks=(1, 1), mid_blocks=1, dec_blocks=(1, 1), heads_enc=(1, 2), heads_mid=2, latent=32)
PLAIN_NET = dict(dim=4, enc_blocks=(1,), mid_blocks=1, dec_blocks=(1,), heads_enc=(1,), heads_mid=2, latent=None)
PRIOR = dict(n_feats=8, n_encoder_res=2, latent=32, n_denoise_res=2, T=5)

# id, model, height, width, tile, merge, quantise, image seed
CASES = [
    ("c0", "prior", 52, 44, 40, "official", "save_image", 11),      # 3x2 tiles of 40, sides not multiples of 8
    ("c1", "prior", 24, 40, 384, "official", "save_image", 12),     # one tile; side 24 padded to 40
    ("c2", "prior", 390, 8, 384, "official", "save_image", 13),     # 2 tiles of 384x40: above 384, 8 padded to 40
    ("c3", "prior", 52, 44, 40, "seamless", "save_image", 11),      # c0's image, the seamless merge
    ("c4", "plain", 52, 44, 40, "official", "img_as_ubyte", 14),    # the original release's conventions
    ("c5", "plain", 40, 48, 384, "official", "img_as_ubyte", 15),   # one tile, the quirk: first 32 rows faded
]


def randomise(module, seed):
    """Seeded weights with a scale that keeps activations O(1), rounded to float16 values."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            fan_in = p[0].numel() if p.dim() > 1 else p.numel()
            p.copy_(((torch.rand(p.shape, generator=g) * 2 - 1) * (1.5 / fan_in ** 0.5)).half().float())


def half_state(module):
    """The state dict with floating tensors as float16 (their values are float16 values already)."""
    return {k: (v.half() if v.is_floating_point() and v.dim() > 0 and k not in ("alphas", "betas_bar") else v)
            for k, v in module.state_dict().items()}


def image(h, w, seed):
    g = torch.Generator().manual_seed(seed)
    yy, xx = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, w), indexing="ij")
    base = torch.stack([yy, xx, (yy + xx) / 2], dim=-1)
    return torch.clamp(base * 200 + torch.rand(h, w, 3, generator=g) * 55, 0, 255).to(torch.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    net = lf.LoFormer(**PRIOR_NET).eval()
    dm = ref.LatentExposureDiffusion(**PRIOR).eval()
    plain = lf.LoFormer(**PLAIN_NET).eval()
    randomise(net, 1)
    randomise(dm, 2)
    randomise(plain, 3)
    with torch.no_grad():   # a small residual, so the clamp and the quantisation rules are exercised
        for m in (net, plain):
            m.output.weight.mul_(0.25)
    torch.save({"epoch": 3, "model_state": {f"module.{k}": v for k, v in half_state(net).items()},
                "model_dm_state": half_state(dm)}, os.path.join(OUT, "blurdm_stage3.pth"))
    torch.save({"params": half_state(plain)}, os.path.join(OUT, "original_release.pth"))
    tensors, meta = {}, []
    for cid, model, h, w, tile, merge, quantise, seed in CASES:
        img = image(h, w, seed)
        hp, wp = lf.padded_side(h, tile), lf.padded_side(w, tile)
        origins, _, _, _ = lf.tile_grid(hp, wp, tile)
        trace = {}
        with torch.no_grad():
            if model == "prior":
                noise = torch.randn(len(origins), PRIOR["latent"], generator=torch.Generator().manual_seed(seed + 100))
                result = lf.deblur_tiled(net, dm, img, noise, tile=tile, seamless=merge == "seamless",
                                         quantise=quantise, trace=trace)
                tensors[f"{cid}/noise"] = noise
                tensors[f"{cid}/prior"] = trace["prior"]
            else:
                result = lf.deblur_tiled(plain, None, img, None, tile=tile, seamless=merge == "seamless",
                                         quantise=quantise, trace=trace)
        tensors[f"{cid}/image"] = img
        tensors[f"{cid}/out"] = trace["out"]
        tensors[f"{cid}/result"] = result
        meta.append({"id": cid, "model": model, "height": h, "width": w, "tile": tile, "tiles": len(origins),
                     "merge": merge, "quantise": quantise})
    write_safetensors(os.path.join(OUT, "cases.safetensors"), tensors,
                      {"cases": json.dumps(meta), "generator": "weights/reference/make_loformer_fixtures.py",
                       "torch": torch.__version__})
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {OUT}: {total} bytes")
    for m in meta:
        print(m)


if __name__ == "__main__":
    main()
