"""Packs the TRAINING photos small enough to travel to the GPU machine, for train.py --online-photos.

Same train/validation split as `blurdm synth` (PairSetWriter): photos are listed recursively under
--photos (PNG/JPEG/BMP, sorted), those smaller than the crop at the pair set's scale are left out, and
whole photos go to validation when the SHA-256 of their name (path relative to --photos, UTF-8; first 7
bytes big-endian / 2^56) is below --val-fraction (each side keeps at least one photo). The split is checked
against the pair set's pairs.csv (split column) and synth-settings.txt when they exist; a mismatch stops.

Each training photo is decoded to linear light (exact sRGB curve), box-downscaled so that its long side
is at most --max-side (default the pair set's, 1280): by default by the smallest integer factor, as
`blurdm synth` does (LinearImage.downscale), so the photos have the pair set's scale and the on-line pairs
its blur strength; --scale-rule exact scales to --max-side exactly (PIL BOX, area weights, on float
channels). Encoded back to 8-bit sRGB and written as JPEG (--quality, 4:4:4) to <out>/<source>/<stem>.jpg,
plus <out>/SOURCES.csv (packed file, original name and file, sizes, licence, author, Debian package, from
the photos' SOURCES.csv). Measured: 43 photos, 6.6 MiB at the pair set's scale (quality 92); 3.4 MiB with
--max-side 640 --scale-rule exact, whose pairs blur more relative to the sharp detail (median
gradient-energy ratio 0.21 against the pair set's 0.25; see test_torch_synth.py).
With --val-pairs N, the first N validation pairs of the pair set are copied to <out>/../val/{input,target}
so that `--data <out>/..` validates on them (train.py's validation reads <data>/val).

  /usr/bin/python3 weights/reference/prepare_data.py --collect-only     # weights/data/photos
  /usr/bin/python3 weights/reference/pack_photos.py                     # -> weights/gpu-data/photos
"""
import argparse
import csv
import hashlib
import os
import shutil
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp")


def name_hash(name):
    """PairSetWriter.nameHash: SHA-256 of the UTF-8 name, first 7 bytes big-endian, / 2^56."""
    d = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(d[:7], "big") / float(1 << 56)


def split(names, val_fraction):
    """PairSetWriter.split: (train, val) name lists, order kept."""
    train = [n for n in names if not name_hash(n) < val_fraction]
    val = [n for n in names if name_hash(n) < val_fraction]
    if val_fraction > 0 and len(names) >= 2:
        if not val:
            p = min(train, key=name_hash)
            train.remove(p)
            val.append(p)
        elif not train:
            p = max(val, key=name_hash)
            val.remove(p)
            train.append(p)
    return train, val


def list_photos(folder):
    """PairSetWriter.listPhotos: image files under folder, sorted by path; names relative, '/'-separated."""
    out = []
    for d, dirs, files in os.walk(folder):
        for f in files:
            p = os.path.join(d, f)
            if f.lower().endswith(EXTENSIONS) and os.path.isfile(p):
                out.append(p)
    out.sort()
    return [os.path.relpath(p, folder).replace(os.sep, "/") for p in out]


def srgb_to_linear(v):
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(x):
    x = np.clip(x, 0.0, 1.0)
    return np.where(x <= 0.0031308, 12.92 * x, 1.055 * np.power(np.maximum(x, 0.0031308), 1 / 2.4) - 0.055)


def downscale(rgb8, max_side, integer=False):
    """8-bit RGB -> 8-bit RGB with long side <= max_side, box-averaged in linear light: by the exact factor
    max_side / long side (PIL BOX, area weights), or with integer=True by the smallest integer factor k that
    gets there (k x k blocks, partial rows and columns dropped: `blurdm synth`'s LinearImage.downscale)."""
    h, w = rgb8.shape[:2]
    if max(h, w) <= max_side:
        return rgb8
    lut = srgb_to_linear(np.arange(256) / 255.0).astype(np.float32)
    lin = lut[rgb8]
    if integer:
        k = (max(h, w) + max_side - 1) // max_side
        out = lin[:h // k * k, :w // k * k].reshape(h // k, k, w // k, k, 3).astype(np.float64).mean((1, 3))
    else:
        s = max_side / max(h, w)
        nw, nh = max(1, round(w * s)), max(1, round(h * s))
        chans = [np.asarray(Image.fromarray(np.ascontiguousarray(lin[:, :, c]), "F").resize((nw, nh), Image.BOX))
                 for c in range(3)]
        out = np.stack(chans, 2).astype(np.float64)
    return np.floor(linear_to_srgb(out) * 255 + 0.5).astype(np.uint8)


def read_settings(path):
    out = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            k, _, v = line.rstrip("\n").partition("=")
            out[k] = v
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--photos", default=os.path.join(ROOT, "weights", "data", "photos"))
    ap.add_argument("--pairs", default=os.path.join(ROOT, "weights", "data", "synth"),
                    help="the pair set made from --photos (its pairs.csv / synth-settings.txt check the split)")
    ap.add_argument("--out", default=os.path.join(ROOT, "weights", "gpu-data", "photos"))
    ap.add_argument("--max-side", type=int, default=None,
                    help="long side limit (default: the pair set's max_side, else 1280: the photos at the pair set's scale)")
    ap.add_argument("--scale-rule", choices=["integer", "exact"], default="integer",
                    help="integer: the smallest integer box factor, as `blurdm synth` (default); exact: box to max-side")
    ap.add_argument("--quality", type=int, default=92)
    ap.add_argument("--val-fraction", type=float, default=None, help="default: the pair set's, else 0.1")
    ap.add_argument("--crop", type=int, default=None, help="pair size (default: the pair set's, else 256)")
    ap.add_argument("--pair-max-side", type=int, default=None, help="`blurdm synth --max-side` (default: the pair set's, else 1280)")
    ap.add_argument("--val-pairs", type=int, default=0, help="also copy the first N validation pairs to <out>/../val")
    a = ap.parse_args()

    st = read_settings(os.path.join(a.pairs, "synth-settings.txt"))
    vf = a.val_fraction if a.val_fraction is not None else float(st.get("val_fraction", 0.1))
    size = st.get("size", "256x256").split("x")
    cw, ch = (a.crop, a.crop) if a.crop else (int(size[0]), int(size[1]))
    pms = a.pair_max_side or int(st.get("max_side", 1280))
    max_side = a.max_side or pms

    names, usable = list_photos(a.photos), []
    for n in names:
        with Image.open(os.path.join(a.photos, n)) as im:
            w, h = im.size
        k = max(1, (max(w, h) + pms - 1) // pms)  # PairSetWriter.scaleOf
        if w // k < cw or h // k < ch:
            print(f"skipping {n}: {w}x{h} is smaller than the crop", file=sys.stderr)
        else:
            usable.append(n)
    train, val = split(usable, vf)
    print(f"{len(usable)} photos: {len(train)} train, {len(val)} val (val fraction {vf})")

    # the split must be the pair set's
    problems = []
    if st.get("train_photos") is not None:
        if st["train_photos"].split(";") != train or st.get("val_photos", "").split(";") != val:
            problems.append("synth-settings.txt lists another split")
    pc = os.path.join(a.pairs, "pairs.csv")
    if os.path.exists(pc):
        used = {"train": set(), "val": set()}
        for r in csv.DictReader(open(pc, newline="", encoding="utf-8")):
            used[r["split"]].add(r["photo"])
        if not used["train"] <= set(train) or not used["val"] <= set(val):
            problems.append(f"pairs.csv: train photos not in our train split: {sorted(used['train'] - set(train))}; "
                            f"val photos not in our val split: {sorted(used['val'] - set(val))}")
        if not problems:
            print(f"split checked against {pc}: its {len(used['train'])} train and {len(used['val'])} val photos "
                  f"are ours" + (" (and synth-settings.txt lists our split)" if st.get("train_photos") else ""))
    if problems:
        sys.exit("pack_photos.py: split mismatch: " + "; ".join(problems))
    if not os.path.exists(pc) and not st:
        print(f"no {pc}: split not cross-checked", file=sys.stderr)

    meta = {}
    src = os.path.join(a.photos, "SOURCES.csv")
    if os.path.exists(src):
        for r in csv.DictReader(open(src, newline="", encoding="utf-8")):
            meta[r["name"]] = r
    if os.path.isdir(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out)
    rows, total = [], 0
    for n in train:
        with Image.open(os.path.join(a.photos, n)) as im:
            rgb = np.asarray(im.convert("RGB"))
        small = downscale(rgb, max_side, a.scale_rule == "integer")
        rel = os.path.splitext(n)[0] + ".jpg"
        dst = os.path.join(a.out, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        Image.fromarray(small).save(dst, "JPEG", quality=a.quality, subsampling=0, optimize=True)
        total += os.path.getsize(dst)
        m = meta.get(n, {})
        rows.append([rel, n, m.get("file", os.path.realpath(os.path.join(a.photos, n))),
                     f"{rgb.shape[1]}x{rgb.shape[0]}", f"{small.shape[1]}x{small.shape[0]}",
                     m.get("licence", ""), m.get("author_or_copyright", ""), m.get("debian_package", "")])
    with open(os.path.join(a.out, "SOURCES.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["file", "name", "original_file", "original_size", "packed_size", "licence",
                    "author_or_copyright", "debian_package"])
        w.writerows(rows)
    print(f"{len(rows)} training photos -> {a.out}: {total / 2 ** 20:.2f} MiB (long side <= {max_side}, "
          f"{a.scale_rule} box factor, JPEG quality {a.quality})")

    if a.val_pairs > 0:
        vdir = os.path.join(a.pairs, "val")
        vout = os.path.join(os.path.dirname(os.path.abspath(a.out)), "val")
        vn = sorted(f for f in os.listdir(os.path.join(vdir, "input")) if f.lower().endswith(".png"))[:a.val_pairs]
        if os.path.isdir(vout):
            shutil.rmtree(vout)
        vt = 0
        for sub in ("input", "target"):
            os.makedirs(os.path.join(vout, sub))
            for f in vn:
                shutil.copyfile(os.path.join(vdir, sub, f), os.path.join(vout, sub, f))
                vt += os.path.getsize(os.path.join(vout, sub, f))
        print(f"{len(vn)} validation pairs -> {vout}: {vt / 2 ** 20:.2f} MiB")


if __name__ == "__main__":
    main()
