#!/usr/bin/env python3
"""PyTorch's side of JMH AttentionBench: Stripformer's strip attention at its bottleneck shapes for a 1280x720
image (1/4 scale: 180 x 320 pixels, 320 channels, 5 heads), as the official Intra_SA / Inter_SA compute it:
q, k, v chunked from the packed [q | k | v] tokens, heads split off, softmax(q k^T * d^-0.5) v, heads merged.
  intra: B = 180 rows, T = 320 pixels, d = 32
  inter: B = 1, T = 180 rows, d = 32 x 320 = 10240
Prints JSON in bench/write_backbone_results.py's format: per shape the median milliseconds (fp32, no_grad, eager).
Run: /usr/bin/python3 bench/stripformer_ops.py --threads 2
"""
import argparse
import json
import os
import statistics
import time

import torch

SHAPES = {"intra": (180, 320, 32), "inter": (1, 180, 32 * 320)}
DESCRIPTION = {"intra": "320 tokens x 32 x 5 heads (180 rows)", "inter": "180 tokens x 10240 x 5 heads (1)"}
HEADS = 5


def attention(qkv, heads):
    b, t, f3 = qkv.shape
    q, k, v = qkv.chunk(3, dim=-1)
    d = f3 // 3 // heads
    q, k, v = (x.reshape(b, t, heads, d).transpose(1, 2) for x in (q, k, v))
    a = (q @ k.transpose(-2, -1)) * d ** -0.5
    o = a.softmax(dim=-1) @ v
    return o.transpose(1, 2).reshape(b, t, heads * d)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--min-seconds", type=float, default=3.0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(7)
    out = {"torch": torch.__version__, "threads": args.threads,
           "load_average": ["%.2f" % x for x in os.getloadavg()], "ops": []}
    with torch.no_grad():
        for name, (b, t, d) in SHAPES.items():
            qkv = torch.rand(b, t, 3 * HEADS * d, generator=g) * 2 - 1
            for _ in range(3):
                attention(qkv, HEADS)
            times, start = [], time.perf_counter()
            while len(times) < 5 or time.perf_counter() - start < args.min_seconds:
                s = time.perf_counter()
                attention(qkv, HEADS)
                times.append((time.perf_counter() - s) * 1000)
            out["ops"].append({"bench": "AttentionBench", "params": {"shape": name}, "label": name + "-strip attention",
                               "shape": DESCRIPTION[name], "ms": statistics.median(times)})
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
