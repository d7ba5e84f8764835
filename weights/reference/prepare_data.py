"""Collects the offline sharp photos and synthesises the training/validation pairs with `bin/blurdm synth`.

Sources (all installed by Debian packages, no network; see ../README.md for licences):
  skimage.data      astronaut, chelsea, coffee, rocket, hubble_deep_field (python3-skimage)
  opencv-doc        natural photos from /usr/share/doc/opencv-doc/examples/data (one of each
                    stereo/sequence pair, so no scene appears twice)
  plasma wallpapers the photographic ones of plasma-workspace-wallpapers (/usr/share/wallpapers),
                    largest 'images/' file of each (abstract renders left out)
  mate-backgrounds  /usr/share/backgrounds/mate/nature/*

Writes (git-ignored):
  weights/data/photos/<source>/<name>   symlinks to the photos
  weights/data/photos/SOURCES.csv       name, file, licence, author/copyright, package
  weights/data/synth/                   the pairs: {train,val}/{input,target}/NNNNN.png, pairs.csv
With --defocus-pairs N (after the plain set exists):
  weights/data/synth-dof/               N more pairs from the same photos and split, every one with
                                        depth-of-field defocus in the scene (synth --defocus-probability 1)
  weights/data/synth-mix/               train/: symlinks to synth/train plus synth-dof/train (as dof-NNNNN.png);
                                        val/: a symlink to synth/val, so validation stays the plain pairs
Run from anywhere (Debian's python3 has skimage):
  /usr/bin/python3 weights/reference/prepare_data.py [--pairs 4000] [--size 256x256] [--seed 2023]
  /usr/bin/python3 weights/reference/prepare_data.py --defocus-pairs 1333 [--seed 2023]   # uses seed + 1
Requires `mvn -B -q -DskipTests package` first (bin/blurdm).
"""
import argparse
import csv
import glob
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(ROOT, "weights", "data")

SKIMAGE = {  # name -> licence statement from skimage.data's docstrings
    "astronaut.png": ("public domain (NASA Great Images database)", "NASA"),
    "chelsea.png": ("CC0", "Stefan van der Walt"),
    "coffee.png": ("CC0", "Rachel Michetti (courtesy of Pikolo Espresso Bar)"),
    "rocket.jpg": ("public domain", "SpaceX"),
    "hubble_deep_field.jpg": ("public domain (NASA media guidelines)", "NASA"),
}
OPENCV_DIR = "/usr/share/doc/opencv-doc/examples/data"
OPENCV = ["aero1.jpg", "aloeL.jpg", "apple.jpg", "baboon.jpg", "Blender_Suzanne1.jpg", "building.jpg",
          "butterfly.jpg", "ela_original.jpg", "fruits.jpg", "graf1.png", "home.jpg", "leuvenA.jpg",
          "messi5.jpg", "orange.jpg", "pca_test1.jpg", "rubberwhale1.png", "smarties.png", "squirrel_cls.jpg",
          "starry_night.jpg", "stuff.jpg"]
PLASMA_PHOTOS = ["Autumn", "BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow",
                 "FallenLeaf", "Grey", "Kite", "MilkyWay", "OneStandsOut", "PastelHills", "Path", "summer_1am"]
MATE_DIR = "/usr/share/backgrounds/mate/nature"


def mate_copyright():
    """file -> (licence, copyright) from mate-backgrounds' machine-readable debian/copyright."""
    out, files, cp, lic = {}, None, None, None
    try:
        text = open("/usr/share/doc/mate-backgrounds/copyright", encoding="utf-8").read()
    except OSError:
        return out
    for para in text.split("\n\n"):
        m = re.search(r"^Files:\s*(.+)$", para, re.M)
        if not m:
            continue
        files = m.group(1).split()
        c = re.search(r"^Copyright:\s*(.+)$", para, re.M)
        li = re.search(r"^License:\s*(.+)$", para, re.M)
        for f in files:
            out[f] = (li.group(1).strip() if li else "see debian/copyright", c.group(1).strip() if c else "")
    return out


def collect():
    photos = os.path.join(DATA, "photos")
    rows = []

    def link(source, name, path, licence, author, package):
        d = os.path.join(photos, source)
        os.makedirs(d, exist_ok=True)
        dst = os.path.join(d, name)
        if os.path.lexists(dst):
            os.remove(dst)
        os.symlink(path, dst)
        rows.append([f"{source}/{name}", path, licence, author, package])

    import skimage.data
    skdir = os.path.dirname(skimage.data.__file__)
    for n, (lic, who) in SKIMAGE.items():
        p = os.path.join(skdir, n)
        if os.path.exists(p):
            link("skimage", n, p, lic, who, "python3-skimage")
        else:
            print("missing", p, file=sys.stderr)
    for n in OPENCV:
        p = os.path.join(OPENCV_DIR, n)
        if os.path.exists(p):
            link("opencv", n, p, "OpenCV samples/data, distributed under OpenCV's licence (Apache-2.0 / BSD-3-Clause, "
                 "debian/copyright of opencv-doc); individual provenance not stated", "OpenCV project", "opencv-doc")
        else:
            print("missing", p, file=sys.stderr)
    for w in PLASMA_PHOTOS:
        base = os.path.join("/usr/share/wallpapers", w)
        imgs = glob.glob(os.path.join(base, "contents", "images", "*.*"))
        if not imgs:
            print("missing", base, file=sys.stderr)
            continue

        def area(f):
            m = re.match(r"(\d+)x(\d+)", os.path.basename(f))
            return int(m.group(1)) * int(m.group(2)) if m else 0
        best = max(imgs, key=area)
        lic, who = "GPL-2+ (package)", ""
        try:
            k = json.load(open(os.path.join(base, "metadata.json"), encoding="utf-8"))["KPlugin"]
            lic = k.get("License", lic) + " (metadata.json; package debian/copyright: GPL-2+)"
            who = "; ".join(a.get("Name", "") for a in k.get("Authors", []))
        except (OSError, KeyError, ValueError):
            pass
        link("plasma", f"{w}{os.path.splitext(best)[1]}", best, lic, who, "plasma-workspace-wallpapers")
    mc = mate_copyright()
    for p in sorted(glob.glob(os.path.join(MATE_DIR, "*.jpg")) + glob.glob(os.path.join(MATE_DIR, "*.png"))):
        lic, who = mc.get("nature/" + os.path.basename(p), ("GPL-2+ (package debian/copyright)", ""))
        link("mate", os.path.basename(p), p, lic, who, "mate-backgrounds")
    with open(os.path.join(photos, "SOURCES.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "file", "licence", "author_or_copyright", "debian_package"])
        w.writerows(rows)
    print(f"{len(rows)} photos under {photos}")
    return photos


def make_defocus_mix(photos, a):
    """synth-dof: pairs with defocus in every scene; synth-mix: plain train + defocus train, plain val."""
    plain = a.out
    if not os.path.isdir(os.path.join(plain, "train", "input")):
        print(f"{plain}/train/input missing: make the plain set first (without --defocus-pairs)", file=sys.stderr)
        return 1
    dof = os.path.join(DATA, "synth-dof")
    mix = os.path.join(DATA, "synth-mix")
    if not os.path.isdir(os.path.join(dof, "train", "input")):
        cmd = [os.path.join(ROOT, "bin", "blurdm"), "synth", "--sharp", photos, "--out", dof,
               "--pairs", str(a.defocus_pairs), "--seed", str(a.seed + 1), "--size", a.size,
               "--val-fraction", a.val_fraction, "--defocus-probability", "1"]
        if a.threads:
            cmd += ["--threads", str(a.threads)]
        print(" ".join(cmd), flush=True)
        rc = subprocess.call(cmd)
        if rc:
            return rc
    for part in ("input", "target"):
        d = os.path.join(mix, "train", part)
        os.makedirs(d, exist_ok=True)
        for src, prefix in ((plain, ""), (dof, "dof-")):
            for n in sorted(os.listdir(os.path.join(src, "train", part))):
                dst = os.path.join(d, prefix + n)
                if not os.path.lexists(dst):
                    os.symlink(os.path.join(src, "train", part, n), dst)
    val = os.path.join(mix, "val")
    if not os.path.lexists(val):
        os.symlink(os.path.join(plain, "val"), val)
    n = len(os.listdir(os.path.join(mix, "train", "input")))
    print(f"{mix}: {n} training pairs (plain + defocus), validation = {plain}/val")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=4000)
    ap.add_argument("--size", default="256x256")
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--val-fraction", default="0.1")
    ap.add_argument("--out", default=os.path.join(DATA, "synth"))
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--collect-only", action="store_true")
    ap.add_argument("--defocus-pairs", type=int, default=0,
                    help="make synth-dof (N defocused pairs, seed + 1) and synth-mix instead of the plain set")
    a = ap.parse_args()
    photos = collect()
    if a.collect_only:
        return
    if a.defocus_pairs:
        sys.exit(make_defocus_mix(photos, a))
    cmd = [os.path.join(ROOT, "bin", "blurdm"), "synth", "--sharp", photos, "--out", a.out, "--pairs", str(a.pairs),
           "--seed", str(a.seed), "--size", a.size, "--val-fraction", a.val_fraction]
    if a.threads:
        cmd += ["--threads", str(a.threads)]
    print(" ".join(cmd), flush=True)
    sys.exit(subprocess.call(cmd))


if __name__ == "__main__":
    main()
