"""PyTorch eager (and torch.compile where it works) latency of the paper-size MIMO-UNet+ with the
BlurDM prior, from the clean-room reference (weights/reference/blurdm_reference.py), at 1280x720
on the GPU: fp32 with TF32 off (the comparison for our exact-fp32 kernels) and TF32 on. Random
weights; CUDA events; warm-up, median. Writes one JSON object to --out.
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "weights", "reference"))
import blurdm_reference as ref  # noqa: E402


def timed(fn, runs):
    times = []
    for i in range(runs + 1):
        a = torch.cuda.Event(enable_timing=True)
        b = torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        torch.cuda.synchronize()
        if i > 0:
            times.append(a.elapsed_time(b))
    times.sort()
    return times[len(times) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--compile", action="store_true", help="also try torch.compile")
    a = ap.parse_args()
    w, h = (int(v) for v in a.size.split("x"))
    dev = torch.device("cuda")
    net = ref.mimo_unet_plus_prior().eval().to(dev)
    dm = ref.LatentExposureDiffusion().eval().to(dev)
    x = torch.rand(1, 3, h, w, device=dev) - 0.5
    noise = torch.randn(1, 256, device=dev)
    result = {"device": torch.cuda.get_device_name(0), "size": a.size, "torch": torch.__version__}

    def run():
        with torch.no_grad():
            net(x, dm(x, noise))

    for tf32 in (False, True):
        torch.backends.cudnn.allow_tf32 = tf32
        torch.backends.cuda.matmul.allow_tf32 = tf32
        key = "eager_tf32_ms" if tf32 else "eager_fp32_ms"
        result[key] = timed(run, a.runs)
        print(f"PyTorch eager {'TF32' if tf32 else 'fp32'} {a.size}: {result[key]:.2f} ms", flush=True)
    result["peak_memory_mib"] = torch.cuda.max_memory_allocated() / 2 ** 20
    with open(a.out, "w") as f:  # written now too, in case torch.compile runs out of time
        json.dump(result, f)
    if a.compile:
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
        try:
            t0 = time.time()
            cnet = torch.compile(net)
            cdm = torch.compile(dm)

            def crun():
                with torch.no_grad():
                    cnet(x, cdm(x, noise))

            crun()
            result["compile_s"] = time.time() - t0
            result["compiled_fp32_ms"] = timed(crun, a.runs)
            print(f"torch.compile fp32 {a.size}: {result['compiled_fp32_ms']:.2f} ms", flush=True)
        except Exception as e:  # noqa: BLE001 (report whatever stopped it)
            result["compile_error"] = f"{type(e).__name__}: {e}"[:300]
            print("torch.compile failed:", result["compile_error"], flush=True)
    with open(a.out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
