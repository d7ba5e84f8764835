#!/usr/bin/env python3
"""Whole-model side by side: the same BlurDM model (a MIMO-UNet(+), Stripformer or FFTformer backbone + latent
prior), the same seeded random weights, input image and prior noise, in PyTorch (the clean-room references
weights/reference/blurdm_reference.py, stripformer_reference.py and fftformer_reference.py, their deblur()) and in
our CPU backend
(DeblurPipeline.deblur through bench/.../model/SideBySide.java), same thread count, runs alternated ours, torch,
ours, torch, ...

Per case it:
  1. builds the reference model, fills the parameters with seeded uniform values scaled by 1/sqrt(fan-in)
     (the output conv scaled by 0.1 so the output is not all clipped), writes them in the engine's
     safetensors format (weights/reference/safetensors_io.py) and as a torch state dict to a temp dir,
     with a seeded smooth-plus-texture 8-bit input image (PNG) and the prior noise (.npy);
  2. starts two workers, each loads the model and waits for commands on stdin: our Java SideBySide and
     this script with --torch-worker (torch.set_num_threads(THREADS));
  3. each does one untimed float run (prior + backbone, out1 kept; doubles as warm-up), WARMUP untimed
     pipeline runs, then RUNS timed pipeline runs, alternating between the two;
  4. reports the medians, the ratio ours/PyTorch, each worker's peak RSS (VmHWM of its process: JVM or
     Python interpreter included) and how far the outputs agree: rel-L2 of out1 and of the residual
     out1 - x, and the 8-bit images (max difference, pixels that differ).

Writes one JSON object per case list to --json (default: stdout only).
Run (after `mvn -B -q -DskipTests package`):
  /usr/bin/python3 bench/model_side_by_side.py --threads 2 [--cases small@256x256,small@1280x720,paper@256x256]
Models: small and paper (MIMO-UNet+ sizes, BlurDM's MIMO conventions: pad to 8, out[2]), stripformer (the paper's
Stripformer with the BlurDM prior, 22M parameters; pad to 32, the network's output); fftformer (the paper's
FFTformer, dim 48, [6, 6, 12], 4 refinement blocks, with the paper's prior; v/255, pad to 32, clamp [0, 1]);
fftformer_small (dim 16, [1, 1, 2], 1 refinement block, prior latent 256), e.g. --cases fftformer@1280x720.
"""
import argparse
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "weights", "reference"))
import blurdm_reference as ref  # noqa: E402
import stripformer_reference as sr  # noqa: E402
import fftformer_reference as fref  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

CONFIGS = {
    "small": ({"base_channels": 16, "res_blocks": 3, "with_prior": True, "latent": 64},
              {"encoder_features": 32, "encoder_res_blocks": 2, "latent": 64, "denoiser_blocks": 5, "steps": 5}),
    "paper": ({"base_channels": 32, "res_blocks": 20, "with_prior": True, "latent": 256},
              {"encoder_features": 64, "encoder_res_blocks": 6, "latent": 256, "denoiser_blocks": 5, "steps": 5}),
    "stripformer": ({"name": "stripformer"},
                    {"encoder_features": 64, "encoder_res_blocks": 6, "latent": 256, "denoiser_blocks": 5, "steps": 5}),
}
PAPER_PRIOR = {"encoder_features": 64, "encoder_res_blocks": 6, "latent": 256, "denoiser_blocks": 5, "steps": 5}
# FFTformer: the reference's constructor arguments and the engine's config.backbone for the same network
FFTFORMER = {
    "fftformer": dict(dim=48, blocks=(6, 6, 12), refinement=4, ffn_factor=3, bias=False, latent=256),
    "fftformer_small": dict(dim=16, blocks=(1, 1, 2), refinement=1, ffn_factor=3, bias=False, latent=256),
}
for _name, _kw in FFTFORMER.items():
    _d, _f = _kw["dim"], _kw["ffn_factor"]
    CONFIGS[_name] = ({"name": "fftformer", "dim": _d, "encoder_blocks": list(_kw["blocks"]),
                       "decoder_blocks": list(_kw["blocks"]), "refinement_blocks": _kw["refinement"],
                       "hidden": [int(_d * _f), int(2 * _d * _f), int(4 * _d * _f)],
                       "fuse_hidden": [int(2 * _d * 2.66), int(4 * _d * 2.66)], "bias": _kw["bias"],
                       "layer_norm_bias": True, "latent": _kw["latent"], "reduce_chan_level2": True}, PAPER_PRIOR)
# timed runs per side, by case (warm-up: one float run + WARMUP pipeline runs)
RUNS = {"small@256x256": 10, "small@1280x720": 5, "paper@256x256": 5, "paper@1280x720": 2,
        "stripformer@256x256": 5, "stripformer@1280x720": 3, "fftformer@256x256": 3, "fftformer@1280x720": 1}
WARMUP = {"paper@1280x720": 0, "stripformer@1280x720": 0, "fftformer@1280x720": 0}


def is_stripformer(model):
    return model == "stripformer"


def is_fftformer(model):
    return model in FFTFORMER


def pad_multiple(model):
    return 32 if is_stripformer(model) else fref.SIDE_MULTIPLE if is_fftformer(model) else 8


def input_shift(model):
    """The conventions' shift: v/255 - 0.5 (MIMO-UNet's and Stripformer's BlurDM files), v/255 (FFTformer)."""
    return 0.0 if is_fftformer(model) else 0.5


def engine_architecture(model):
    return ("stripformer_blurdm" if is_stripformer(model) else "fftformer_blurdm" if is_fftformer(model)
            else "mimo_unet_blurdm")


def used_output(model, out):
    """The output inference uses: the network's for Stripformer and FFTformer, out[2] for MIMO-UNet."""
    return out if is_stripformer(model) or is_fftformer(model) else out[2]


def reference_deblur(model, net, dm, img, noise):
    if is_stripformer(model):
        return sr.deblur(net, dm, img, noise)[0]
    return fref.deblur(net, dm, img, noise) if is_fftformer(model) else ref.deblur(net, dm, img, noise)


def build(model):
    bb, pr = CONFIGS[model]
    if is_stripformer(model):
        net = sr.StripformerPrior(latent=pr["latent"]).eval()
    elif is_fftformer(model):
        net = fref.FFTformer(**FFTFORMER[model]).eval()
    else:
        net = ref.MIMOUNet(bb["base_channels"], bb["res_blocks"], bb["latent"], bb["with_prior"]).eval()
    dm = ref.LatentExposureDiffusion(pr["encoder_features"], pr["encoder_res_blocks"], pr["latent"],
                                     pr["denoiser_blocks"], pr["steps"]).eval()
    return net, dm


def randomise(module, seed, fftformer=False):
    """Seeded uniform values / sqrt(fan-in); with fftformer, LayerNorm weights near 1 and DFFN filters near their
    all-ones initialisation, so activations stay O(1) through its 52 blocks."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            u = torch.rand(p.shape, generator=g) * 2 - 1
            if fftformer and name.endswith(".fft"):
                p.copy_(1 + 0.5 * u)
            elif fftformer and ".norm" in name and name.endswith(".weight"):
                p.copy_(1 + 0.2 * u)
            elif fftformer and ".norm" in name:
                p.copy_(0.1 * u)
            else:
                fan_in = p[0].numel() if p.dim() > 1 else p.numel()
                p.copy_(u / fan_in ** 0.5)


def image(h, w, seed):
    g = torch.Generator().manual_seed(seed)
    yy, xx = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, w), indexing="ij")
    base = torch.stack([yy, xx, (yy + xx) / 2], dim=-1)
    return torch.clamp(base * 200 + torch.rand(h, w, 3, generator=g) * 55, 0, 255).to(torch.uint8)


def write_png(path, img):
    """8-bit RGB PNG, no filtering (no PIL here)."""
    h, w, _ = img.shape
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def padded(img, multiple=8, shift=0.5):
    h, w = img.shape[:2]
    x = img.permute(2, 0, 1)[None].float() / 255 - shift
    ph, pw = (multiple - h % multiple) % multiple, (multiple - w % multiple) % multiple
    return F.pad(x, (0, pw, 0, ph), mode="reflect") if (ph or pw) else x


def torch_worker(args):
    """The PyTorch side, one process, same protocol as SideBySide.java."""
    t0 = time.perf_counter()
    torch.set_num_threads(args.threads)
    net, dm = build(args.model)
    net.load_state_dict(torch.load(os.path.join(args.dir, "backbone.pt")))
    dm.load_state_dict(torch.load(os.path.join(args.dir, "prior.pt")))
    img = torch.from_numpy(np.load(os.path.join(args.dir, "image.npy")))
    noise = torch.from_numpy(np.load(os.path.join(args.dir, "noise.npy")))
    print(json.dumps({"ready": True, "load_s": time.perf_counter() - t0, "threads": torch.get_num_threads(),
                      "rss_kb": status("VmRSS")}), flush=True)
    last = None
    with torch.no_grad():
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == "float":
                s = time.perf_counter()
                xp = padded(img, pad_multiple(args.model), input_shift(args.model))
                out1 = used_output(args.model, net(xp, dm(xp, noise)))
                out1.numpy().astype("<f4").tofile(os.path.join(args.dir, "torch_float.bin"))
                print(json.dumps({"float_s": time.perf_counter() - s}), flush=True)
            elif cmd == "run":
                s = time.perf_counter()
                last = reference_deblur(args.model, net, dm, img, noise)
                print(json.dumps({"s": time.perf_counter() - s}), flush=True)
            elif cmd == "quit":
                if last is not None:
                    last.numpy().tofile(os.path.join(args.dir, "torch_u8.bin"))
                print(json.dumps({"vmhwm_kb": status("VmHWM"), "rss_kb": status("VmRSS")}), flush=True)
                return


class Worker:
    def __init__(self, name, cmd, env=None):
        self.name = name
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                                  cwd=ROOT)
        self.ready = self.read()

    def read(self):
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise RuntimeError(f"{self.name} worker ended early (exit {self.p.wait()})")
            line = line.strip()
            if line.startswith("{"):
                return json.loads(line)

    def ask(self, cmd):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        return self.read()

    def finish(self):
        r = self.ask("quit")
        self.p.stdin.close()
        self.p.wait(timeout=60)
        return r


def rel_l2(a, b):
    a, b = a.astype(np.float64), b.astype(np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30))


def run_case(case, threads, java, log, runs=None, warmup=None):
    model, size = case.split("@")
    w, h = (int(v) for v in size.split("x"))
    bb, pr = CONFIGS[model]
    torch.manual_seed(0)
    net, dm = build(model)
    randomise(net, 1, is_fftformer(model))
    randomise(dm, 2, is_fftformer(model))
    with torch.no_grad():
        if is_fftformer(model):
            net.output.weight.mul_(0.1)
        else:
            last = net.decoder.de_layer1_1[0] if is_stripformer(model) else net.feat_extract[5].main[0]
            last.weight.mul_(0.1)
            last.bias.mul_(0.1)
    img = image(h, w, 11)
    noise = torch.randn(1, pr["latent"], generator=torch.Generator().manual_seed(12))
    with tempfile.TemporaryDirectory(prefix="blurdm_sbs_") as d:
        weights = {f"backbone.{k}": v for k, v in net.state_dict().items()}
        weights.update({f"prior.{k}": v for k, v in dm.state_dict().items()})
        write_safetensors(os.path.join(d, "model.safetensors"), weights,
                          {"architecture": engine_architecture(model),
                           "config": json.dumps({"backbone": bb, "prior": pr}),
                           "generator": "bench/model_side_by_side.py"})
        torch.save(net.state_dict(), os.path.join(d, "backbone.pt"))
        torch.save(dm.state_dict(), os.path.join(d, "prior.pt"))
        np.save(os.path.join(d, "image.npy"), img.numpy())
        np.save(os.path.join(d, "noise.npy"), noise.numpy().astype("<f4"))
        write_png(os.path.join(d, "input.png"), img.numpy())
        del net, dm, weights
        ours = Worker("ours", java + ["io.github.blurdm.bench.model.SideBySide", os.path.join(d, "model.safetensors"),
                                      os.path.join(d, "input.png"), os.path.join(d, "noise.npy"), d])
        theirs = Worker("torch", [sys.executable, os.path.abspath(__file__), "--torch-worker", "--threads",
                                  str(threads), "--model", model, "--dir", d])
        sides = [ours, theirs]
        fl = {wk.name: wk.ask("float")["float_s"] for wk in sides}
        runs = RUNS.get(case, 3) if runs is None else runs
        for _ in range(WARMUP.get(case, 1) if warmup is None else warmup):
            for wk in sides:
                wk.ask("run")
        times = {"ours": [], "torch": []}
        if runs == 0:   # --runs 0: the first (float) run of each side is the measurement, JIT warm-up and all
            times = {k: [v] for k, v in fl.items()}
        for i in range(runs):
            for wk in sides:
                times[wk.name].append(wk.ask("run")["s"])
            log(f"  {case} run {i}: ours {times['ours'][-1]:.3f} s, torch {times['torch'][-1]:.3f} s")
        end = {wk.name: wk.finish() for wk in sides}
        m = pad_multiple(model)
        hp, wp = (h + m - 1) // m * m, (w + m - 1) // m * m
        of = np.fromfile(os.path.join(d, "ours_float.bin"), "<f4").reshape(1, 3, hp, wp)
        tf = np.fromfile(os.path.join(d, "torch_float.bin"), "<f4").reshape(1, 3, hp, wp)
        x = padded(img, m, input_shift(model)).numpy()
        if runs == 0:   # no pipeline run: quantise both float outputs (clamp to [0, 1] after the shift, x255 + 0.5,
            sh = input_shift(model)   # truncate: save_image's rounding, and FFTformer's +0.5/255 x255 truncated)
            ou, tu = (np.floor(np.clip(f[0, :, :h, :w] + sh, 0, 1) * 255 + 0.5).astype(np.int16).transpose(1, 2, 0)
                      for f in (of, tf))
        else:
            ou = np.fromfile(os.path.join(d, "ours_u8.bin"), np.uint8).astype(np.int16)
            tu = np.fromfile(os.path.join(d, "torch_u8.bin"), np.uint8).astype(np.int16)
        diff = np.abs(ou - tu)
        mo, mt = statistics.median(times["ours"]), statistics.median(times["torch"])
        return {
            "case": case, "model": model, "width": w, "height": h, "threads": threads,
            "config": {"backbone": bb, "prior": pr},
            "params": int(sum(v.numel() for k, v in build(model)[0].state_dict().items())
                          + sum(v.numel() for k, v in build(model)[1].state_dict().items())),
            "runs": times, "first_run_only": runs == 0, "median_s": {"ours": mo, "torch": mt}, "ratio": mo / mt,
            "float_run_s": fl,
            "load_s": {"ours": ours.ready["load_s"], "torch": theirs.ready["load_s"]},
            "threads_reported": {"ours": ours.ready["threads"], "torch": theirs.ready["threads"]},
            "rss_after_load_kb": {"ours": ours.ready["rss_kb"], "torch": theirs.ready["rss_kb"]},
            "peak_rss_kb": {"ours": end["ours"]["vmhwm_kb"], "torch": end["torch"]["vmhwm_kb"]},
            "java_heap_max_mb": end["ours"].get("heap_max_mb"),
            "java_array_pool": end["ours"].get("pool"),
            "agreement": {
                "out1_rel_l2": rel_l2(of, tf), "residual_rel_l2": rel_l2(of - x, tf - x),
                "u8_max_diff": int(diff.max()), "u8_values_differing": int((diff > 0).sum()), "u8_values": int(diff.size),
                "u8_values_clipped_torch": int(((tu == 0) | (tu == 255)).sum()),
            },
        }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cases", default="small@256x256,small@1280x720,paper@256x256")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--runs", type=int, help="timed runs per side (default: per case); 0 times the first run only")
    ap.add_argument("--warmup", type=int, help="untimed pipeline runs per side after the first (default: per case)")
    ap.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--model", help=argparse.SUPPRESS)
    ap.add_argument("--dir", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.torch_worker:
        torch_worker(args)
        return
    jar = os.path.join(ROOT, "bench", "target", "blurdm-bench.jar")
    if not os.path.exists(jar):
        sys.exit(f"missing {jar}: run 'mvn -B -q -DskipTests package' first")
    java = ["java", "--add-modules", "jdk.incubator.vector", f"-Dblurdm.threads={args.threads}",
            "-cp", jar + ":" + os.path.join(ROOT, "bench", "target", "lib", "*")]
    torch.set_num_threads(args.threads)

    def log(msg):
        print(msg, file=sys.stderr, flush=True)
    results = []
    for case in args.cases.split(","):
        t0 = time.perf_counter()
        r = run_case(case, args.threads, java, log, args.runs, args.warmup)
        r["case_wall_s"] = time.perf_counter() - t0
        a = r["agreement"]
        log(f"{case}: ours {r['median_s']['ours']:.3f} s, torch {r['median_s']['torch']:.3f} s, ratio {r['ratio']:.2f}; "
            f"peak RSS ours {r['peak_rss_kb']['ours'] / 1024:.0f} MiB, torch {r['peak_rss_kb']['torch'] / 1024:.0f} MiB; "
            f"out1 rel-L2 {a['out1_rel_l2']:.2e}, residual rel-L2 {a['residual_rel_l2']:.2e}, "
            f"8-bit max diff {a['u8_max_diff']} ({a['u8_values_differing']} of {a['u8_values']}); {r['case_wall_s']:.0f} s")
        results.append(r)
    out = {"torch": torch.__version__, "threads": args.threads, "cases": results}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
