#!/usr/bin/env python3
"""LoFormer + BlurDM prior side by side: the same seeded random weights, image and per-tile noise in PyTorch (the
clean-room reference weights/reference/loformer_reference.py, deblur_tiled: the official 384x384 tiles with
overlap 32, a prior per tile, the official merge) and in our CPU backend through the command line
(bin/blurdm deblur --weights F.pth --noise eps.npy --backend cpu), same thread count.

It writes LoFormer-S (dim 32, [1,2,3]/7/[3,2,2]) or a smaller net with the paper's prior generator as a BlurDM
training checkpoint ({'model_state', 'model_dm_state'}), a seeded 8-bit image and the noise (tiles, 256); then
runs, alternating, PyTorch (in a child process: one untimed warm-up image, then the timed ones) and our CLI
(one process per run; the time is the CLI's own per-image line, so JVM start and weight loading are left out
as PyTorch's are; the CLI's warm-up on a small image is on, as by default). Peak RSS of each side's process
(/usr/bin/time). Reports medians, the ratio ours/PyTorch and how far the 8-bit images agree.

Run (after `mvn -B -q -DskipTests package`):
  /usr/bin/python3 bench/loformer_side_by_side.py --threads 2 --size 1280x720 --runs 3 [--model s|tiny]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "weights", "reference"))
import blurdm_reference as ref  # noqa: E402
import loformer_reference as lf  # noqa: E402

MODELS = {
    "s": dict(dim=32, enc_blocks=(1, 2, 3), mid_blocks=7, dec_blocks=(3, 2, 2), heads_enc=(1, 2, 4), heads_mid=8),
    "tiny": dict(dim=8, enc_blocks=(1, 1, 1), mid_blocks=1, dec_blocks=(1, 1, 1), heads_enc=(1, 2, 2), heads_mid=4),
}


def randomise(module, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            fan_in = p[0].numel() if p.dim() > 1 else p.numel()
            p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) * (1.5 / fan_in ** 0.5))


def torch_worker(args):
    torch.set_num_threads(args.threads)
    ck = torch.load(args.weights)
    net = lf.LoFormer(**MODELS[args.model]).eval()
    net.load_state_dict(ck["model_state"])
    dm = ref.LatentExposureDiffusion().eval()
    dm.load_state_dict(ck["model_dm_state"])
    img = torch.from_numpy(np.load(args.image))
    noise = torch.from_numpy(np.load(args.noise))
    times = []
    with torch.no_grad():
        for i in range(args.runs + args.torch_warmup):
            t = time.perf_counter()
            out = lf.deblur_tiled(net, dm, img, noise)
            if i >= args.torch_warmup:
                times.append(time.perf_counter() - t)
    np.save(args.result, out.numpy())
    print(json.dumps(times))


def peak_rss_mib(stderr):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(m.group(1)) / 1024 if m else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--model", default="s", choices=sorted(MODELS))
    ap.add_argument("--torch-warmup", type=int, default=1, choices=(0, 1),
                    help="untimed PyTorch images before the timed ones (0: its first image is timed)")
    ap.add_argument("--torch-worker", action="store_true")
    ap.add_argument("--weights")
    ap.add_argument("--image")
    ap.add_argument("--noise")
    ap.add_argument("--result")
    args = ap.parse_args()
    if args.torch_worker:
        torch_worker(args)
        return
    w, h = (int(v) for v in args.size.split("x"))
    tmp = tempfile.mkdtemp(prefix="loformer_bench_")
    torch.manual_seed(0)
    net = lf.LoFormer(**MODELS[args.model]).eval()
    dm = ref.LatentExposureDiffusion().eval()
    randomise(net, 1)
    randomise(dm, 2)
    with torch.no_grad():
        net.output.weight.mul_(0.1)
    weights = os.path.join(tmp, "loformer.pth")
    torch.save({"model_state": net.state_dict(), "model_dm_state": dm.state_dict()}, weights)
    g = torch.Generator().manual_seed(3)
    yy, xx = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, w), indexing="ij")
    img = torch.clamp(torch.stack([yy, xx, (yy + xx) / 2], -1) * 200 + torch.rand(h, w, 3, generator=g) * 55,
                      0, 255).to(torch.uint8)
    tiles = len(lf.tile_grid(lf.padded_side(h), lf.padded_side(w))[0])
    noise = torch.randn(tiles, 256, generator=g)
    np.save(os.path.join(tmp, "image.npy"), img.numpy())
    np.save(os.path.join(tmp, "noise.npy"), noise.numpy().astype("<f4"))
    from PIL import Image
    Image.fromarray(img.numpy()).save(os.path.join(tmp, "in.png"))
    env = dict(os.environ, BLURDM_JAVA_OPTS=f"-Dblurdm.threads={args.threads}")
    ours, theirs, rss_ours, rss_torch = [], [], 0.0, 0.0
    for r in range(args.runs):
        p = subprocess.run(["/usr/bin/time", "-v", os.path.join(ROOT, "bin", "blurdm"), "deblur", "--weights", weights,
                            "--noise", os.path.join(tmp, "noise.npy"), "--backend", "cpu", "--progress", "lines",
                            "--out", os.path.join(tmp, "out"), os.path.join(tmp, "in.png")],
                           capture_output=True, text=True, env=env)
        if p.returncode != 0:
            sys.exit("blurdm deblur failed: " + p.stderr[-2000:])
        ours.append(float(re.search(r"\(([\d.]+) s\)", p.stdout).group(1)))
        rss_ours = max(rss_ours, peak_rss_mib(p.stderr))
        print(f"ours run {r}: {ours[-1]} s, peak RSS {rss_ours:.0f} MiB", file=sys.stderr, flush=True)
        if r == 0:
            p = subprocess.run(["/usr/bin/time", "-v", sys.executable, os.path.abspath(__file__), "--torch-worker",
                                "--threads", str(args.threads), "--model", args.model, "--runs", str(args.runs),
                                "--torch-warmup", str(args.torch_warmup),
                                "--weights", weights, "--image", os.path.join(tmp, "image.npy"), "--noise",
                                os.path.join(tmp, "noise.npy"), "--result", os.path.join(tmp, "torch.npy")],
                               capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit("PyTorch worker failed: " + p.stderr[-2000:])
            theirs = json.loads(p.stdout.strip().splitlines()[-1])
            rss_torch = peak_rss_mib(p.stderr)
    want = np.load(os.path.join(tmp, "torch.npy")).astype(int)
    got = np.asarray(Image.open(os.path.join(tmp, "out", "in.png")).convert("RGB")).astype(int)
    diff = np.abs(got - want)
    res = {"model": args.model, "size": args.size, "tiles": tiles, "threads": args.threads,
           "torch_warmup_images": args.torch_warmup,
           "ours_s": ours, "torch_s": theirs, "ours_median_s": statistics.median(ours),
           "torch_median_s": statistics.median(theirs),
           "ratio": statistics.median(ours) / statistics.median(theirs),
           "peak_rss_ours_mib": rss_ours, "peak_rss_torch_mib": rss_torch,
           "max_8bit_diff": int(diff.max()), "values_differing": int((diff != 0).sum()), "values": int(diff.size),
           "load_average": open("/proc/loadavg").read().split()[:3]}
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
