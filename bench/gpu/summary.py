#!/usr/bin/env python3
"""The table run.sh prints last, from what it wrote into the output folder:
junit/TEST-*.xml (the CUDA tests), gpu_kernels.json (GpuKernelBench) and torch_ops.json
(torch_ops.py). First one line per case, then the short table: test counts and, per kernel
family (op), the summed median times of ours and PyTorch's and their ratio.

ours     : the version the backend runs by default (marked v*), median ms per call
best     : the fastest exact (fp32) version and its time
torch    : PyTorch fp32 (TF32 off), median ms, activation as a separate in-place call
ratio    : ours / torch (below 1: ours is faster)
ours tf32: conv2d v3 (TF32 tensor cores, about 1e-3 relative error); torch tf32: cuDNN with TF32 on

    python3 bench/gpu/summary.py OUT_DIR [--gpu 0|1]

Exit status 1 when a test failed, or when a GPU was found but the CUDA tests skipped or a
timing file is missing or holds a failed case.
"""
import argparse
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET

TF32_VERSIONS = {"conv2d": {3}}


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def tests(out):
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    failed, skipped_why = [], []
    for path in sorted(glob.glob(os.path.join(out, "junit", "TEST-*.xml"))):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            failed.append("%s: unreadable (%s)" % (os.path.basename(path), e))
            continue
        suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
        for s in suites:
            for k in total:
                total[k] += int(s.get(k, 0))
            for tc in s.iter("testcase"):
                name = (tc.get("classname", "").rsplit(".", 1)[-1] + "." + tc.get("name", "")).strip(".")
                if tc.find("failure") is not None or tc.find("error") is not None:
                    failed.append(name)
                sk = tc.find("skipped")
                if sk is not None and len(skipped_why) < 1:
                    skipped_why.append((sk.get("message") or sk.text or "").strip().splitlines()[0][:200])
    return total, failed, skipped_why


def fmt(v, width=9, digits=4):
    return ("%*.*f" % (width, digits, v)) if isinstance(v, (int, float)) else ("%*s" % (width, "-"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--gpu", type=int, default=1)
    a = ap.parse_args()
    bad = []

    ours = load(os.path.join(a.out, "gpu_kernels.json"))
    torch = load(os.path.join(a.out, "torch_ops.json"))
    by_case = {}
    if ours and ours.get("results"):
        for r in ours["results"]:
            by_case.setdefault(r["name"], {"op": r["op"], "versions": []})["versions"].append(r)
            if r.get("error"):
                bad.append("GpuKernelBench %s v%s: %s" % (r["name"], r["version"], r["error"]))
    theirs = {}
    if torch and torch.get("results"):
        for r in torch["results"]:
            theirs[r["name"]] = r
            by_case.setdefault(r["name"], {"op": r["op"], "versions": []})
            if r.get("error"):
                bad.append("torch_ops %s: %s" % (r["name"], r["error"]))

    if by_case:
        dev = (ours or {}).get("device") or (torch or {}).get("device") or "?"
        print("Per case, %s (ours: Java %s, NVRTC %s; PyTorch %s, cuDNN %s); median ms per call"
              % (dev, (ours or {}).get("java", "?"), (ours or {}).get("nvrtc", "?"), (torch or {}).get("torch", "?"),
                 (torch or {}).get("cudnn", "?")))
        print("%-36s %13s %13s %9s %6s %9s %9s" % ("case", "ours (v*)", "best exact", "torch", "ratio", "ours tf32",
                                                   "torch tf32"))
    families = {}
    for name, c in by_case.items():
        op = c["op"]
        vs = [v for v in c["versions"] if v.get("median_ms") is not None]
        default = next((v for v in vs if v.get("default")), None)
        exact = [v for v in vs if v["version"] not in TF32_VERSIONS.get(op, ())]
        tf32 = [v for v in vs if v["version"] in TF32_VERSIONS.get(op, ())]
        best = min(exact, key=lambda v: v["median_ms"]) if exact else None
        t = theirs.get(name, {})
        tms = t.get("fp32_ms")
        dms = default["median_ms"] if default else None
        ratio = dms / tms if dms and tms else None
        print("%-36s %9s v%-2s %9s v%-2s %9s %6s %9s %9s" % (
            name[:36], fmt(dms), default["version"] if default else "-", fmt(best["median_ms"] if best else None),
            best["version"] if best else "-", fmt(tms), fmt(ratio, 6, 2),
            fmt(min(v["median_ms"] for v in tf32) if tf32 else None), fmt(t.get("tf32_ms"))))
        f = families.setdefault(op, [0, 0.0, 0.0, 0])
        f[0] += 1
        if dms is not None and tms is not None:
            f[1] += dms
            f[2] += tms
            f[3] += 1

    total, failed, skipped_why = tests(a.out)
    print()
    print("==== SUMMARY")
    if total["tests"] == 0:
        print("tests: no JUnit report found in %s/junit" % a.out)
        bad.append("no test report")
    else:
        passed = total["tests"] - total["failures"] - total["errors"] - total["skipped"]
        print("tests: %d run, %d passed, %d failed, %d errors, %d skipped"
              % (total["tests"], passed, total["failures"], total["errors"], total["skipped"]))
        for n in failed[:10]:
            print("  FAILED " + n)
        if skipped_why:
            print("  skipped because: " + skipped_why[0])
        if total["failures"] or total["errors"]:
            bad.append("test failures")
        if a.gpu and total["skipped"]:
            bad.append("a GPU is here but %d CUDA tests skipped" % total["skipped"])
    if not a.gpu:
        print("timings: NO GPU on this machine, nothing timed")
    else:
        if not ours or not ours.get("results"):
            bad.append("no GpuKernelBench results%s" % (": " + ours["error"] if ours and ours.get("error") else ""))
        if not torch or not torch.get("results"):
            bad.append("no PyTorch results%s" % (": " + torch["error"] if torch and torch.get("error") else ""))
        if families:
            print("%-20s %5s %12s %12s %7s" % ("family (op)", "cases", "ours ms", "torch ms", "ratio"))
            for op, (n, o, t, both) in families.items():
                print("%-20s %5d %12s %12s %7s" % (op, n, fmt(o if both else None, 12, 3), fmt(t if both else None, 12, 3),
                                                   fmt(o / t if both and t else None, 7, 2)))
            print("ours: default kernel versions, summed over the family's cases; ratio < 1: ours faster")
        model = load(os.path.join(a.out, "gpu_model.json"))
        tmodel = load(os.path.join(a.out, "torch_model.json"))
        if not model or model.get("latency_ms") is None:
            bad.append("no GpuModelCheck result")
        else:
            print("model (MIMO-UNet+ with prior, paper size): GPU vs CPU rel-L2 at %s: prior %.3g, output %.3g"
                  % (model["check"], model["prior_rel_l2"], model["output_rel_l2"]))
            t = (tmodel or {}).get("eager_fp32_ms")
            print("model latency %s: ours %.2f ms, PyTorch eager fp32 %s ms (TF32 %s, torch.compile %s), ratio %s"
                  % (model["size"], model["latency_ms"], fmt(t, 0, 2), fmt((tmodel or {}).get("eager_tf32_ms"), 0, 2),
                     fmt((tmodel or {}).get("compiled_fp32_ms"), 0, 2), fmt(model["latency_ms"] / t if t else None, 0, 2)))
            if model["output_rel_l2"] > 1e-4:
                bad.append("model GPU vs CPU rel-L2 %.3g > 1e-4" % model["output_rel_l2"])
    for b in bad[:10]:
        print("PROBLEM: " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
