#!/usr/bin/env python3
"""PyTorch's side of FFTformer's JMH op benchmarks (PatchFftFilterBench, FsasAttentionBench, DepthwiseConv2dBench,
GeluGateBench, BiasFreeLayerNormBench): the same shapes (FFTformer's level 1 at a 256x256 input), computed as the
official code computes them (weights/reference/fftformer_reference.py, whose 8x8 parts are torch.fft's rfft2 and
irfft2 of each patch, and whose LayerNorms go through the official [N, HW, C] layout).
Prints JSON in bench/write_backbone_results.py's format: per op the median milliseconds (fp32, no_grad, eager).
Run: /usr/bin/python3 bench/fftformer_ops.py --threads 2
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "weights", "reference"))
import fftformer_reference as fref  # noqa: E402


def timed(fn, min_seconds):
    for _ in range(2):
        fn()
    times, start = [], time.perf_counter()
    while len(times) < 5 or time.perf_counter() - start < min_seconds:
        s = time.perf_counter()
        fn()
        times.append((time.perf_counter() - s) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--min-seconds", type=float, default=3.0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(7)

    def rand(*shape):
        return torch.rand(*shape, generator=g) * 2 - 1
    x288, x96 = rand(1, 288, 256, 256), [rand(1, 96, 256, 256) for _ in range(3)]
    filt = rand(288, 1, 1, 8, 5)
    norm96 = fref.ChannelLayerNorm(96, with_bias=True)
    norm48 = fref.ChannelLayerNorm(48, with_bias=False)
    x48, w_dw = rand(1, 48, 256, 256), rand(288, 1, 3, 3)
    cases = [
        ("PatchFftFilterBench", {}, "patch_fft_filter", "[1,288,256,256], filter [288,8,5]",
         lambda: fref.patch_fft_filter(x288, filt)),
        ("FsasAttentionBench", {}, "fsas_attention", "q, k, v [1,96,256,256]",
         lambda: x96[2] * norm96(fref.patch_product(x96[0], x96[1]))),
        ("DepthwiseConv2dBench", {}, "depthwise_conv2d 3x3", "[1,288,256,256], no bias",
         lambda: F.conv2d(x288, w_dw, padding=1, groups=288)),
        ("GeluGateBench", {}, "gelu_gate", "[1,288,256,256] -> [1,144,256,256]",
         lambda: (lambda a, b: F.gelu(a) * b)(*x288.chunk(2, dim=1))),
        ("BiasFreeLayerNormBench", {}, "bias_free_layer_norm", "[1,48,256,256]", lambda: norm48(x48)),
    ]
    out = {"torch": torch.__version__, "threads": args.threads,
           "load_average": ["%.2f" % v for v in os.getloadavg()], "ops": []}
    with torch.no_grad():
        for bench, params, label, shape, fn in cases:
            out["ops"].append({"bench": bench, "params": params, "label": label, "shape": shape,
                               "ms": timed(fn, args.min_seconds)})
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
