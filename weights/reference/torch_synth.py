"""Batched PyTorch port of the Java continuous-exposure motion-blur synthesiser (`bin/blurdm synth`,
package io.github.blurdm.blurdm.synth), for making training pairs on the training device (GPU) on the fly.

Same model and parameter ranges as MotionBlurSynth / CameraPath / MovingObject / SensorNoise:
  * camera path: cubic Bezier translation, chord L uniform in [5, 30] px, direction uniform, the two inner
    control points at the chord's thirds pushed sideways by N(0, 0.3)*L each (clamped to +-0.6 L), time warp
    u(t) = t + a t (1 - t) with a uniform in [-0.6, 0.6], rotation about the crop centre uniform in
    [-1.5, 1.5] degrees in total, growing with u; centred so that t = 1/2 is the unwarped crop;
  * crop origin inside the margin the path needs (edges replicated when the photo is too small for it);
  * in 30% of samples an elliptical object (semi-axes side*(0.12..0.30), 1-px anti-aliased edge, textured
    from another part of the same photo) moves 5-30 px in a straight line on its own;
  * 49 sub-frames at t = (k + 1/2)/49, bilinear (edges replicated), averaged in linear light (sRGB decoded
    with the exact IEC 61966-2-1 curve, encoded after);
  * Poisson-Gaussian noise in linear light: shot variance log-uniform in [1e-5, 1e-3], read variance
    exp(2.18 ln shot + 1.20 + N(0, 0.26^2)), clamped to [0, 1];
  * 8-bit quantisation (round half up); the sharp target is the middle sub-frame (t = 1/2), without noise;
  * optional depth of field (Defocus; Settings.defocus_probability, default 0 as in Java): before the camera
    moves, the scene is blurred by an anti-aliased disk of radius uniform in [1, max_defocus_radius] px in
    linear light, over the whole frame (40%) or along a ramp (weight clamp(along / width + 1/2), centre
    uniform in the crop, direction uniform, width side*(0.1..0.6)); the object layer stays in focus.
Not byte-identical to Java (random streams differ: every draw comes from one torch.Generator, in a fixed
per-sample layout, so the output depends only on the generator's state, the photos, the settings and the
batch shape), but the same model: test_torch_synth.py renders Java-seeded parameters and compares with
the Java pairs.

    synth = PhotoSynth.from_folder("weights/gpu-data/photos", device="cuda")
    gen = torch.Generator().manual_seed(1)
    blur, sharp = synth.batch(8, 128, gen)      # like train.py's PairSet.batch: [-0.5, 0.5], on the device

`batch(n, crop, gen)` renders, for each sample, a random crop x crop window of a size x size synthetic pair
(default 256, the pair set's size: rotation centre, object sizes and crop margins are those of a 256 pair)
with a random flip / 90-degree rotation, which is what train.py's PairSet.batch does with the 256 pairs; only
the window is rendered.
"""
import math
import os
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp")


@dataclass(frozen=True)
class Settings:
    """MotionBlurSynth.Settings; defaults = `blurdm synth`'s (Settings.defaults)."""
    width: int = 256
    height: int = 256
    subframes: int = 49
    min_length: float = 5.0
    max_length: float = 30.0
    max_rotation_deg: float = 1.5
    object_probability: float = 0.3
    min_shot: float = 1e-5
    max_shot: float = 1e-3
    defocus_probability: float = 0.0
    max_defocus_radius: float = 6.0

    def noisy(self):
        return self.max_shot > 0


# --------------------------------------------------------------------------- sRGB

def srgb_to_linear(v):
    return torch.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(x):
    x = torch.clamp(x, 0.0, 1.0)
    return torch.where(x <= 0.0031308, 12.92 * x, 1.055 * torch.clamp(x, min=0.0031308) ** (1 / 2.4) - 0.055)


def encode8(x):
    """Linear float -> 8-bit sRGB codes (as float64), Java's Math.round(linearToSrgb(x) * 255) in double."""
    return torch.floor(linear_to_srgb(x.double()) * 255.0 + 0.5)


def decode_lut(device):
    """Java's LinearImage.DECODE: (float) srgbToLinear(i / 255.0)."""
    return srgb_to_linear(torch.arange(256, dtype=torch.float64) / 255.0).float().to(device)


# --------------------------------------------------------------------------- parameters

# layout of the uniforms drawn per sample (one torch.rand(n, NU) call, float64)
U_LEN, U_DIR, U_G1A, U_G1B, U_G2A, U_G2B, U_WARP, U_ROT, U_CX, U_CY, U_OBJ, U_RX, U_RY, U_OLEN, U_ODIR, U_TX, U_TY, \
    U_OCX, U_OCY, U_SHOT, U_RGA, U_RGB, U_PHOTO, U_WX, U_WY, U_FLIPX, U_FLIPY, U_ROT90, \
    U_DOF, U_DRAD, U_DWHOLE, U_DCX, U_DCY, U_DANG, U_DWID = range(35)
NU = 35


def gaussian(u1, u2):
    """CameraPath.gaussian: Box-Muller from (1 - u1, u2)."""
    return torch.sqrt(-2 * torch.log(1.0 - u1)) * torch.cos(2 * math.pi * u2)


def bezier(p, u):
    """p (n, 4) control points, u (n, T) -> (n, T)."""
    v = 1 - u
    return (v ** 3 * p[:, 0:1] + 3 * v * v * u * p[:, 1:2] + 3 * v * u * u * p[:, 2:3] + u ** 3 * p[:, 3:4])


def path_at(bx, by, warp, rot, t):
    """CameraPath.dx/dy/angle at times t ((T,) or (n, T)) for n paths: (dx, dy, angle), each (n, T), float64."""
    t = t.expand(bx.shape[0], -1) if t.dim() == 2 else t[None].expand(bx.shape[0], -1)
    a = warp[:, None]
    u = t + a * t * (1 - t)
    umid = 0.5 + a * 0.25
    dx = bezier(bx, u) - bezier(bx, umid)
    dy = bezier(by, u) - bezier(by, umid)
    return dx, dy, rot[:, None] * (u - umid)


def max_extent(bx, by, warp, rot, radius):
    """CameraPath.maxExtent: largest displacement of a point within radius of the centre, t = i/64."""
    t = torch.arange(65, dtype=torch.float64) / 64
    dx, dy, ang = path_at(bx, by, warp, rot, t)
    return (torch.hypot(dx, dy) + ang.abs() * radius).max(dim=1).values


def pick(u, size, crop, margin):
    """MotionBlurSynth.pick with a uniform u in [0, 1) for nextInt: inside the margin where possible."""
    lo = margin.clone()
    hi = size - crop - margin
    bad = hi < lo
    lo = torch.where(bad, torch.zeros_like(lo), lo)
    hi = torch.where(bad, size - crop, hi)
    return lo + torch.minimum(torch.floor(u * (hi - lo + 1).double()).long(), hi - lo)


def defocus_weight(p, k, x0, y0, w, h):
    """Defocus.weight of sample k over the crop points [x0, x0 + w) x [y0, y0 + h): [h, w] float64,
    0 in focus, 1 fully defocused."""
    if bool(p["d_whole"][k]):
        return torch.ones(h, w, dtype=torch.float64)
    xs = x0 + torch.arange(w, dtype=torch.float64)
    ys = y0 + torch.arange(h, dtype=torch.float64)
    a = float(p["d_angle"][k])
    along = (xs[None, :] - float(p["d_cx"][k])) * math.cos(a) + (ys[:, None] - float(p["d_cy"][k])) * math.sin(a)
    return torch.clamp(along / float(p["d_width"][k]) + 0.5, 0.0, 1.0)


class PhotoSynth:
    """Photos (8-bit sRGB, held on the device as uint8 [3, H, W]) and the synthesiser's settings."""

    def __init__(self, photos, settings=None, device="cpu", names=None):
        self.s = settings or Settings()
        self.device = torch.device(device)
        self.photos = [torch.as_tensor(p).to(self.device) for p in photos]
        for p in self.photos:
            if p.dtype != torch.uint8 or p.dim() != 3 or p.shape[0] != 3:
                raise ValueError("photos must be uint8 [3, H, W]")
            if p.shape[1] < self.s.height or p.shape[2] < self.s.width:
                raise ValueError(f"photo {tuple(p.shape)} smaller than the crop {self.s.width}x{self.s.height}")
        if not self.photos:
            raise ValueError("no photos")
        self.names = names or [str(i) for i in range(len(self.photos))]
        self.sizes_w = torch.tensor([p.shape[2] for p in self.photos], dtype=torch.long)
        self.sizes_h = torch.tensor([p.shape[1] for p in self.photos], dtype=torch.long)
        self.lut = decode_lut(self.device)

    @staticmethod
    def list_folder(folder):
        out = []
        for d, _, files in os.walk(folder, followlinks=True):
            for f in files:
                if f.lower().endswith(EXTENSIONS):
                    out.append(os.path.relpath(os.path.join(d, f), folder).replace(os.sep, "/"))
        return sorted(out)

    @classmethod
    def from_folder(cls, folder, settings=None, device="cpu", log=print):
        """Every PNG/JPEG/BMP under folder (recursively, sorted), read as 8-bit RGB; those smaller than the
        crop are skipped (as PairSetWriter does)."""
        from PIL import Image
        s = settings or Settings()
        photos, names = [], []
        for name in cls.list_folder(folder):
            with Image.open(os.path.join(folder, name)) as im:
                a = np.asarray(im.convert("RGB"))
            if a.shape[0] < s.height or a.shape[1] < s.width:
                log(f"torch_synth: skipping {name}: {a.shape[1]}x{a.shape[0]} is smaller than the crop")
                continue
            photos.append(torch.from_numpy(a.copy()).permute(2, 0, 1).contiguous())
            names.append(name)
        if not photos:
            raise SystemExit(f"{folder}: no usable photos (PNG, JPEG, BMP at least {s.width}x{s.height})")
        return cls(photos, s, device, names)

    # ----------------------------------------------------------------------- drawing

    def draw(self, n, gen, window=None):
        """Draws n samples' parameters from gen (CPU tensors, float64 / long): a dict (see render)."""
        s = self.s
        u = torch.rand(n, NU, generator=gen, dtype=torch.float64, device=gen.device).cpu()
        photo = torch.clamp((u[:, U_PHOTO] * len(self.photos)).long(), max=len(self.photos) - 1)
        pw, ph = self.sizes_w[photo], self.sizes_h[photo]
        # CameraPath.random
        length = s.min_length + (s.max_length - s.min_length) * u[:, U_LEN]
        d = 2 * math.pi * u[:, U_DIR]
        ux, uy = torch.cos(d), torch.sin(d)
        s1 = torch.clamp(gaussian(u[:, U_G1A], u[:, U_G1B]) * 0.3, -0.6, 0.6) * length
        s2 = torch.clamp(gaussian(u[:, U_G2A], u[:, U_G2B]) * 0.3, -0.6, 0.6) * length
        z = torch.zeros_like(length)
        bx = torch.stack([z, ux * length / 3 - uy * s1, ux * 2 * length / 3 - uy * s2, ux * length], 1)
        by = torch.stack([z, uy * length / 3 + ux * s1, uy * 2 * length / 3 + ux * s2, uy * length], 1)
        warp = (u[:, U_WARP] * 2 - 1) * 0.6
        rot = (u[:, U_ROT] * 2 - 1) * math.radians(s.max_rotation_deg)
        # crop origin
        margin = torch.ceil(max_extent(bx, by, warp, rot, math.hypot(s.width, s.height) / 2) + 1).long()
        crop_x = pick(u[:, U_CX], pw, s.width, margin)
        crop_y = pick(u[:, U_CY], ph, s.height, margin)
        # moving object
        has = u[:, U_OBJ] < s.object_probability
        side = min(s.width, s.height)
        rx = side * (0.12 + 0.18 * u[:, U_RX])
        ry = side * (0.12 + 0.18 * u[:, U_RY])
        olen = s.min_length + (s.max_length - s.min_length) * u[:, U_OLEN]
        od = 2 * math.pi * u[:, U_ODIR]
        p = {"photo": photo, "crop_x": crop_x, "crop_y": crop_y, "bx": bx, "by": by, "warp": warp, "rot": rot,
             "object": has, "rx": rx, "ry": ry,
             "tx": rx + (pw.double() - 2 * rx) * u[:, U_TX], "ty": ry + (ph.double() - 2 * ry) * u[:, U_TY],
             "ocx": s.width * u[:, U_OCX], "ocy": s.height * u[:, U_OCY],
             "mx": olen * torch.cos(od), "my": olen * torch.sin(od)}
        # SensorNoise.random
        if s.noisy():
            shot = torch.exp(math.log(s.min_shot) + u[:, U_SHOT] * (math.log(s.max_shot) - math.log(s.min_shot)))
            read = torch.exp(2.18 * torch.log(shot) + 1.20 + 0.26 * gaussian(u[:, U_RGA], u[:, U_RGB]))
        else:
            shot = read = torch.zeros(n, dtype=torch.float64)
        p["shot"], p["read"] = shot, read
        # Defocus.random
        p["defocus"] = u[:, U_DOF] < s.defocus_probability
        p["d_radius"] = 1.0 + (s.max_defocus_radius - 1.0) * u[:, U_DRAD]
        p["d_whole"] = u[:, U_DWHOLE] < 0.4
        p["d_cx"], p["d_cy"] = s.width * u[:, U_DCX], s.height * u[:, U_DCY]
        p["d_angle"] = 2 * math.pi * u[:, U_DANG]
        p["d_width"] = side * (0.1 + 0.5 * u[:, U_DWID])
        # the rendered window of the size x size crop, and the flips / rotation batch() applies
        ww, wh = window if window is not None else (s.width, s.height)
        p["wx"] = torch.floor(u[:, U_WX] * (s.width - ww + 1)).long()
        p["wy"] = torch.floor(u[:, U_WY] * (s.height - wh + 1)).long()
        p["flip_x"], p["flip_y"] = u[:, U_FLIPX] < 0.5, u[:, U_FLIPY] < 0.5
        p["rot90"] = torch.clamp((u[:, U_ROT90] * 4).long(), max=3)
        return p

    # ----------------------------------------------------------------------- rendering

    def _patches(self, idx, x0, y0, pw, ph):
        """Linear-light patches [k, 3, ph, pw] of photos idx at origins (x0, y0), edges replicated."""
        out = []
        ar_x = torch.arange(pw, device=self.device)
        ar_y = torch.arange(ph, device=self.device)
        for i, x, y in zip(idx.tolist(), x0.tolist(), y0.tolist()):
            img = self.photos[i]
            cols = torch.clamp(ar_x + x, 0, img.shape[2] - 1)
            rows = torch.clamp(ar_y + y, 0, img.shape[1] - 1)
            out.append(img.index_select(1, rows).index_select(2, cols))
        return self.lut[torch.stack(out).long()]

    def _defocus(self, bg, p, ox, oy):
        """Defocus.applyTo on the patches bg [n, 3, ph, pw] (in place) of the samples with p['defocus']; patch
        pixel (i, j) is crop point (ox + j, oy + i). The disk reads past the patch from the photo (edges
        replicated), as Java's does."""
        ph, pw = bg.shape[2], bg.shape[3]
        dev = self.device
        for k in torch.nonzero(p["defocus"]).flatten().tolist():
            radius = float(p["d_radius"][k])
            reach = int(math.ceil(radius + 0.5))
            d = torch.arange(-reach, reach + 1, dtype=torch.float64)
            ker = torch.clamp(radius + 0.5 - torch.hypot(d[:, None], d[None, :]), 0.0, 1.0)
            ker = (ker / ker.sum()).float().to(dev)
            big = self._patches(p["photo"][k:k + 1], p["crop_x"][k:k + 1] + ox[k:k + 1] - reach,
                                p["crop_y"][k:k + 1] + oy[k:k + 1] - reach, pw + 2 * reach, ph + 2 * reach)
            blurred = F.conv2d(big, ker.expand(3, 1, -1, -1).contiguous(), groups=3)[0]
            wt = defocus_weight(p, k, float(ox[k]), float(oy[k]), pw, ph).float().to(dev)[None]
            bg[k] = bg[k] * (1 - wt) + blurred * wt

    def render(self, p, window, times=None, chunk_pixels=8_000_000):
        """Noise-free exposure average and sharp middle frame, linear light, [n, 3, h, w] float32 each, for the
        window (w, h) at (p['wx'], p['wy']) of each sample's crop. times: the sub-frame times (default
        (k + 1/2) / subframes)."""
        s = self.s
        ww, wh = window
        n = p["photo"].shape[0]
        dev = self.device
        if times is None:
            times = (torch.arange(s.subframes, dtype=torch.float64) + 0.5) / s.subframes
        cx, cy = (s.width - 1) / 2.0, (s.height - 1) / 2.0
        dx, dy, ang = path_at(p["bx"], p["by"], p["warp"], p["rot"], times)  # (n, T) float64
        # one margin for the batch: every scene point of the window stays inside the patch
        ext = (torch.hypot(dx, dy) + ang.abs() * math.hypot(s.width, s.height) / 2).max()
        m = int(math.ceil(float(ext))) + 2
        pw, ph = ww + 2 * m, wh + 2 * m
        wx, wy = p["wx"], p["wy"]
        bg = self._patches(p["photo"], p["crop_x"] + wx - m, p["crop_y"] + wy - m, pw, ph)
        if "defocus" in p and bool(p["defocus"].any()):
            self._defocus(bg, p, wx - m, wy - m)
        # sharp: t = 1/2 is the unwarped crop, read exactly (no resampling)
        sharp = bg[:, :, m:m + wh, m:m + ww].clone()

        # pixel offsets from the crop centre, per sample: (n, 1, h, w)
        jj = torch.arange(ww, device=dev, dtype=torch.float32)
        ii = torch.arange(wh, device=dev, dtype=torch.float32)
        px = (wx.double() - cx).float().to(dev)[:, None, None, None] + jj[None, None, None, :]
        py = (wy.double() - cy).float().to(dev)[:, None, None, None] + ii[None, None, :, None]
        cos = torch.cos(ang).float().to(dev)[:, :, None, None]
        sin = torch.sin(ang).float().to(dev)[:, :, None, None]
        # patch coordinates: scene point (crop coordinates) minus the patch origin (wx - m, wy - m)
        offx = (cx + dx - wx.double()[:, None] + m).float().to(dev)[:, :, None, None]
        offy = (cy + dy - wy.double()[:, None] + m).float().to(dev)[:, :, None, None]

        has = p["object"]
        obj = torch.nonzero(has).flatten()
        if len(obj):
            r = int(math.ceil(float(torch.maximum(p["rx"][obj], p["ry"][obj]).max()))) + 3
            tx0 = torch.floor(p["tx"][obj]).long() - r
            ty0 = torch.floor(p["ty"][obj]).long() - r
            tex = self._patches(p["photo"][obj], tx0, ty0, 2 * r + 2, 2 * r + 2)
            o = {k: p[k][obj] for k in ("ocx", "ocy", "mx", "my", "rx", "ry", "tx", "ty")}
            # scene (crop) coordinates = patch coordinates + (wx - m); object offset at t:
            # ox = sx - ocx - mx (t - 1/2); texture patch coordinate = tx + ox - tx0
            obx = (wx[obj].double() - m - o["ocx"]).float().to(dev)
            oby = (wy[obj].double() - m - o["ocy"]).float().to(dev)
            mxt = (o["mx"][:, None] * (times[None] - 0.5)).float().to(dev)
            myt = (o["my"][:, None] * (times[None] - 0.5)).float().to(dev)
            tox = (o["tx"] - tx0.double()).float().to(dev)
            toy = (o["ty"] - ty0.double()).float().to(dev)
            rxo, ryo = o["rx"].float().to(dev), o["ry"].float().to(dev)
            rmin = torch.minimum(o["rx"], o["ry"]).float().to(dev)
            tnorm = 2.0 / (2 * r + 1)

        def coverage(k, ox, oy):
            """MovingObject.coverage for object samples k (index into obj): (k, ..)."""
            nx = ox / rxo[k].view(-1, *([1] * (ox.dim() - 1)))
            ny = oy / ryo[k].view(-1, *([1] * (oy.dim() - 1)))
            rr = torch.sqrt(nx * nx + ny * ny)
            return torch.clamp((1 - rr) * rmin[k].view(-1, *([1] * (ox.dim() - 1))) + 0.5, 0.0, 1.0)

        acc = torch.zeros(n, 3, wh, ww, device=dev)
        nt = times.shape[0]
        step = max(1, min(nt, chunk_pixels // max(1, n * wh * ww)))
        for t0 in range(0, nt, step):
            t1 = min(nt, t0 + step)
            c, sn = cos[:, t0:t1], sin[:, t0:t1]
            X = c * px - sn * py + offx[:, t0:t1]  # (n, tc, h, w)
            Y = sn * px + c * py + offy[:, t0:t1]
            grid = torch.stack([X * (2.0 / (pw - 1)) - 1, Y * (2.0 / (ph - 1)) - 1], -1)
            tc = t1 - t0
            frames = F.grid_sample(bg, grid.reshape(n, tc * wh, ww, 2), mode="bilinear", padding_mode="border",
                                   align_corners=True).view(n, 3, tc, wh, ww)
            if len(obj):
                k = torch.arange(len(obj), device=dev)
                ox = X[obj.to(dev)] + (obx[:, None, None, None] - mxt[:, t0:t1, None, None])
                oy = Y[obj.to(dev)] + (oby[:, None, None, None] - myt[:, t0:t1, None, None])
                cov = coverage(k, ox, oy)  # (k, tc, h, w)
                tg = torch.stack([(tox[:, None, None, None] + ox) * tnorm - 1,
                                  (toy[:, None, None, None] + oy) * tnorm - 1], -1)
                tf = F.grid_sample(tex, tg.reshape(len(obj), tc * wh, ww, 2), mode="bilinear",
                                   padding_mode="border", align_corners=True).view(len(obj), 3, tc, wh, ww)
                fo = frames[obj.to(dev)]
                cov = cov[:, None]
                frames[obj.to(dev)] = fo * (1 - cov) + tf * cov
            acc += frames.sum(2)
        blur = acc / nt
        if len(obj):
            # the object in the sharp frame (t = 1/2): crop coordinates are the pixel indices
            k = torch.arange(len(obj), device=dev)
            ox = (obx + m)[:, None, None] + jj[None, None, :]
            oy = (oby + m)[:, None, None] + ii[None, :, None]
            ox, oy = ox.expand(-1, wh, ww), oy.expand(-1, wh, ww)
            cov = coverage(k, ox, oy)[:, None]
            tg = torch.stack([(tox[:, None, None] + ox) * tnorm - 1, (toy[:, None, None] + oy) * tnorm - 1], -1)
            tf = F.grid_sample(tex, tg, mode="bilinear", padding_mode="border", align_corners=True)
            so = sharp[obj.to(dev)]
            sharp[obj.to(dev)] = so * (1 - cov) + tf * cov
        return blur, sharp

    def add_noise(self, blur, p, gen):
        """SensorNoise.apply: x + sqrt(shot max(x, 0) + read) N(0, 1), clamped to [0, 1]; normals from gen."""
        if not self.s.noisy():
            return blur
        g = torch.randn(blur.shape, generator=gen, device=gen.device).to(blur.device)
        shot = p["shot"].float().to(blur.device).view(-1, 1, 1, 1)
        read = p["read"].float().to(blur.device).view(-1, 1, 1, 1)
        return torch.clamp(blur + torch.sqrt(shot * torch.clamp(blur, min=0) + read) * g, 0.0, 1.0)

    # ----------------------------------------------------------------------- pairs

    def sample(self, n, gen, window=None):
        """n pairs (the window (w, h) of each size x size synthetic pair; default the whole pair):
        (blur, sharp) in [-0.5, 0.5], float32 [n, 3, h, w] on the device, and the parameters."""
        s = self.s
        window = window or (s.width, s.height)
        p = self.draw(n, gen, window)
        blur, sharp = self.render(p, window)
        blur = self.add_noise(blur, p, gen)
        return ((encode8(blur) / 255 - 0.5).float(), (encode8(sharp) / 255 - 0.5).float(), p)

    def batch(self, n, crop, gen):
        """Like train.py's PairSet.batch: n random crop x crop windows of random pairs, each flipped
        horizontally / vertically and rotated by k x 90 degrees at random; (blur, sharp) in [-0.5, 0.5]."""
        blur, sharp, p = self.sample(n, gen, (crop, crop))
        bs, ss = [], []
        for i in range(n):
            b, s_ = blur[i], sharp[i]
            if p["flip_x"][i]:
                b, s_ = b.flip(2), s_.flip(2)
            if p["flip_y"][i]:
                b, s_ = b.flip(1), s_.flip(1)
            k = int(p["rot90"][i])
            bs.append(torch.rot90(b, k, (1, 2)))
            ss.append(torch.rot90(s_, k, (1, 2)))
        return torch.stack(bs).contiguous(), torch.stack(ss).contiguous()
