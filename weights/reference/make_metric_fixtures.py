"""Writes the PSNR / 3-D SSIM parity fixtures for the Java metrics (deterministic).

Implements blurdm-spec.md section 9 independently of the Java code, with NumPy/SciPy in float64:

  PSNR  MSE over all pixels and the 3 channels; max_value = 1 if max(GT) <= 1 else 255;
        PSNR = 20 * log10(max_value / sqrt(MSE)); +inf when MSE = 0. RGB, no border crop.
  SSIM  the "3-D" variant: the H x W x 3 image is a volume; a separable Gaussian window g (x) g (x) g,
        g = 11 taps, sigma 1.5, normalised to sum 1 exactly as OpenCV's getGaussianKernel(11, 1.5)
        computes it, is applied along height, width and the channel axis with replicate padding of 5
        (scipy.ndimage mode='nearest'), so the output has the input's size. C1 = (0.01 L)^2,
        C2 = (0.03 L)^2 with L = max_value; SSIM map = ((2 mu1 mu2 + C1)(2 s12 + C2)) /
        ((mu1^2 + mu2^2 + C1)(s1^2 + s2^2 + C2)); score = mean over all H x W x 3 entries.

The separable SciPy result is checked inside this script against a direct 11x11x11 window sum over an
explicitly edge-padded volume (np.pad mode='edge'), for every pair small enough, and, where PyTorch is
installed, against the official code's formulation (a replicate-padded Conv3d, run here in float64).

Output (blurdm/src/test/resources/fixtures/metrics/):
  <pair>_gt.png, <pair>_pred.png  8-bit RGB PNGs (PIL), read back with PIL .convert('RGB') before measuring
  metrics.json                    {"generator", "numpy", "scipy", "pairs": [{"name", "gt", "pred", "height",
                                   "width", "max_value", "psnr", "ssim", "label"}]}; an infinite PSNR is
                                   written as the string "Infinity"
Run from the repository root: /usr/bin/python3 weights/reference/make_metric_fixtures.py
"""
import json
import math
import os
import zlib

import numpy as np
import scipy
from PIL import Image
from scipy import ndimage

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "blurdm", "src", "test", "resources", "fixtures", "metrics")


def gaussian_kernel(ksize=11, sigma=1.5):
    """OpenCV getGaussianKernel(ksize, sigma) for sigma > 0, CV_64F: exp(-x^2 / (2 sigma^2)) times 1/sum."""
    scale2x = -0.5 / (sigma * sigma)
    t = np.array([math.exp(scale2x * (i - (ksize - 1) * 0.5) ** 2) for i in range(ksize)], dtype=np.float64)
    s = 0.0
    for v in t:
        s += v
    return t * (1.0 / s)


G = gaussian_kernel()


def max_value(gt):
    return 1.0 if gt.max() <= 1 else 255.0


def psnr(gt, pred):
    gt = gt.astype(np.float64)
    pred = pred.astype(np.float64)
    mse = np.mean((gt - pred) ** 2)
    if mse == 0:
        return float("inf")
    return 20.0 * math.log10(max_value(gt) / math.sqrt(mse))


def blur3d(a):
    for axis in range(3):
        a = ndimage.correlate1d(a, G, axis=axis, mode="nearest")
    return a


def blur3d_direct(a):
    """The same window as one 11x11x11 sum over an edge-padded volume (slow; the check)."""
    k = np.einsum("i,j,k->ijk", G, G, G)
    p = np.pad(a, 5, mode="edge")
    win = np.lib.stride_tricks.sliding_window_view(p, (11, 11, 11))
    return np.einsum("hwcijk,ijk->hwc", win, k)


def blur3d_torch(a):
    """The official code's formulation: Conv3d(1, 1, 11, padding=5, padding_mode='replicate'), here in float64."""
    import torch
    k = torch.from_numpy(np.einsum("i,j,k->ijk", G, G, G))
    conv = torch.nn.Conv3d(1, 1, (11, 11, 11), padding=(5, 5, 5), bias=False, padding_mode="replicate").double()
    with torch.no_grad():
        conv.weight.copy_(k[None, None])
        return conv(torch.from_numpy(np.ascontiguousarray(a))[None, None])[0, 0].numpy()


def torch_available():
    try:
        import torch  # noqa: F401
        return True
    except ImportError:
        return False


def ssim3d(gt, pred, blur=blur3d):
    x = gt.astype(np.float64)
    y = pred.astype(np.float64)
    L = max_value(x)
    c1 = (0.01 * L) ** 2
    c2 = (0.03 * L) ** 2
    mu1 = blur(x)
    mu2 = blur(y)
    mu1_sq = mu1 * mu1
    mu2_sq = mu2 * mu2
    mu1_mu2 = mu1 * mu2
    s1 = blur(x * x) - mu1_sq
    s2 = blur(y * y) - mu2_sq
    s12 = blur(x * y) - mu1_mu2
    m = ((2 * mu1_mu2 + c1) * (2 * s12 + c2)) / ((mu1_sq + mu2_sq + c1) * (s1 + s2 + c2))
    return float(m.mean())


def natural(rng, h, w):
    """Smooth gradients + a few soft blobs + texture noise, lightly blurred, as uint8."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.zeros((h, w, 3))
    for c in range(3):
        a, b, d = rng.uniform(-1, 1, 3)
        img[..., c] = 110 + 60 * (a * yy / max(h, 1) + b * xx / max(w, 1)) + 20 * d
    for _ in range(4):
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        r = rng.uniform(2, max(3, min(h, w) / 3))
        amp = rng.uniform(-70, 70, 3)
        blob = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))
        img += blob[..., None] * amp
    img += rng.normal(0, 12, img.shape)
    img = ndimage.gaussian_filter(img, sigma=(0.8, 0.8, 0), mode="nearest")
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def degrade(rng, gt, blur_sigma, noise):
    d = ndimage.gaussian_filter(gt.astype(np.float64), sigma=(blur_sigma, blur_sigma, 0), mode="nearest")
    d += rng.normal(0, noise, d.shape)
    return np.clip(np.rint(d), 0, 255).astype(np.uint8)


def make_pairs():
    pairs = []

    def rng_for(name):
        return np.random.default_rng(zlib.crc32(name.encode()))

    r = rng_for("p01")
    gt = natural(r, 37, 53)
    pairs.append(("p01", gt, degrade(r, gt, 1.5, 4), "37x53 natural, blurred sigma 1.5 + noise 4"))
    r = rng_for("p02")
    gt = natural(r, 64, 48)
    pairs.append(("p02", gt, degrade(r, gt, 3.0, 10), "64x48 natural, strong blur sigma 3 + noise 10"))
    r = rng_for("p03")
    gt = natural(r, 29, 31)
    pairs.append(("p03", gt, degrade(r, gt, 0.6, 1.5), "29x31 natural, slight blur + noise 1.5 (high PSNR)"))
    r = rng_for("p04")
    gt = natural(r, 20, 31)
    pairs.append(("p04", gt, gt.copy(), "20x31 identical pair: PSNR +inf, SSIM 1"))
    r = rng_for("p05")
    pairs.append(("p05", r.integers(0, 256, (1, 1, 3), dtype=np.uint8),
                  r.integers(0, 256, (1, 1, 3), dtype=np.uint8), "1x1 pixel (replicate padding on every axis)"))
    r = rng_for("p06")
    gt = natural(r, 5, 3)
    pairs.append(("p06", gt, degrade(r, gt, 0.0, 20), "5x3, smaller than the window"))
    r = rng_for("p07")
    gt = (r.random((23, 17, 3)) < 0.5).astype(np.uint8)
    pred = gt.copy()
    flip = r.random(gt.shape) < 0.1
    pred[flip] = 1 - pred[flip]
    pairs.append(("p07", gt, pred, "23x17 binary 0/1 GT: max_value = 1"))
    r = rng_for("p08")
    gt = (r.random((19, 26, 3)) < 0.3).astype(np.uint8)
    pred = np.clip(gt.astype(np.int64) * 200 + r.integers(0, 4, gt.shape), 0, 255).astype(np.uint8)
    pairs.append(("p08", gt, pred, "19x26 GT max 1, prediction up to 203: max_value from the GT only"))
    r = rng_for("p09")
    gt = natural(r, 97, 130)
    pred = np.clip(gt.astype(np.int64) + r.integers(-60, 61, gt.shape), 0, 255).astype(np.uint8)
    pairs.append(("p09", gt, pred, "97x130 natural, heavy uniform noise"))
    r = rng_for("p10")
    gt = np.zeros((16, 12, 3), dtype=np.uint8)
    gt[:, :6] = 255
    pred = np.zeros_like(gt)
    pred[:, :5] = 255
    pairs.append(("p10", gt, pred, "16x12 hard edge shifted by one column, extremes 0 and 255"))
    return pairs


def main():
    os.makedirs(OUT, exist_ok=True)
    entries = []
    for name, gt, pred, label in make_pairs():
        files = {}
        for kind, a in (("gt", gt), ("pred", pred)):
            fn = f"{name}_{kind}.png"
            Image.fromarray(a, mode="RGB").save(os.path.join(OUT, fn))
            back = np.asarray(Image.open(os.path.join(OUT, fn)).convert("RGB"))
            assert np.array_equal(back, a), fn
            files[kind] = (fn, back)
        g, p = files["gt"][1], files["pred"][1]
        s = ssim3d(g, p)
        if g.size <= 40000:
            d = ssim3d(g, p, blur=blur3d_direct)
            assert abs(d - s) < 1e-12, (name, s, d)
        if torch_available():
            t = ssim3d(g, p, blur=blur3d_torch)
            assert abs(t - s) < 1e-12, (name, s, t)
        ps = psnr(g, p)
        entries.append({"name": name, "gt": files["gt"][0], "pred": files["pred"][0], "height": int(g.shape[0]),
                        "width": int(g.shape[1]), "max_value": max_value(g.astype(np.float64)),
                        "psnr": "Infinity" if math.isinf(ps) else ps, "ssim": s, "label": label})
        print(f"{name} {g.shape[0]}x{g.shape[1]} psnr={ps!r} ssim={s!r}  {label}")
    doc = {"generator": "weights/reference/make_metric_fixtures.py", "numpy": np.__version__,
           "scipy": scipy.__version__, "window": [float(v) for v in G], "pairs": entries}
    with open(os.path.join(OUT, "metrics.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
