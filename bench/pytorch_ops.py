#!/usr/bin/python3
"""Times PyTorch (CPU) on the shapes of bench's JMH benchmarks, for bench/run_cpu_bench.sh.

conv2d: 3x3, stride 1, pad 1, bias, batch 1, Cin = Cout, shapes CxHxW as in Conv2dBench.
linear: one row, bias, shapes KxN (in x out features) as in LinearBench.
Seeded uniform [-1,1) inputs; warm-up, then the median (and min, max) of many timed calls,
printed as JSON. torch.get_num_threads() reports 1 here by default, so the thread count is
always set explicitly (--threads, default 2).

    /usr/bin/python3 bench/pytorch_ops.py --threads 2
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

CONV_SHAPES = ["32x256x256", "64x128x128", "128x64x64"]
LINEAR_SHAPES = ["513x256", "256x256"]


def uniform(gen, *shape):
    return torch.rand(*shape, generator=gen) * 2 - 1


def time_call(fn, warmup, runs, min_seconds):
    for _ in range(warmup):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < runs or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return {"median_ms": statistics.median(times) * 1e3, "min_ms": min(times) * 1e3,
            "max_ms": max(times) * 1e3, "runs": len(times)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=3.0, help="minimum timed seconds per case")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(0)
    results = {"torch": torch.__version__, "threads": torch.get_num_threads(),
               "mkldnn": torch.backends.mkldnn.is_available(), "conv2d": {}, "linear": {}}
    with torch.no_grad():
        for s in CONV_SHAPES:
            c, h, w = (int(v) for v in s.split("x"))
            x = uniform(gen, 1, c, h, w)
            wt = uniform(gen, c, c, 3, 3)
            b = uniform(gen, c)
            r = time_call(lambda: F.conv2d(x, wt, b, 1, 1), 5, args.runs, args.seconds)
            r["gflop"] = 2.0 * c * c * 9 * h * w / 1e9
            results["conv2d"][s] = r
        for s in LINEAR_SHAPES:
            k, n = (int(v) for v in s.split("x"))
            x = uniform(gen, 1, k)
            wt = uniform(gen, n, k)
            b = uniform(gen, n)
            r = time_call(lambda: F.linear(x, wt, b), 200, args.runs * 100, args.seconds / 3)
            r["gflop"] = 2.0 * k * n / 1e9
            results["linear"][s] = r
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
