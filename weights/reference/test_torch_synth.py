"""Checks torch_synth.py (seconds on one thread):

  1. determinism: the same generator seed gives identical pairs, another seed other pairs; shapes, range
     [-0.5, 0.5] on the 8-bit grid; batch() keeps the shapes;
  2. the sharp target is the unwarped crop of the photo, exactly (outside the moving object);
  3. a zero-length, rotation-free path gives blur == sharp without noise (up to float rounding: at most
     1 code on a few pixels) and blur - sharp of the right spread with noise;
  4. Java parity (needs the pair set: --data, default weights/data): Java's own parameters of a few pairs
     made from PNG photos at scale 1 (SplittableRandom ported here) give Java's crop (pairs.csv), the sharp
     target bit for bit and, with Java's noise values, the blurred input up to rounding; the same for the
     defocus pair set (weights/data/synth-dof, `prepare_data.py --defocus-pairs`) when it exists, where
     the disk blur's float sums may differ by one code on a few pixels;
  5. blur strength: the median gradient-energy ratio |grad blur|^2 / |grad sharp|^2 of torch_synth pairs
     from the packed photos (--photos, default weights/gpu-data/photos) is close to that of the Java pairs.
Parts 4 and 5 are skipped, with a line saying so, when their files are missing.

  /usr/bin/python3 weights/reference/test_torch_synth.py [--data weights/data] [--photos weights/gpu-data/photos]
"""
import argparse
import csv
import math
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import torch_synth as ts  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FAILS = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        FAILS.append(what)


def textured_photos(seed):
    """Two smooth random photos (uint8 [3, H, W]) with edges and texture, different sizes."""
    g = torch.Generator().manual_seed(seed)
    out = []
    for h, w in ((300, 340), (280, 420)):
        base = torch.rand(1, 3, h // 8, w // 8, generator=g)
        img = torch.nn.functional.interpolate(base, size=(h, w), mode="bicubic", align_corners=False)[0]
        img = img + 0.15 * torch.rand(3, h, w, generator=g)
        out.append(torch.clamp(img * 255, 0, 255).to(torch.uint8))
    return out


# --------------------------------------------------------------------------- Java's SplittableRandom

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def mix32(z):
    z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & M64
    r = (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & M64) >> 32
    return r - (1 << 32) if r >= 1 << 31 else r


class SplittableRandom:
    """java.util.SplittableRandom(seed): nextDouble, nextInt(bound) (RandomSupport.boundedNextInt)."""

    def __init__(self, seed):
        self.seed = seed & M64

    def next_seed(self):
        self.seed = (self.seed + GOLDEN) & M64
        return self.seed

    def next_double(self):
        return (mix64(self.next_seed()) >> 11) * 2.0 ** -53

    def next_int(self, bound):
        r = mix32(self.next_seed())
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = (r & 0xFFFFFFFF) >> 1
        while True:
            r = u % bound
            if u + m - r < 1 << 31:  # no int overflow in Java's u + m - r
                return r
            u = (mix32(self.next_seed()) & 0xFFFFFFFF) >> 1

    def gaussian(self):
        u1 = 1.0 - self.next_double()
        u2 = self.next_double()
        return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)

    def gaussians(self, count):
        """The next count gaussian() values, vectorised (numpy uint64 arithmetic wraps like Java's long)."""
        k = np.arange(1, 2 * count + 1, dtype=np.uint64)
        z = np.uint64(self.seed) + k * np.uint64(GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
        d = (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
        self.seed = (self.seed + 2 * count * GOLDEN) & M64
        return np.sqrt(-2 * np.log(1.0 - d[0::2])) * np.cos(2 * np.pi * d[1::2])


def java_params(seed, photo_w, photo_h, s):
    """MotionBlurSynth.generate's draws, in Java's order: torch_synth parameters (n = 1) and the rng."""
    rng = SplittableRandom(seed)
    length = s.min_length + (s.max_length - s.min_length) * rng.next_double()
    d = 2 * math.pi * rng.next_double()
    ux, uy = math.cos(d), math.sin(d)
    s1 = max(-0.6, min(0.6, rng.gaussian() * 0.3)) * length
    s2 = max(-0.6, min(0.6, rng.gaussian() * 0.3)) * length
    bx = [0, ux * length / 3 - uy * s1, ux * 2 * length / 3 - uy * s2, ux * length]
    by = [0, uy * length / 3 + ux * s1, uy * 2 * length / 3 + ux * s2, uy * length]
    warp = (rng.next_double() * 2 - 1) * 0.6
    rot = (rng.next_double() * 2 - 1) * math.radians(s.max_rotation_deg)
    t64 = lambda v: torch.tensor([v], dtype=torch.float64)  # noqa: E731
    margin = int(math.ceil(float(ts.max_extent(torch.tensor([bx], dtype=torch.float64),
                                               torch.tensor([by], dtype=torch.float64), t64(warp), t64(rot),
                                               math.hypot(s.width, s.height) / 2)[0]) + 1))

    def pick(size, crop):
        lo, hi = margin, size - crop - margin
        if hi < lo:
            lo, hi = 0, size - crop
        return lo + rng.next_int(hi - lo + 1)
    cx, cy = pick(photo_w, s.width), pick(photo_h, s.height)
    p = {"photo": torch.tensor([0]), "crop_x": torch.tensor([cx]), "crop_y": torch.tensor([cy]),
         "bx": torch.tensor([bx], dtype=torch.float64), "by": torch.tensor([by], dtype=torch.float64),
         "warp": t64(warp), "rot": t64(rot), "object": torch.tensor([False]), "wx": torch.tensor([0]),
         "wy": torch.tensor([0])}
    for k in ("rx", "ry", "tx", "ty", "ocx", "ocy", "mx", "my"):
        p[k] = t64(1.0)
    if rng.next_double() < s.object_probability:
        side = min(s.width, s.height)
        rx = side * (0.12 + 0.18 * rng.next_double())
        ry = side * (0.12 + 0.18 * rng.next_double())
        olen = s.min_length + (s.max_length - s.min_length) * rng.next_double()
        od = 2 * math.pi * rng.next_double()
        tx = rx + (photo_w - 2 * rx) * rng.next_double()
        ty = ry + (photo_h - 2 * ry) * rng.next_double()
        ocx = s.width * rng.next_double()
        ocy = s.height * rng.next_double()
        p.update(object=torch.tensor([True]), rx=t64(rx), ry=t64(ry), tx=t64(tx), ty=t64(ty), ocx=t64(ocx),
                 ocy=t64(ocy), mx=t64(olen * math.cos(od)), my=t64(olen * math.sin(od)))
    shot = math.exp(math.log(s.min_shot) + rng.next_double() * (math.log(s.max_shot) - math.log(s.min_shot)))
    read = math.exp(2.18 * math.log(shot) + 1.20 + 0.26 * rng.gaussian())
    p["shot"], p["read"] = t64(shot), t64(read)
    p.update(defocus=torch.tensor([False]), d_whole=torch.tensor([False]), d_radius=t64(1.0), d_cx=t64(0.0),
             d_cy=t64(0.0), d_angle=t64(0.0), d_width=t64(1.0))
    if s.defocus_probability > 0 and rng.next_double() < s.defocus_probability:  # Defocus.random
        radius = 1.0 + (s.max_defocus_radius - 1.0) * rng.next_double()
        whole = rng.next_double() < 0.4
        dcx = s.width * rng.next_double()
        dcy = s.height * rng.next_double()
        angle = 2 * math.pi * rng.next_double()
        width = min(s.width, s.height) * (0.1 + 0.5 * rng.next_double())
        p.update(defocus=torch.tensor([True]), d_whole=torch.tensor([whole]), d_radius=t64(radius), d_cx=t64(dcx),
                 d_cy=t64(dcy), d_angle=t64(angle), d_width=t64(width))
    return p, rng


def png(path):
    from PIL import Image
    with Image.open(path) as im:
        return torch.from_numpy(np.asarray(im.convert("RGB")).copy()).permute(2, 0, 1)


def grad_energy_ratio(blur, sharp):
    """|grad|^2 of blur over that of sharp (forward differences, all channels), per image; inputs [n, 3, h, w]."""
    def e(x):
        x = x.double()
        return ((x[:, :, 1:, :-1] - x[:, :, :-1, :-1]) ** 2 + (x[:, :, :-1, 1:] - x[:, :, :-1, :-1]) ** 2).mean((1, 2, 3))
    return e(blur) / e(sharp)


# --------------------------------------------------------------------------- tests

def test_basics():
    photos = textured_photos(0)
    syn = ts.PhotoSynth(photos, ts.Settings(object_probability=0.5))
    a = syn.sample(6, torch.Generator().manual_seed(8), (96, 80))  # 3 of the 6 with an object
    b = syn.sample(6, torch.Generator().manual_seed(8), (96, 80))
    c = syn.sample(6, torch.Generator().manual_seed(9), (96, 80))
    check(torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]), "same seed, same pairs")
    check(not torch.equal(a[0], c[0]), "another seed, other pairs")
    blur, sharp, p = a
    check(blur.shape == (6, 3, 80, 96) and sharp.shape == (6, 3, 80, 96) and blur.dtype == torch.float32,
          f"shapes {tuple(blur.shape)} (window 96x80)")
    for name, x in (("blur", blur), ("sharp", sharp)):
        codes = (x + 0.5) * 255
        check(x.min() >= -0.5 and x.max() <= 0.5 and torch.allclose(codes, codes.round(), atol=1e-4),
              f"{name} in [-0.5, 0.5] on the 8-bit grid")
    check(float((blur - sharp).abs().mean()) > 1e-3, f"blur differs from sharp (mean |diff| {float((blur - sharp).abs().mean()):.4f})")
    # sharp == unwarped crop (exactly, where the moving object does not reach)
    ok, n_obj = True, 0
    for i in range(6):
        img = photos[int(p["photo"][i])]
        y0, x0 = int(p["crop_y"][i] + p["wy"][i]), int(p["crop_x"][i] + p["wx"][i])
        crop = img[:, y0:y0 + 80, x0:x0 + 96].long()
        same = (((sharp[i] + 0.5) * 255).round().long() == crop).all(0)
        if p["object"][i]:
            n_obj += 1
            # outside the ellipse grown by 2 px, the crop shows
            jj = torch.arange(96).double() + p["wx"][i]
            ii = torch.arange(80).double() + p["wy"][i]
            ox = (jj[None, :] - p["ocx"][i]) / (p["rx"][i] + 2)
            oy = (ii[:, None] - p["ocy"][i]) / (p["ry"][i] + 2)
            outside = ox ** 2 + oy ** 2 > 1
            ok &= bool(same[outside].all()) and bool((~same).any() or not (~outside).any())
        else:
            ok &= bool(same.all())
    check(ok, f"sharp is the unwarped crop of the photo, bit for bit ({n_obj} of 6 with an object: outside it)")
    bb, sb = syn.batch(5, 64, torch.Generator().manual_seed(2))
    check(bb.shape == (5, 3, 64, 64) and sb.shape == (5, 3, 64, 64) and bb.is_contiguous(), "batch(5, 64) shapes")
    bb2, sb2 = syn.batch(5, 64, torch.Generator().manual_seed(2))
    check(torch.equal(bb, bb2) and torch.equal(sb, sb2), "batch() deterministic by seed")
    # the generator's state advances: two batches in a row differ, and a saved state replays
    g = torch.Generator().manual_seed(3)
    st = g.get_state()
    x1 = syn.batch(2, 64, g)[0]
    x2 = syn.batch(2, 64, g)[0]
    g2 = torch.Generator()
    g2.set_state(st)
    check(not torch.equal(x1, x2) and torch.equal(syn.batch(2, 64, g2)[0], x1), "generator state replays")


def test_still():
    photos = textured_photos(1)
    still = dict(min_length=0.0, max_length=0.0, max_rotation_deg=0.0, object_probability=0.0)
    syn = ts.PhotoSynth(photos, ts.Settings(min_shot=0.0, max_shot=0.0, **still))
    blur, sharp, _ = syn.sample(4, torch.Generator().manual_seed(7), (128, 128))
    d = ((blur - sharp) * 255).round().abs()
    check(d.max() <= 1 and (d > 0).float().mean() < 1e-3,
          f"zero path, no noise: blur == sharp (max {int(d.max())} code, {int((d > 0).sum())} pixels differ)")
    syn = ts.PhotoSynth(photos, ts.Settings(**still))
    blur, sharp, p = syn.sample(4, torch.Generator().manual_seed(7), (128, 128))
    # expected noise spread in 8-bit sRGB codes: linear sd sqrt(shot x + read) through the sRGB slope
    lin = ts.srgb_to_linear((sharp.double() + 0.5))
    sd_lin = torch.sqrt(p["shot"].view(-1, 1, 1, 1) * lin + p["read"].view(-1, 1, 1, 1))
    slope = (ts.linear_to_srgb(lin + 1e-4) - ts.linear_to_srgb(lin)) / 1e-4
    want = float(torch.sqrt(((sd_lin * slope * 255) ** 2).mean() + 1 / 12))
    got = float(((blur - sharp).double() * 255).pow(2).mean().sqrt())
    bias = float(((blur - sharp) * 255).mean())
    check(abs(got / want - 1) < 0.2 and abs(bias) < 0.2,
          f"zero path with noise: rms(blur - sharp) {got:.2f} codes, expected {want:.2f}; mean {bias:+.3f}")


def test_defocus():
    """Same draws with defocus off and on: whole-frame samples lose detail, blur == sharp on a still path,
    and a ramp's in-focus side is untouched."""
    photos = textured_photos(2)
    still = dict(min_length=0.0, max_length=0.0, max_rotation_deg=0.0, object_probability=0.0, min_shot=0.0,
                 max_shot=0.0)
    off = ts.PhotoSynth(photos, ts.Settings(**still))
    on = ts.PhotoSynth(photos, ts.Settings(defocus_probability=1.0, **still))
    b0, s0, p = off.sample(8, torch.Generator().manual_seed(3), (128, 128))
    b1, s1, _ = on.sample(8, torch.Generator().manual_seed(3), (128, 128))
    d = ((b1 - s1) * 255).round().abs()
    check(int(d.max()) <= 1, f"defocus on a still path: blur == sharp (max {int(d.max())} code)")
    whole = p["d_whole"]
    ratio = grad_energy_ratio(s1, s0)
    check(bool(whole.any()) and bool((ratio[whole] < 0.8).all()),
          f"whole-frame defocus removes detail (energy ratios {[round(float(x), 3) for x in ratio[whole]]})")
    ok, n_focus = True, 0
    for k in torch.nonzero(~whole).flatten().tolist():
        focus = ts.defocus_weight(p, k, float(p["wx"][k]), float(p["wy"][k]), 128, 128) == 0
        n_focus += int(focus.sum())
        ok = ok and torch.equal(s1[k][:, focus], s0[k][:, focus])
    check(ok and n_focus > 0, f"ramp: the in-focus side is exactly the sharp crop ({n_focus} pixels)")


def test_java(data, set_name="synth", s=None):
    synth_dir, photo_dir = os.path.join(data, set_name), os.path.join(data, "photos")
    pc = os.path.join(synth_dir, "pairs.csv")
    if not os.path.exists(pc) or not os.path.isdir(photo_dir):
        print(f"skip Java parity ({set_name}): no {pc} or {photo_dir}")
        return
    rows = [r for r in csv.DictReader(open(pc, newline="")) if r["split"] == "train" and r["photo_scale"] == "1"
            and r["photo"].endswith(".png")]
    s = s or ts.Settings()
    if s.defocus_probability > 0:
        # whole-frame and ramp defocus, with and without a moving object
        pick = [[r for r in rows if r.get("defocus_mask") == m and r["object"] == o][:1]
                for m in ("full", "ramp") for o in ("0", "1")]
        pick = [r for group in pick for r in group]
    else:
        # a few pairs, at least one with a moving object
        pick = [r for r in rows if r["object"] == "1"][:1] + [r for r in rows if r["object"] == "0"][:2]
    if not pick:
        print(f"skip Java parity ({set_name}): no pair from a PNG photo at scale 1")
        return
    dof = s.defocus_probability > 0
    for r in pick:
        photo = png(os.path.join(photo_dir, r["photo"]))
        syn = ts.PhotoSynth([photo], s)
        p, rng = java_params(int(r["seed"]), photo.shape[2], photo.shape[1], s)
        check((int(p["crop_x"]), int(p["crop_y"])) == (int(r["crop_x"]), int(r["crop_y"]))
              and bool(p["object"]) == (r["object"] == "1")
              and abs(math.hypot(float(p["bx"][0, 3]), float(p["by"][0, 3])) - float(r["chord_px"])) < 2e-3
              and abs(float(p["shot"]) / float(r["shot_var"]) - 1) < 1e-3
              and (not dof or abs(float(p["d_radius"]) - float(r["defocus_radius_px"])) < 2e-3),
              f"{r['file']} ({r['photo']}): Java's draws reproduced (crop {r['crop_x']},{r['crop_y']}, "
              f"object {r['object']}, chord {r['chord_px']})")
        blur, sharp = syn.render(p, (s.width, s.height))
        jin = png(os.path.join(synth_dir, "train", "input", r["file"])).long()
        jtg = png(os.path.join(synth_dir, "train", "target", r["file"])).long()
        st = ts.encode8(sharp[0]).long()
        dt = (st - jtg).abs()
        check(int(dt.max()) <= (1 if r["object"] == "1" or dof else 0) and int((dt > 0).sum()) < (50 if dof else 20),
              f"{set_name}/{r['file']} ({r.get('defocus_mask', 'none')}): sharp target equals Java's ({int((dt > 0).sum())} pixels differ, max {int(dt.max())})")
        # Java's noise: one gaussian per value of the [H, W, 3] image, after the draws above
        g = torch.from_numpy(rng.gaussians(s.width * s.height * 3).reshape(s.height, s.width, 3)).permute(2, 0, 1)
        x = blur[0].double()
        noisy = torch.clamp(x + torch.sqrt(float(p["shot"]) * torch.clamp(x, min=0) + float(p["read"])) * g, 0, 1)
        bt = ts.encode8(noisy.float()).long()
        db = (bt - jin).abs()
        check(int(db.max()) <= 1 and float((db > 0).float().mean()) < 0.005,
              f"{set_name}/{r['file']}: blurred input equals Java's up to rounding ({float((db > 0).float().mean()) * 100:.3f}% "
              f"of values differ, max {int(db.max())} code)")


def test_strength(data, photos_dir, count):
    tdir = os.path.join(data, "synth", "train")
    if not os.path.isdir(os.path.join(tdir, "input")) or not os.path.isdir(photos_dir):
        print(f"skip blur strength: no {tdir} or {photos_dir}")
        return
    names = sorted(os.listdir(os.path.join(tdir, "input")))
    step = max(1, len(names) // count)
    jb = torch.stack([png(os.path.join(tdir, "input", n)) for n in names[::step][:count]]).float()
    js = torch.stack([png(os.path.join(tdir, "target", n)) for n in names[::step][:count]]).float()
    jr = grad_energy_ratio(jb, js)
    syn = ts.PhotoSynth.from_folder(photos_dir)
    tr = []
    g = torch.Generator().manual_seed(11)
    for _ in range(count // 8):
        b, s_, _ = syn.sample(8, g, (128, 128))
        tr.append(grad_energy_ratio(b, s_))
    tr = torch.cat(tr)
    jm, tm = float(jr.median()), float(tr.median())
    print(f"     gradient-energy ratio blur/sharp: Java pairs median {jm:.3f} (quartiles {float(jr.quantile(0.25)):.3f}-"
          f"{float(jr.quantile(0.75)):.3f}, n={len(jr)}); torch_synth from {os.path.relpath(photos_dir, ROOT)} median "
          f"{tm:.3f} (quartiles {float(tr.quantile(0.25)):.3f}-{float(tr.quantile(0.75)):.3f}, n={len(tr)})")
    check(abs(tm / jm - 1) < 0.25, f"blur strength comparable (medians {tm:.3f} vs {jm:.3f}, within 25%)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "weights", "data"))
    ap.add_argument("--photos", default=os.path.join(ROOT, "weights", "gpu-data", "photos"))
    ap.add_argument("--count", type=int, default=48, help="pairs per side in the blur-strength check")
    a = ap.parse_args()
    torch.set_num_threads(1)
    t = time.time()
    test_basics()
    test_still()
    test_defocus()
    test_java(a.data)
    test_java(a.data, "synth-dof", ts.Settings(defocus_probability=1.0))
    test_strength(a.data, a.photos, a.count)
    print(f"{'FAILED: ' + '; '.join(FAILS) if FAILS else 'all passed'} ({time.time() - t:.1f} s)")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
