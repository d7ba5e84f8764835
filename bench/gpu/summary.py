#!/usr/bin/env python3
"""The table run.sh prints last, from what it wrote into the output folder:
junit/TEST-*.xml (the CUDA tests), gpu_kernels.json (GpuKernelBench), torch_ops.json
(torch_ops.py), gpu_model.json (GpuModelCheck) and torch_model.json (torch_model.py). First one
line per case, then the short table: test counts, per kernel family (op) the summed median
times of ours and PyTorch's and their ratio, then one row per model (GPU vs CPU rel-L2 of the
prior and the output at the check size; latency at 1280x720, ours and PyTorch's).

ours     : the version the backend runs by default (marked v*), median ms per call
best     : the fastest exact (fp32) version and its time
torch    : PyTorch fp32 (TF32 off), median ms, activation as a separate in-place call
ratio    : ours / torch (below 1: ours is faster)
ours tf32: conv2d v3 (TF32 tensor cores, about 1e-3 relative error); torch tf32: cuDNN (convs) or
           cuBLAS (attention, dct2d, window_channel_attention) with TF32 on

    python3 bench/gpu/summary.py OUT_DIR [--gpu 0|1] [--models "mimo stripformer fftformer loformer"]

Exit status 1 when a test failed, or when a GPU was found but the CUDA tests skipped, a timing
file is missing or holds a failed case, a model's result is missing or failed, or a model's
GPU vs CPU rel-L2 (prior or output) is above 1e-4.
"""
import argparse
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET

TF32_VERSIONS = {"conv2d": {3}}
# run.sh's model names -> the ids GpuModelCheck and torch_model.py write, and the table's names
MODEL_IDS = {"mimo": ("mimo_unet_plus", "MIMO-UNet+"), "stripformer": ("stripformer", "Stripformer"),
             "fftformer": ("fftformer", "FFTformer"), "loformer": ("loformer_s", "LoFormer-S (tiles)")}
REL_L2_LIMIT = 1e-4


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


def model_entries(path):
    """models.<id> of GpuModelCheck's / torch_model.py's file (one object, MIMO-UNet+'s, before the other models)."""
    d = load(path)
    if not isinstance(d, dict):
        return {}
    if isinstance(d.get("models"), dict):
        return d["models"]
    return {"mimo_unet_plus": d}


def sci(v, width=9):
    return ("%*.2e" % (width, v)) if isinstance(v, (int, float)) else ("%*s" % (width, "-"))


def models(out, names, bad):
    """One row per model: GPU vs CPU rel-L2 at the check size, ours and PyTorch's latency, their ratio."""
    ours = model_entries(os.path.join(out, "gpu_model.json"))
    theirs = model_entries(os.path.join(out, "torch_model.json"))
    print("%-19s %9s %9s %9s %10s %10s %10s %10s %6s" % ("model, with prior", "check", "prior rl2", "out rl2",
                                                          "ours ms", "torch fp32", "torch tf32", "compiled", "ratio"))
    sizes, notes = set(), []
    for n in names:
        key, label = MODEL_IDS.get(n, (n, n))
        o, t = ours.get(key) or {}, theirs.get(key) or {}
        if not o:
            bad.append("no GpuModelCheck result for %s" % label)
        elif o.get("error"):
            bad.append("GpuModelCheck %s: %s" % (label, o["error"][:200]))
        elif o.get("latency_ms") is None:
            bad.append("GpuModelCheck %s: no latency (timed out after the check?)" % label)
        for k in ("prior_rel_l2", "output_rel_l2"):
            v = o.get(k)
            if isinstance(v, (int, float)) and not v <= REL_L2_LIMIT:   # NaN counts too
                bad.append("%s GPU vs CPU %s %.3g > %g" % (label, k, v, REL_L2_LIMIT))
        if not t or t.get("eager_fp32_ms") is None:
            bad.append("no torch_model.py result for %s%s" % (label, ": " + t["error"] if t.get("error") else ""))
        if t.get("compile_error"):
            notes.append("%s torch.compile: %s" % (label, t["compile_error"][:150]))
        if t.get("eager_fp32_tile_by_tile_ms") is not None:
            notes.append("%s PyTorch with the tiles one at a time (as ours): %.2f ms"
                         % (label, t["eager_fp32_tile_by_tile_ms"]))
        lat, tms = o.get("latency_ms"), t.get("eager_fp32_ms")
        if o.get("size"):
            sizes.add(o["size"] + (" (%d tiles)" % o["tiles"] if o.get("tiles") else ""))
        print("%-19s %9s %9s %9s %10s %10s %10s %10s %6s" % (
            label, o.get("check", "-"), sci(o.get("prior_rel_l2")), sci(o.get("output_rel_l2")), fmt(lat, 10, 2),
            fmt(tms, 10, 2), fmt(t.get("eager_tf32_ms"), 10, 2), fmt(t.get("compiled_fp32_ms"), 10, 2),
            fmt(lat / tms if lat and tms else None, 6, 2)))
    print("latency at %s, ms: ours prior + backbone on the padded image, CUDA events; PyTorch eager; ratio ours /"
          " torch fp32" % (", ".join(sorted(sizes)) or "-"))
    if "loformer" in names:
        print("LoFormer-S: the per-tile pipeline, wall clock, host merge included (ours: tiles one at a time; "
              "PyTorch: tiles batched, as the official code)")
    for note in notes:
        print("  " + note)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--gpu", type=int, default=1)
    ap.add_argument("--models", default="mimo stripformer fftformer loformer",
                    help="run.sh's models, in its names (mimo stripformer fftformer loformer)")
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
        models(a.out, a.models.split(), bad)
    for b in bad[:20]:
        print("PROBLEM: " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
