"""Does the backbone use what the diffusion prior says about each image? PSNR on train.py's validation crops
(first N pairs, centre 256x256, 8-bit) of a finished run's BlurDM nets given: the DM's own prior; the DM with
zero start noise; one constant prior (the mean of the crops' priors); and each crop another crop's prior.
Equal numbers mean the prior acts as a learned constant modulation, not an image-specific one.

    /usr/bin/python3 weights/reference/prior_ablation.py RUN_DIR [--data DIR] [--count 64] [--threads 2]"""
import argparse
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run")
    ap.add_argument("--data", default=None, help="pair set with val/ (default: the run's)")
    ap.add_argument("--count", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    path = os.path.join(a.run, "checkpoint.pt")
    if not os.path.exists(path):
        sys.exit(f"{path}: no checkpoint")
    state = torch.load(path, map_location="cpu", weights_only=False)  # our own run's checkpoint (RNG states)
    cfg = state["config"]
    nets = train.build(cfg)
    train.load_stored(nets, state["nets"])
    for v in nets.values():
        v.eval()
    data = a.data or cfg["data"]
    if not a.data and not os.path.isabs(data):
        data = os.path.join(HERE, data)  # runs started from weights/reference record a path relative to it
    val = train.PairSet(data, "val")
    if len(val) == 0:
        sys.exit(f"{data}/val: no pairs")
    latent = cfg["prior"]["latent"]
    g = torch.Generator().manual_seed(0)  # the draws train.py's validation uses
    crops = []
    for i in range(min(a.count, len(val))):
        crops.append((*train.val_crop(val, i, 256), torch.randn(1, latent, generator=g)))
    n = len(crops)
    with torch.no_grad():
        zs = [nets["dm"](b, e) for b, _, e in crops]
        zall = torch.cat(zs)
        zmean = zall.mean(0, keepdim=True)
        cases = [("DM prior", lambda i: zs[i]),
                 ("DM, zero start noise", lambda i: nets["dm"](crops[i][0], torch.zeros(1, latent))),
                 ("mean prior (constant)", lambda i: zmean),
                 ("another crop's prior", lambda i: zs[(i + 7) % n])]
        print(f"{'input':24s} {np.mean([train.psnr(train.quant(b), train.quant(s)) for b, s, _ in crops]):.3f} dB")
        for name, prior in cases:
            p = np.mean([train.psnr(train.quant(nets["backbone"](b, prior(i))[2]), train.quant(s))
                         for i, (b, s, _) in enumerate(crops)])
            print(f"{name:24s} {p:.3f} dB")
        if "ablation" in state["nets"]:
            p = np.mean([train.psnr(train.quant(nets["ablation"](b)[2]), train.quant(s)) for b, s, _ in crops])
            print(f"{'ablation (no prior)':24s} {p:.3f} dB")
        spread = zall.std(0).mean() / zall.abs().mean()
        print(f"priors: {n} crops, per-dimension spread / mean magnitude {spread:.3f}")


if __name__ == "__main__":
    main()
