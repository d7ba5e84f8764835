#!/usr/bin/env python3
"""PyTorch side of the GPU kernel timings: the cases of bench/gpu/cases.json (the ones
GpuKernelBench times), each as PyTorch runs it in the reference model, in fp32.

Timing as in GpuKernelBench: seeded inputs uniform in [-1,1], 3 warm-up calls (cudnn.benchmark
picks its algorithm there), then the median of up to --samples samples (at least 3, at most
--budget-ms per case), each timed with CUDA events; before each sample a 256 MiB buffer is
overwritten so L2 starts cold, except for cases with "inner", whose samples time that many calls
back to back. A fused activation in a case ("act") is a separate in-place call here, as in the
PyTorch model. Stripformer's attention is the official Intra_SA / Inter_SA form (chunk the packed
qkv, split heads, softmax(q k^T / sqrt(d)) v, merge heads: weights/reference/stripformer_reference.py),
LoFormer's DCT the official two matmuls with the float32 basis, its window channel attention the
official rearranges (weights/reference/loformer_reference.py).

fp32 is the comparison: torch.backends.cudnn.allow_tf32 and torch.backends.cuda.matmul.allow_tf32
are False. Convolutions are timed a second time with TF32 on (PyTorch's default for cuDNN), and so
are the matmul-based ops (attention, dct2d, window_channel_attention) with matmul TF32 on.

    python3 bench/gpu/torch_ops.py [--cases FILE] [--out FILE.json] [--samples N] [--only TEXT]
    python3 bench/gpu/torch_ops.py --smoke        # no GPU: every case at 1/8 size on the CPU, once (no TF32)

Exit status 2 when CUDA is not available (unless --smoke), 1 when a case failed.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "weights", "reference"))
import loformer_reference as lf  # noqa: E402
import stripformer_reference as sr  # noqa: E402

FLUSH_BYTES = 256 << 20


def act_fn(name):
    if name in (None, "none"):
        return lambda y: y
    if name == "relu":
        return lambda y: F.relu(y, inplace=True)
    if name == "gelu":
        return lambda y: F.gelu(y)
    if name.startswith("lrelu"):
        slope = float(name[5:])
        return lambda y: F.leaky_relu(y, slope, inplace=True)
    raise ValueError("unknown activation " + name)


def rand(gen, dev, *shape, scale=1.0):
    return (torch.rand(*shape, generator=gen, device=dev) * 2 - 1).mul_(scale)


def shrink(shape, f):
    """Spatial dims divided by f (for --smoke), kept even."""
    if len(shape) == 4:
        return [shape[0], shape[1], max(8, shape[2] // f // 8 * 8), max(8, shape[3] // f // 8 * 8)]
    if len(shape) == 3:                            # attention's qkv [B,T,3F]: fewer sequences, as GpuKernelBench
        return [max(1, shape[0] // f), shape[1], shape[2]]
    return list(shape)


def prior_sampler(cond, noise, nm, lm, sched, L, D, T):
    """The fused op's reference loop (PriorSamplerCpu) with PyTorch ops: 2 denoisers x T steps."""
    def layers(w):
        out, off = [], 0
        k = 2 * L + 1
        for i in range(D + 1):
            W = w[off:off + L * k].view(L, k)
            off += L * k
            b = w[off:off + L]
            off += L
            out.append((W, b))
            k = L
        return out
    net_n, net_l = layers(nm), layers(lm)

    def denoise(net, x):
        for W, b in net:
            x = F.leaky_relu(F.linear(x, W, b), 0.1)
        return x
    alphas, bb = sched[:T + 1], sched[T + 1:2 * T + 1]
    z = cond + bb[T - 1] * noise
    tcol = torch.empty(cond.shape[0], 1, device=cond.device)
    for s in range(T):
        t = T - s
        tcol.fill_(t / T)
        inp = torch.cat([cond, tcol, z], 1)
        eps_hat = denoise(net_n, inp)
        e_hat = denoise(net_l, inp)
        at, ap = alphas[t], alphas[t - 1]
        coef = bb[0] if t == 1 else at * bb[t - 1] / ap - bb[t - 2]
        z = (at * z - e_hat) / ap - coef * eps_hat
    return z


def prepare(c, dev, gen, smoke):
    """A closure running the case once, and what its TF32 timing switches on: "conv" (cuDNN), "matmul"
    (cuBLAS) or None (no TF32 timing)."""
    op = c["op"]
    xs = shrink(c["x"], 8) if smoke else c["x"]
    x = rand(gen, dev, *xs)
    act = act_fn(c.get("act"))
    if op == "conv2d":
        k, s, p, cout = c["k"], c["stride"], c["pad"], c["cout"]
        w = rand(gen, dev, cout, xs[1], k, k, scale=0.1)
        b = rand(gen, dev, cout)
        return (lambda: act(F.conv2d(x, w, b, s, p))), "conv"
    if op == "conv_transpose2d":
        k, s, p, cout = c["k"], c["stride"], c["pad"], c["cout"]
        w = rand(gen, dev, xs[1], cout, k, k, scale=0.1)
        b = rand(gen, dev, cout)
        return (lambda: act(F.conv_transpose2d(x, w, b, s, p))), "conv"
    if op in ("add", "mul"):
        y = rand(gen, dev, *xs)
        o = torch.empty_like(x)
        f = torch.add if op == "add" else torch.mul
        return (lambda: f(x, y, out=o)), False
    if op == "relu":
        return (lambda: F.relu(x)), False
    if op == "gelu":
        return (lambda: F.gelu(x)), False
    if op == "leaky_relu":
        return (lambda: F.leaky_relu(x, 0.1)), False
    if op == "channel_affine":
        scale = rand(gen, dev, xs[0], xs[1])[:, :, None, None]
        shift = rand(gen, dev, xs[0], xs[1])[:, :, None, None]
        o = torch.empty_like(x)
        return (lambda: torch.addcmul(shift, x, scale, out=o)), False
    if op == "concat":
        parts = [rand(gen, dev, xs[0], ch, xs[2], xs[3]) for ch in c["channels"]]
        o = torch.empty(xs[0], sum(c["channels"]), xs[2], xs[3], device=dev)
        return (lambda: torch.cat(parts, 1, out=o)), False
    if op == "downsample_nearest2":
        return (lambda: F.interpolate(x, scale_factor=0.5, mode="nearest")), False
    if op == "upsample_nearest2":
        return (lambda: F.interpolate(x, scale_factor=2, mode="nearest")), False
    if op == "pixel_unshuffle":
        return (lambda: F.pixel_unshuffle(x, c["r"])), False
    if op == "global_avg_pool":
        return (lambda: x.mean((2, 3))), False
    if op == "linear":
        cin, cout = xs[-1], c["cout"]
        w = rand(gen, dev, cout, cin, scale=cin ** -0.5)
        b = rand(gen, dev, cout, scale=0.1)
        return (lambda: act(F.linear(x, w, b))), False
    if op == "prior_sampler":
        L, D, T = c["latent"], c["blocks"], c["steps"]
        packed = L * (2 * L + 1) + L + D * (L * L + L)
        noise = rand(gen, dev, *xs)
        nm = rand(gen, dev, packed, scale=(2 * L + 1) ** -0.5)
        lm = rand(gen, dev, packed, scale=(2 * L + 1) ** -0.5)
        sched = [1 + 0.2 * i for i in range(T + 1)] + [0.04 * i for i in range(T)] + [float(T - i) for i in range(T)]
        return (lambda: prior_sampler(x, noise, nm, lm, sched, L, D, T)), False
    if op in ("patch_fft_filter", "fsas_attention"):
        def patches(t):
            n, ch, h, w = t.shape
            return t.reshape(n, ch, h // 8, 8, w // 8, 8).permute(0, 1, 2, 4, 3, 5)

        def unpatch(p):
            n, ch, gh, gw = p.shape[:4]
            return p.permute(0, 1, 2, 4, 3, 5).reshape(n, ch, gh * 8, gw * 8)
        if op == "patch_fft_filter":
            filt = rand(gen, dev, xs[1], 1, 1, 8, 5)
            return (lambda: unpatch(torch.fft.irfft2(torch.fft.rfft2(patches(x)) * filt, s=(8, 8)))), False
        c3 = xs[1]
        lw = rand(gen, dev, c3)
        lb = rand(gen, dev, c3)
        q, k, v = x, rand(gen, dev, *xs), rand(gen, dev, *xs)

        def fsas():
            o = unpatch(torch.fft.irfft2(torch.fft.rfft2(patches(q)) * torch.fft.rfft2(patches(k)), s=(8, 8)))
            o = F.layer_norm(o.permute(0, 2, 3, 1), (c3,), lw, lb, 1e-5).permute(0, 3, 1, 2)
            return v * o
        return fsas, False
    if op == "depthwise_conv2d":
        k = c["k"]
        w = rand(gen, dev, xs[1], 1, k, k, scale=0.3)
        return (lambda: F.conv2d(x, w, None, 1, k // 2, 1, xs[1])), "conv"
    if op == "gelu_gate":
        def gate():
            x1, x2 = x.chunk(2, dim=1)
            return F.gelu(x1) * x2
        return gate, False
    if op == "bias_free_layer_norm":
        lw = rand(gen, dev, xs[1])

        def bf():
            t = x.permute(0, 2, 3, 1)
            return (t / torch.sqrt(t.var(-1, keepdim=True, unbiased=False) + 1e-5) * lw).permute(0, 3, 1, 2)
        return bf, False
    if op == "attention":                          # x is the packed qkv [B,T,3F] of a Linear / 1x1 conv
        heads = c["heads"]
        if smoke and xs[2] >= 3 * heads * 64:      # --smoke: heads of d/8 too (PyTorch's CPU matmuls are slow)
            x = x[:, :, :xs[2] // (24 * heads) * 3 * heads].contiguous()
        return (lambda: sr.attention(*x.chunk(3, dim=-1), heads)), "matmul"
    if op == "permute":
        dims = c["dims"]
        return (lambda: x.permute(*dims).contiguous()), False
    if op == "dct2d":
        mh, mw = lf.dct_matrix(xs[2]).to(dev), lf.dct_matrix(xs[3]).to(dev)
        if c.get("inverse"):
            mh, mw = mh.t(), mw.t()

        def dct():   # the official dct2dx: x @ Cw^T, transpose, @ Ch^T, transpose back, contiguous (inverse: C, not C^T)
            y = (x @ mw.t()).contiguous()
            return ((y.transpose(-1, -2) @ mh.t()).transpose(-1, -2)).contiguous()
        return dct, "matmul"
    if op == "window_channel_attention":
        heads = c["heads"]
        t = rand(gen, dev, heads, scale=0.3)
        w = rand(gen, dev, 64, 64, scale=0.125)
        b = rand(gen, dev, 64, scale=0.1)
        return (lambda: lf.window_channel_attention(x, t, w, b, heads)), "matmul"
    raise ValueError("torch_ops.py has no setup for op " + op)


def time_case(fn, inner, cold, samples, budget_ms, warmup, flush, cuda):
    for _ in range(warmup):
        fn()
    if not cuda:                                   # --smoke: one wall-clock sample, just to run the code
        t0 = time.perf_counter()
        fn()
        return [(time.perf_counter() - t0) * 1e3]
    torch.cuda.synchronize()
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    ms, spent = [], 0.0
    while len(ms) < samples and (len(ms) < 3 or spent < budget_ms):
        if cold:
            flush.fill_(len(ms))
        start.record()
        for _ in range(inner):
            fn()
        stop.record()
        stop.synchronize()
        t = start.elapsed_time(stop)
        ms.append(t / inner)
        spent += t
    return ms


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", default=os.path.join(here, "cases.json"))
    ap.add_argument("--out", default=os.path.join(here, "out", "torch_ops.json"))
    ap.add_argument("--samples", type=int, default=25)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--budget-ms", type=float, default=2000)
    ap.add_argument("--only", default=None)
    ap.add_argument("--smoke", action="store_true", help="no GPU needed: run every case at 1/8 size on the CPU once")
    a = ap.parse_args()

    cases = json.load(open(a.cases))["cases"]
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    cuda = torch.cuda.is_available()
    root = {"torch": torch.__version__, "results": []}
    if not cuda and not a.smoke:
        root["error"] = "torch.cuda.is_available() is False"
        json.dump(root, open(a.out, "w"), indent=1)
        print("torch_ops.py: NO GPU: torch %s sees no CUDA device" % torch.__version__)
        return 2
    dev = "cuda" if cuda and not a.smoke else "cpu"
    torch.backends.cudnn.benchmark = True
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    if dev == "cuda":
        root.update(device=torch.cuda.get_device_name(0), cuda=torch.version.cuda,
                    cudnn=torch.backends.cudnn.version())
        print("torch_ops.py on %s, torch %s, CUDA %s, cuDNN %s; fp32 (TF32 off), convs and matmul-based ops also "
              "with TF32 on" % (root["device"], torch.__version__, torch.version.cuda, root["cudnn"]))
    flush = torch.empty(FLUSH_BYTES // 4, device=dev) if dev == "cuda" else None
    failed = False
    gen = torch.Generator(device=dev).manual_seed(1)
    for c in cases:
        if a.only and a.only not in c["name"] and a.only != c["op"]:
            continue
        r = {"name": c["name"], "op": c["op"]}
        try:
            with torch.no_grad():
                fn, tf32 = prepare(c, dev, gen, a.smoke)
                inner = 1 if a.smoke else c.get("inner", 1)
                ms = time_case(fn, inner, inner == 1, a.samples, a.budget_ms, 1 if a.smoke else a.warmup, flush,
                               dev == "cuda")
                r["fp32_ms"], r["fp32_min_ms"], r["samples"] = statistics.median(ms), min(ms), len(ms)
                if tf32 and not a.smoke:              # TF32 means nothing on the CPU
                    switch = torch.backends.cudnn if tf32 == "conv" else torch.backends.cuda.matmul
                    switch.allow_tf32 = True
                    try:
                        ms = time_case(fn, inner, inner == 1, a.samples, a.budget_ms,
                                       1 if a.smoke else a.warmup, flush, dev == "cuda")
                    finally:
                        switch.allow_tf32 = False
                    r["tf32_ms"] = statistics.median(ms)
            print("%-40s %-16s fp32 %9.4f ms%s" % (c["name"], c["op"], r["fp32_ms"],
                  "   tf32 %9.4f ms" % r["tf32_ms"] if "tf32_ms" in r else ""), flush=True)
        except Exception as e:                     # one case failing must not hide the others
            failed = True
            r["error"] = repr(e)
            print("%-40s %-16s FAILED: %r" % (c["name"], c["op"], e), flush=True)
        root["results"].append(r)
        json.dump(root, open(a.out, "w"), indent=1)   # after every case: a timeout still leaves what was measured
        if dev == "cuda":
            torch.cuda.empty_cache()
    json.dump(root, open(a.out, "w"), indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
