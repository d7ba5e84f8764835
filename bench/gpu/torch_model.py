#!/usr/bin/env python3
"""PyTorch eager (and torch.compile where asked) latency of one whole BlurDM model on the GPU, from the
clean-room references (weights/reference/*_reference.py), built and randomised as bench/model_side_by_side.py
(MIMO-UNet+ = its "paper", "stripformer", "fftformer") and bench/loformer_side_by_side.py (LoFormer-S = its "s")
build them, with the paper's prior generator; random weights (the work does not depend on them).

  mimo, stripformer, fftformer: prior + backbone on a random image of --size padded as BlurDM's files pad it
      (8 for MIMO-UNet+, 32 for Stripformer and FFTformer); CUDA events;
  loformer: the reference's per-tile pipeline (loformer_reference.deblur_tiled) with the networks on the GPU:
      the image uploaded, reflect-padded, cut into 384x384 tiles overlapping by 32, the prior and the network on
      all tiles as one batch (as the official code does), the maps merged on the host (the reference's official
      merge), added, clamped and quantised; wall clock (the merge's download synchronises). Also the same with
      the tiles one at a time (as ours runs them), fp32 only.

fp32 with TF32 off (the comparison for our exact-fp32 kernels) and TF32 on (cuDNN and matmul); warm-up, median.
The result is models.<id> of the JSON object in --out; other models' entries in the file are kept (written
whole, then renamed), first after eager, again after torch.compile.

    python3 bench/gpu/torch_model.py --model mimo|stripformer|fftformer|loformer --out FILE [--size 1280x720]
        [--runs 5] [--compile | --compile-only]   # the whole-image models only; --compile-only adds to the entry
    python3 bench/gpu/torch_model.py --model M --smoke [--out FILE]   # no GPU: the CPU, 64x64 (LoFormer 96x64 in
                                                                      # tiles of 64: two), one run, no TF32

Exit status 2 when CUDA is not available (unless --smoke), 1 on an error.
"""
import argparse
import functools
import json
import os
import statistics
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "weights", "reference"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import blurdm_reference as ref  # noqa: E402
import loformer_reference as lf  # noqa: E402
import loformer_side_by_side as lsbs  # noqa: E402
import model_side_by_side as sbs  # noqa: E402

# --model -> (the id GpuModelCheck uses, what it is, model_side_by_side's CONFIGS name or None for LoFormer-S)
MODELS = {
    "mimo": ("mimo_unet_plus", "MIMO-UNet+ with the BlurDM prior", "paper"),
    "stripformer": ("stripformer", "Stripformer with the BlurDM prior", "stripformer"),
    "fftformer": ("fftformer", "FFTformer (dim 48, [6,6,12], 4 refinement) with the BlurDM prior", "fftformer"),
    "loformer": ("loformer_s", "LoFormer-S with the BlurDM prior (per-tile pipeline)", None),
}


def build(model):
    """The reference networks with seeded random weights, as the two side-by-side scripts make them."""
    name = MODELS[model][2]
    torch.manual_seed(0)
    if name is None:
        net = lf.LoFormer(**lsbs.MODELS["s"]).eval()
        dm = ref.LatentExposureDiffusion().eval()
        lsbs.randomise(net, 1)
        lsbs.randomise(dm, 2)
    else:
        net, dm = sbs.build(name)
        sbs.randomise(net, 1, sbs.is_fftformer(name))
        sbs.randomise(dm, 2, sbs.is_fftformer(name))
    return net, dm


def on_device_dct(dev):
    """LoFormer's DCT bases on the device, kept per size (the official modules keep theirs as buffers): the
    reference caches them on the host, which a CUDA model cannot multiply with."""
    host = lf.dct_matrix

    @functools.lru_cache(maxsize=None)
    def dct_matrix(n):
        return host(n).to(dev)
    lf.dct_matrix = dct_matrix


def timed(fn, runs, cuda, wall):
    """Median ms of `runs` calls after one warm-up call: CUDA events, or the wall clock (wall, or no CUDA)."""
    fn()
    times = []
    for _ in range(runs):
        if cuda and not wall:
            a = torch.cuda.Event(enable_timing=True)
            b = torch.cuda.Event(enable_timing=True)
            a.record()
            fn()
            b.record()
            torch.cuda.synchronize()
            times.append(a.elapsed_time(b))
        else:
            if cuda:
                torch.cuda.synchronize()
            t = time.perf_counter()
            fn()
            if cuda:
                torch.cuda.synchronize()
            times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times), min(times)


def read_entry(path, key):
    try:
        with open(path) as f:
            entry = json.load(f).get("models", {}).get(key)
        return entry if isinstance(entry, dict) else None
    except (OSError, ValueError, AttributeError):
        return None


def write(path, key, result):
    if not path:
        return
    root = {}
    try:
        with open(path) as f:
            root = json.load(f)
        if not isinstance(root.get("models"), dict):
            root = {}
    except (OSError, ValueError):
        root = {}
    root.setdefault("models", {})[key] = result
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(root, f, indent=1)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="mimo", choices=sorted(MODELS))
    ap.add_argument("--out")
    ap.add_argument("--size", help="WxH (default 1280x720; with --smoke 64x64, LoFormer 96x64)")
    ap.add_argument("--tile", type=int, help="LoFormer's tile side (default 384; with --smoke 64: two tiles)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--compile", action="store_true", help="also try torch.compile (fp32; whole-image models)")
    ap.add_argument("--compile-only", action="store_true",
                    help="only torch.compile, added to the model's entry already in --out (run.sh's last step)")
    ap.add_argument("--smoke", action="store_true", help="no GPU needed: the CPU, small, one run, no TF32")
    a = ap.parse_args()
    key, description, _ = MODELS[a.model]
    cuda = torch.cuda.is_available() and not a.smoke
    result = {"model": description + " (paper size, random weights)", "torch": torch.__version__}
    if a.compile_only:
        result = (a.out and read_entry(a.out, key)) or result
        a.compile = True
    if not cuda and not a.smoke:
        result["error"] = "torch.cuda.is_available() is False"
        write(a.out, key, result)
        print("torch_model.py: NO GPU: torch %s sees no CUDA device" % torch.__version__)
        return 2
    dev = torch.device("cuda" if cuda else "cpu")
    size = a.size or ("1280x720" if not a.smoke else "96x64" if a.model == "loformer" else "64x64")
    tile = a.tile or (64 if a.smoke else lf.TILE)
    runs = 1 if a.smoke else a.runs
    w, h = (int(v) for v in size.split("x"))
    torch.backends.cudnn.benchmark = True
    net, dm = build(a.model)
    net, dm = net.to(dev), dm.to(dev)
    result.update(device=torch.cuda.get_device_name(0) if cuda else "cpu (--smoke: nothing about a GPU)", size=size,
                  params=sum(p.numel() for p in net.parameters()) + sum(p.numel() for p in dm.parameters()))
    g = torch.Generator().manual_seed(5)
    if a.model == "loformer":
        on_device_dct(dev)
        img = torch.randint(0, 256, (h, w, 3), generator=g, dtype=torch.uint8)
        hp, wp = lf.padded_side(h, tile), lf.padded_side(w, tile)
        origins, tsize, rows, cols = lf.tile_grid(hp, wp, tile)
        noise = torch.randn(len(origins), 256, generator=g).to(dev)
        ri, ci = lf.reflect_index(hp, h).to(dev), lf.reflect_index(wp, w).to(dev)
        result.update(tiles=len(origins), tile=tile, timed="per-tile pipeline, tiles batched (official); wall "
                      "clock, upload and host merge included")

        def pipeline(batched=True):
            x = img.to(dev).permute(2, 0, 1)[None].float() / 255
            xp = x[:, :, ri][:, :, :, ci]
            tiles = lf.cut_tiles(xp, origins, tsize)
            if batched:
                maps = net(tiles, dm(tiles, noise))
            else:
                maps = torch.cat([net(tiles[i:i + 1], dm(tiles[i:i + 1], noise[i:i + 1]))
                                  for i in range(len(origins))])
            merged = lf.merge_official(maps.cpu(), origins, tsize, (rows, cols), hp, wp)
            out = torch.clamp(merged[:, :, :h, :w] + x.cpu(), 0, 1)[0].permute(1, 2, 0)
            return torch.clamp(out * 255 + 0.5, 0, 255).to(torch.uint8)
        run, wall = pipeline, True
    else:
        m = sbs.pad_multiple(MODELS[a.model][2])
        hp, wp = (h + m - 1) // m * m, (w + m - 1) // m * m
        x = (torch.rand(1, 3, hp, wp, generator=g) - 0.5).to(dev)
        noise = torch.randn(1, 256, generator=g).to(dev)
        result.update(padded="%dx%d" % (wp, hp),
                      timed="prior + backbone on the padded image; " + ("CUDA events" if cuda else "wall clock"))

        def run():
            return net(x, dm(x, noise))
        wall = False

    with torch.no_grad():
        for tf32 in (() if a.compile_only else (False, True) if cuda else (False,)):
            torch.backends.cudnn.allow_tf32 = tf32
            torch.backends.cuda.matmul.allow_tf32 = tf32
            k = "eager_tf32_ms" if tf32 else "eager_fp32_ms"
            result[k], result[k.replace("_ms", "_min_ms")] = timed(run, runs, cuda, wall)
            print("PyTorch eager %s %s %s: %.2f ms" % ("TF32" if tf32 else "fp32", a.model, size, result[k]),
                  flush=True)
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
        if a.model == "loformer" and not a.compile_only:
            result["eager_fp32_tile_by_tile_ms"] = timed(lambda: pipeline(False), runs, cuda, True)[0]
            print("PyTorch eager fp32 loformer %s, tiles one at a time: %.2f ms"
                  % (size, result["eager_fp32_tile_by_tile_ms"]), flush=True)
    if not a.compile_only:
        result["runs"] = runs
        if cuda:
            result["peak_memory_mib"] = torch.cuda.max_memory_allocated() / 2 ** 20
        write(a.out, key, result)                # now too, in case torch.compile runs out of time
    if a.compile and cuda and a.model != "loformer":   # the whole-image models only
        try:
            t0 = time.time()
            cnet, cdm = torch.compile(net), torch.compile(dm)

            def crun():
                with torch.no_grad():
                    return cnet(x, cdm(x, noise))
            crun()
            result["compile_s"] = time.time() - t0
            result["compiled_fp32_ms"] = timed(crun, runs, cuda, False)[0]
            print("torch.compile fp32 %s %s: %.2f ms" % (a.model, size, result["compiled_fp32_ms"]), flush=True)
        except Exception as e:  # noqa: BLE001 (report whatever stopped it)
            result["compile_error"] = ("%s: %s" % (type(e).__name__, e))[:300]
            print("torch.compile failed:", result["compile_error"], flush=True)
        write(a.out, key, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
