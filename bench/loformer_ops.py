#!/usr/bin/env python3
"""PyTorch's side of the LoFormer op benchmarks (Dct2dBench, WindowChannelAttentionBench): the same shapes, the
official formulation (the DCT as two matmuls with the cached float32 basis and the transposes the official
dct_util does; the window attention as the official einops rearranges compute it, through the clean-room
reference), median of --runs after 2 warm-up calls, in milliseconds. Prints one JSON object.

Run: /usr/bin/python3 bench/loformer_ops.py --threads 2
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "weights", "reference"))
import loformer_reference as lf  # noqa: E402


def timed(f, runs):
    for _ in range(2):
        f()
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    out = {"threads": args.threads, "torch": torch.__version__, "dct2d": {}, "window_channel_attention": {}}
    with torch.no_grad():
        for c, side in [(32, 384), (256, 48)]:
            x = torch.rand(1, c, side, side) * 2 - 1
            mw, mh = lf.dct_matrix(side), lf.dct_matrix(side)

            def fwd():   # official dct2dx: x @ Cw^T, transpose, @ Ch^T, transpose back, contiguous
                y = (x @ mw.t()).contiguous()
                return ((y.transpose(-1, -2) @ mh.t()).transpose(-1, -2)).contiguous()

            def inv():
                y = (x @ mw).contiguous()
                return ((y.transpose(-1, -2) @ mh).transpose(-1, -2)).contiguous()

            out["dct2d"][f"{c}x{side}"] = {"forward_ms": timed(fwd, args.runs), "inverse_ms": timed(inv, args.runs)}
        for c, heads, side in [(32, 1, 384), (64, 1, 384), (256, 8, 48)]:
            qkv = torch.rand(1, 3 * c, side, side) * 2 - 1
            t = torch.rand(heads)
            w = torch.rand(64, 64) * 2 - 1
            b = torch.rand(64) * 2 - 1
            out["window_channel_attention"][f"{c}x{heads}x{side}"] = timed(
                lambda: lf.window_channel_attention(qkv, t, w, b, heads), args.runs)
    out["load_average"] = open("/proc/loadavg").read().split()[:3]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
