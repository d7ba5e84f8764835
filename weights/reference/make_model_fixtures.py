"""Writes the MIMO-UNet+ / BlurDM parity fixtures for the Java engine (deterministic).

A reduced configuration (small enough to commit) with seeded random weights, run by the clean-room
reference (blurdm_reference.py) on two odd image sizes with a given prior noise vector.

Output (blurdm/src/test/resources/fixtures/mimo_small/):
  model.safetensors  the weights, keys 'backbone.<state_dict key>' and 'prior.<state_dict key>',
                     __metadata__ {architecture, config (JSON)} as the engine's own weights files
  official_stage3.pth the same weights saved like the official training code (dict with 'model_state'
                     ('module.' prefixed), 'model_dm_state', 'epoch', 'best_panr', 'args')
  plain_mimo_unet.pth a MIMO-UNet without prior (base 8, 1 ResBlock) as a bare state dict; its output
                     on c1's input is 'plain/out1' in cases.safetensors
  noise_<case>.npy   the case's prior noise as np.save writes it (1, latent) float32
  cases.safetensors  per case '<case>/<name>': image (H,W,3 uint8 values as float32), x (normalised,
                     padded input), noise, z_b, z_5..z_0 (prior latents), decoder0..2, out1 (backbone
                     output before crop), result (H,W,3 uint8 values as float32); __metadata__ cases JSON
Run: /usr/bin/python3 weights/reference/make_model_fixtures.py
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import blurdm_reference as ref  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "blurdm", "src", "test", "resources", "fixtures", "mimo_small")

BACKBONE = {"base_channels": 8, "res_blocks": 2, "with_prior": True, "latent": 32}
PRIOR = {"encoder_features": 16, "encoder_res_blocks": 2, "latent": 32, "denoiser_blocks": 2, "steps": 5}
CASES = [("c0", 37, 53, 11), ("c1", 29, 70, 12)]


def randomise(module, seed):
    """Seeded weights with a scale that keeps activations O(1) through the deep stacks."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            fan_in = p[0].numel() if p.dim() > 1 else p.numel()
            p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) * (1.5 / fan_in ** 0.5))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(2023)
    net = ref.MIMOUNet(BACKBONE["base_channels"], BACKBONE["res_blocks"], BACKBONE["latent"], True).eval()
    dm = ref.LatentExposureDiffusion(PRIOR["encoder_features"], PRIOR["encoder_res_blocks"], PRIOR["latent"],
                                     PRIOR["denoiser_blocks"], PRIOR["steps"]).eval()
    randomise(net, 1)
    randomise(dm, 2)
    with torch.no_grad():  # keep out1 = x + residual mostly inside [-0.5, 0.5] so quantisation is exercised
        net.feat_extract[5].main[0].weight.mul_(0.1)
        net.feat_extract[5].main[0].bias.mul_(0.1)
    weights = {f"backbone.{k}": v for k, v in net.state_dict().items()}
    weights.update({f"prior.{k}": v for k, v in dm.state_dict().items()})
    config = {"backbone": dict(BACKBONE, name="mimo_unet"), "prior": PRIOR}
    # the same weights as the official training code saves them: a stage-3 style dict, DataParallel's
    # 'module.' prefix on the backbone, plus non-tensor entries the loader must tolerate
    import argparse
    official = {
        "epoch": 3,
        "model_state": {f"module.{k}": v for k, v in net.state_dict().items()},
        "model_dm_state": dm.state_dict(),
        "best_panr": 27.5,
        "args": argparse.Namespace(device=torch.device("cpu"), lr=1e-4, model_name="MIMO-UNetPlus"),
    }
    torch.save(official, os.path.join(OUT, "official_stage3.pth"))
    write_safetensors(os.path.join(OUT, "model.safetensors"), weights,
                      {"architecture": "mimo_unet_blurdm", "config": json.dumps(config),
                       "generator": "weights/reference/make_model_fixtures.py"})
    tensors, meta = {}, []
    for cid, h, w, seed in CASES:
        g = torch.Generator().manual_seed(seed)
        # a smooth image plus texture, as uint8
        yy, xx = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, w), indexing="ij")
        base = torch.stack([yy, xx, (yy + xx) / 2], dim=-1)
        img = torch.clamp(base * 200 + torch.rand(h, w, 3, generator=g) * 55, 0, 255).to(torch.uint8)
        noise = torch.randn(1, PRIOR["latent"], generator=g)
        x = img.permute(2, 0, 1)[None].float() / 255 - 0.5
        ph, pw = (8 - h % 8) % 8, (8 - w % 8) % 8
        xp = F.pad(x, (0, pw, 0, ph), mode="reflect")
        trace = {}
        with torch.no_grad():
            prior = dm(xp, noise, trace)
            outs = net(xp, prior, trace)
            result = ref.deblur(net, dm, img, noise)
        np.save(os.path.join(OUT, f"noise_{cid}.npy"), noise.numpy().astype("<f4"))
        tensors[f"{cid}/image"] = img.float()
        tensors[f"{cid}/x"] = xp
        tensors[f"{cid}/noise"] = noise
        for k, v in trace.items():
            tensors[f"{cid}/{k}"] = v
        tensors[f"{cid}/out1"] = outs[2]
        tensors[f"{cid}/result"] = result.float()
        meta.append({"id": cid, "height": h, "width": w, "trace": sorted(trace)})
    # a plain MIMO-UNet without prior (base 8, 1 ResBlock), saved as a bare state dict the way the
    # original MIMO-UNet repository does; its output on case c1 for the Java test
    plain = ref.MIMOUNet(8, 1, 256, with_prior=False).eval()
    randomise(plain, 3)
    with torch.no_grad():
        plain.feat_extract[5].main[0].weight.mul_(0.1)
    torch.save(plain.state_dict(), os.path.join(OUT, "plain_mimo_unet.pth"))
    with torch.no_grad():
        xp = tensors["c1/x"]
        tensors["plain/out1"] = plain(xp)[2]
    write_safetensors(os.path.join(OUT, "cases.safetensors"), tensors,
                      {"cases": json.dumps(meta), "generator": "weights/reference/make_model_fixtures.py",
                       "torch": torch.__version__})
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {OUT}: {total} bytes")


if __name__ == "__main__":
    main()
