#!/usr/bin/python3
"""Regenerates the per-op parity fixtures of the runtime from PyTorch's own functional ops.

Run from the repository root with Debian's PyTorch:

    /usr/bin/python3 weights/reference/make_op_fixtures.py [OP_ID ...]

(op ids to rewrite only those fixtures; default: all). It rewrites runtime/src/test/resources/fixtures/<op_id>.safetensors for every op of
io.github.blurdm.runtime.Op. The output is deterministic (torch.manual_seed per case, one thread).
Fixtures are never edited by hand: change this script and rerun it. The format is described in
weights/reference/README.md.
"""

import json
import os
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import write_safetensors  # noqa: E402
import loformer_reference as loformer  # noqa: E402

GENERATOR = "weights/reference/make_op_fixtures.py"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "runtime", "src", "test", "resources", "fixtures")

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


# ---------------------------------------------------------------------------- file format

# ---------------------------------------------------------------------------- case building

class OpFixture:
    def __init__(self, op):
        self.op = op
        self.cases = []
        self.tensors = []

    def case(self, label, params, inputs, fn, scale=None, fixed=None):
        """inputs: list of (name, shape); fn(dict name -> tensor, params) -> output tensor.

        Inputs are uniform in [-1, 1) (times scale[name] where given) with exact zeros replaced,
        except those given in fixed (name -> tensor), which are used as they are.
        """
        cid = "c%d" % len(self.cases)
        torch.manual_seed(zlib.crc32(("%s/%s" % (self.op, cid)).encode()))
        ts = {}
        for name, shape in inputs:
            t = torch.rand(*shape, dtype=torch.float32) * 2 - 1
            t[t == 0] = 0.5
            if scale and name in scale:
                t = t * scale[name]
            if fixed and name in fixed:
                t = fixed[name].to(torch.float32)
            ts[name] = t
        with torch.no_grad():
            out = fn(ts, params).contiguous()
        assert out.dtype == torch.float32, out.dtype
        assert torch.isfinite(out).all()
        for name, _ in inputs:
            self.tensors.append(("%s/%s" % (cid, name), ts[name].numpy()))
        self.tensors.append(("%s/out" % cid, out.numpy()))
        self.cases.append({"id": cid, "label": label, "params": params,
                           "inputs": [n for n, _ in inputs], "output": "out"})

    def write(self):
        meta = {
            "op": self.op,
            "generator": GENERATOR,
            "torch": torch.__version__,
            "cases": json.dumps(self.cases, separators=(",", ":")),
        }
        path = os.path.join(OUT_DIR, self.op + ".safetensors")
        write_safetensors(path, self.tensors, meta)
        return path, len(self.cases), os.path.getsize(path)


def act(y, p):
    a = p.get("activation", "none")
    if a == "relu":
        return F.relu(y)
    if a == "leaky_relu":
        return F.leaky_relu(y, p["slope"])
    if a == "gelu":
        return F.gelu(y)
    assert a == "none", a
    return y


# ---------------------------------------------------------------------------- convolutions

def conv2d_params(stride=(1, 1), pad=(0, 0), dil=(1, 1), groups=1, activation="none", slope=0.0):
    return {"stride_h": stride[0], "stride_w": stride[1], "pad_h": pad[0], "pad_w": pad[1],
            "dilation_h": dil[0], "dilation_w": dil[1], "groups": groups,
            "activation": activation, "slope": slope}


def conv2d_fn(t, p):
    y = F.conv2d(t["x"], t["weight"], t.get("bias"), stride=(p["stride_h"], p["stride_w"]),
                 padding=(p["pad_h"], p["pad_w"]), dilation=(p["dilation_h"], p["dilation_w"]),
                 groups=p["groups"])
    return act(y, p)


def make_conv2d():
    f = OpFixture("conv2d")

    def c(label, x, w, bias=True, **kw):
        ins = [("x", x), ("weight", w)] + ([("bias", [w[0]])] if bias else [])
        f.case(label, conv2d_params(**kw), ins, conv2d_fn)

    c("3x3 s1 p1 bias", [1, 3, 7, 9], [4, 3, 3, 3], pad=(1, 1))
    c("3x3 s1 p1 no bias, batch 2", [2, 5, 8, 6], [7, 5, 3, 3], bias=False, pad=(1, 1))
    c("3x3 s1 p1 fused relu", [1, 8, 9, 7], [8, 8, 3, 3], pad=(1, 1), activation="relu")
    c("3x3 s1 p1 fused leaky_relu 0.1, batch 2", [2, 4, 7, 7], [6, 4, 3, 3], pad=(1, 1),
      activation="leaky_relu", slope=0.1)
    c("3x3 s2 p1, odd non-square", [1, 3, 33, 17], [4, 3, 3, 3], stride=(2, 2), pad=(1, 1))
    c("1x1, batch 2, C=17", [2, 17, 5, 3], [9, 17, 1, 1])
    c("5x5 p2", [1, 4, 11, 13], [5, 4, 5, 5], pad=(2, 2))
    c("7x7 p3 odd size", [1, 3, 7, 7], [6, 3, 7, 7], pad=(3, 3))
    c("7x7 p0 on 33x9 no bias", [1, 2, 33, 9], [3, 2, 7, 7], bias=False)
    c("groups 2", [1, 6, 9, 8], [4, 3, 3, 3], pad=(1, 1), groups=2)
    c("depthwise groups=C=12, batch 2", [2, 12, 7, 9], [12, 1, 3, 3], pad=(1, 1), groups=12)
    c("dilation 2 p2", [1, 5, 13, 11], [6, 5, 3, 3], pad=(2, 2), dil=(2, 2))
    c("asymmetric stride 2x1 pad 0x2 kernel 3x5", [1, 3, 9, 10], [4, 3, 3, 5], stride=(2, 1), pad=(0, 2))
    c("asymmetric dilation 1x3 stride 1x2 pad 2x1", [2, 3, 8, 13], [5, 3, 2, 3], stride=(1, 2), pad=(2, 1),
      dil=(1, 3))
    c("1x1 spatial, 1x1 kernel, batch 2", [2, 7, 1, 1], [5, 7, 1, 1])
    c("1x1 spatial, 3x3 p1", [1, 3, 1, 1], [4, 3, 3, 3], pad=(1, 1))
    c("s2 p1 groups 3 leaky_relu 0.2 on 1x33", [1, 9, 1, 33], [6, 3, 3, 3], stride=(2, 2), pad=(1, 1),
      groups=3, activation="leaky_relu", slope=0.2)
    c("MIMO-UNet+ feat_extract.1: 3x3 32->64 s2 relu", [1, 32, 16, 16], [64, 32, 3, 3], stride=(2, 2),
      pad=(1, 1), activation="relu")
    c("MIMO-UNet+ AFF conv 1x1 224->32 relu", [1, 224, 8, 8], [32, 224, 1, 1], activation="relu")
    c("3x3 s1 p1 fused gelu, batch 2", [2, 3, 5, 6], [5, 3, 3, 3], pad=(1, 1), activation="gelu")
    # the CPU backend's Winograd F(4, 3) path (3x3 s1 p1, 8+ channels): height not a multiple of 4, width
    # past one vector, a 1-row image, channel counts off the register tiles
    c("Winograd: ResBlock 3x3 32->32 s1 p1 relu, batch 2, 13x21", [2, 32, 13, 21], [32, 32, 3, 3], pad=(1, 1),
      activation="relu")
    c("Winograd: 3x3 16->20 s1 p1 no bias, 10x70", [1, 16, 10, 70], [20, 16, 3, 3], bias=False, pad=(1, 1))
    c("Winograd: 3x3 9->13 s1 p1 leaky_relu 0.1, 1x37", [1, 9, 1, 37], [13, 9, 3, 3], pad=(1, 1),
      activation="leaky_relu", slope=0.1)
    return f


def convt_params(stride=(1, 1), pad=(0, 0), out_pad=(0, 0), dil=(1, 1), groups=1, activation="none",
                 slope=0.0):
    return {"stride_h": stride[0], "stride_w": stride[1], "pad_h": pad[0], "pad_w": pad[1],
            "out_pad_h": out_pad[0], "out_pad_w": out_pad[1], "dilation_h": dil[0], "dilation_w": dil[1],
            "groups": groups, "activation": activation, "slope": slope}


def convt_fn(t, p):
    y = F.conv_transpose2d(t["x"], t["weight"], t.get("bias"), stride=(p["stride_h"], p["stride_w"]),
                           padding=(p["pad_h"], p["pad_w"]), output_padding=(p["out_pad_h"], p["out_pad_w"]),
                           groups=p["groups"], dilation=(p["dilation_h"], p["dilation_w"]))
    return act(y, p)


def make_conv_transpose2d():
    f = OpFixture("conv_transpose2d")

    def c(label, x, w, bias=True, **kw):
        p = convt_params(**kw)
        ins = [("x", x), ("weight", w)] + ([("bias", [w[1] * p["groups"]])] if bias else [])
        f.case(label, p, ins, convt_fn)

    c("4x4 s2 p1 (MIMO up), batch 2", [2, 3, 7, 5], [3, 4, 4, 4], stride=(2, 2), pad=(1, 1))
    c("4x4 s2 p1 relu no bias", [1, 5, 6, 9], [5, 3, 4, 4], bias=False, stride=(2, 2), pad=(1, 1),
      activation="relu")
    c("3x3 s2 p1 output_padding 1", [1, 4, 5, 7], [4, 3, 3, 3], stride=(2, 2), pad=(1, 1), out_pad=(1, 1))
    c("3x3 s2 p1 groups 2", [1, 6, 5, 5], [6, 2, 3, 3], stride=(2, 2), pad=(1, 1), groups=2)
    c("3x3 s1 p0 dilation 2", [1, 3, 6, 5], [3, 5, 3, 3], dil=(2, 2))
    c("3x3 s3 p0 output_padding 2, batch 2", [2, 2, 4, 3], [2, 3, 3, 3], stride=(3, 3), out_pad=(2, 2))
    c("3x4 asymmetric stride 2x3 pad 1x0 output_padding 1x2 leaky_relu 0.1", [1, 3, 5, 4], [3, 2, 3, 4],
      stride=(2, 3), pad=(1, 0), out_pad=(1, 2), activation="leaky_relu", slope=0.1)
    c("4x4 s2 p1 on 1x1 spatial", [1, 5, 1, 1], [5, 3, 4, 4], stride=(2, 2), pad=(1, 1))
    c("1x1 s1 C=17", [1, 17, 3, 7], [17, 9, 1, 1])
    c("MIMO-UNet+ feat_extract.4: 4x4 64->32 s2 p1 relu", [1, 64, 8, 8], [64, 32, 4, 4], stride=(2, 2),
      pad=(1, 1), activation="relu")
    return f


# ---------------------------------------------------------------------------- elementwise

UNARY_SHAPES = [
    ("rank 1, one element", [1]),
    ("rank 1, 7", [7]),
    ("rank 2, 3x33", [3, 33]),
    ("NCHW odd, batch 2", [2, 3, 5, 7]),
    ("1x1 spatial, C=33", [1, 33, 1, 1]),
    ("NCHW C=17 non-square, batch 2", [2, 17, 9, 13]),
    ("MIMO-UNet+ 32@16x16", [1, 32, 16, 16]),
]


def make_unary(op, fn, params_list):
    f = OpFixture(op)
    for params in params_list:
        for label, shape in UNARY_SHAPES:
            extra = "" if not params else " " + ",".join("%s=%s" % kv for kv in params.items())
            f.case(label + extra, dict(params), [("x", shape)], fn)
    return f


def make_gelu():
    f = make_unary("gelu", lambda t, p: F.gelu(t["x"]), [{}])
    f.case("wide range x*6, 2x65", {}, [("x", [2, 65])], lambda t, p: F.gelu(t["x"]), scale={"x": 6.0})
    return f


def make_binary(op, fn):
    f = OpFixture(op)
    for label, shape in UNARY_SHAPES:
        f.case(label, {}, [("a", shape), ("b", shape)], fn)
    return f


def make_channel_affine():
    f = OpFixture("channel_affine")

    def fn(t, p):
        x = t["x"]
        sh = list(x.shape[:2]) + [1] * (x.dim() - 2)
        return x * t["scale"].reshape(sh) + t["shift"].reshape(sh)

    for label, shape in [("NCHW odd", [1, 3, 7, 9]), ("batch 2 C=17 non-square", [2, 17, 5, 11]),
                         ("1x1 spatial", [2, 33, 1, 1]), ("rank 2", [3, 7]), ("rank 3", [2, 5, 13]),
                         ("MIMO-UNet+ prior modulation 32@16x16", [1, 32, 16, 16])]:
        n, c = shape[0], shape[1]
        f.case(label, {}, [("x", shape), ("scale", [n, c]), ("shift", [n, c])], fn)
    return f


# ---------------------------------------------------------------------------- channel plumbing

def make_concat():
    f = OpFixture("concat")
    fn = lambda t, p: torch.cat([t["x%d" % i] for i in range(p["count"])], dim=1)
    for label, shapes in [
        ("two NCHW odd", [[1, 3, 7, 9], [1, 5, 7, 9]]),
        ("three, batch 2", [[2, 1, 5, 3], [2, 7, 5, 3], [2, 2, 5, 3]]),
        ("single input", [[1, 4, 3, 3]]),
        ("rank 2", [[2, 3], [2, 4]]),
        ("1x1 spatial", [[2, 17, 1, 1], [2, 16, 1, 1]]),
        ("MIMO-UNet+ SCM: image 3 + features 29 @16x16", [[1, 3, 16, 16], [1, 29, 16, 16]]),
        ("MIMO-UNet+ AFF: 32+64+128 @4x4", [[1, 32, 4, 4], [1, 64, 4, 4], [1, 128, 4, 4]]),
    ]:
        f.case(label, {"count": len(shapes)}, [("x%d" % i, s) for i, s in enumerate(shapes)], fn)
    return f


def make_slice_channels():
    f = OpFixture("slice_channels")
    fn = lambda t, p: t["x"][:, p["start"]:p["start"] + p["count"]].contiguous()
    for label, shape, start, count in [
        ("first channels", [1, 7, 5, 9], 0, 3),
        ("middle, batch 2", [2, 9, 3, 7], 2, 5),
        ("last channel", [1, 33, 4, 1], 32, 1),
        ("all channels", [2, 5, 3, 3], 0, 5),
        ("rank 2", [3, 8], 3, 4),
        ("1x1 spatial", [2, 17, 1, 1], 8, 9),
        ("MIMO-UNet+ kv split: second half of 64 @8x8", [1, 64, 8, 8], 32, 32),
    ]:
        f.case(label, {"start": start, "count": count}, [("x", shape)], fn)
    return f


# ---------------------------------------------------------------------------- resampling

def make_downsample():
    f = OpFixture("downsample_nearest2")
    fn = lambda t, p: F.interpolate(t["x"], scale_factor=0.5, mode="nearest")
    for label, shape in [("odd 7x9", [1, 3, 7, 9]), ("even, batch 2", [2, 5, 8, 6]), ("2x2", [1, 1, 2, 2]),
                         ("33x3 C=17", [1, 17, 33, 3]), ("MIMO-UNet+ image 3@32x32", [1, 3, 32, 32])]:
        f.case(label, {}, [("x", shape)], fn)
    return f


def make_upsample():
    f = OpFixture("upsample_nearest2")
    fn = lambda t, p: F.interpolate(t["x"], scale_factor=2, mode="nearest")
    for label, shape in [("odd 7x9", [1, 3, 7, 9]), ("batch 2", [2, 5, 4, 3]), ("1x1", [1, 1, 1, 1]),
                         ("1x33 C=17", [1, 17, 1, 33]), ("MIMO-UNet+ 32@8x8", [1, 32, 8, 8])]:
        f.case(label, {}, [("x", shape)], fn)
    return f


def make_resize_bilinear():
    f = OpFixture("resize_bilinear")

    def fn(t, p):
        if p["scale_factor"] > 0:
            return F.interpolate(t["x"], scale_factor=p["scale_factor"], mode="bilinear", align_corners=False)
        return F.interpolate(t["x"], size=(p["out_h"], p["out_w"]), mode="bilinear", align_corners=False)

    def ratio(i, o, sf):
        # PyTorch's area_pixel_compute_scale for align_corners=False, in float32
        return float(np.float32(1.0 / sf)) if sf > 0 else float(np.float32(i) / np.float32(o))

    for label, shape, sf, size in [
        ("scale 0.5 odd", [1, 3, 7, 9], 0.5, None),
        ("scale 2 batch 2", [2, 2, 5, 3], 2.0, None),
        ("scale 0.75", [1, 4, 9, 13], 0.75, None),
        ("scale 1.5", [1, 3, 7, 5], 1.5, None),
        ("scale 0.25 on 33x17", [1, 2, 33, 17], 0.25, None),
        ("size 7x9 -> 5x13", [1, 3, 7, 9], 0, (5, 13)),
        ("size 1x1 -> 3x4", [2, 3, 1, 1], 0, (3, 4)),
        ("size 33x17 -> 17x33", [1, 2, 33, 17], 0, (17, 33)),
        ("size 6x6 -> 1x1", [1, 5, 6, 6], 0, (1, 1)),
        ("MIMO-UNet+ image scale 0.5 3@32x32", [1, 3, 32, 32], 0.5, None),
    ]:
        ho, wo = size if size else (int(np.floor(shape[2] * sf)), int(np.floor(shape[3] * sf)))
        p = {"scale_factor": sf, "out_h": ho, "out_w": wo,
             "ratio_h": ratio(shape[2], ho, sf), "ratio_w": ratio(shape[3], wo, sf)}
        f.case(label, p, [("x", shape)], fn)
    return f


def make_pixel_unshuffle():
    f = OpFixture("pixel_unshuffle")
    fn = lambda t, p: F.pixel_unshuffle(t["x"], p["r"])
    for label, shape, r in [("r 2 odd channels", [1, 3, 6, 8], 2), ("r 3 batch 2", [2, 2, 9, 3], 3),
                            ("r 1", [1, 5, 7, 9], 1), ("r 2 to 1x1", [1, 7, 2, 2], 2),
                            ("BlurDM encoder r 4 image 3@16x16", [1, 3, 16, 16], 4)]:
        f.case(label, {"r": r}, [("x", shape)], fn)
    return f


def make_pixel_shuffle():
    f = OpFixture("pixel_shuffle")
    fn = lambda t, p: F.pixel_shuffle(t["x"], p["r"])
    for label, shape, r in [("r 2", [1, 12, 3, 5], 2), ("r 3 batch 2", [2, 18, 2, 3], 3), ("r 1", [1, 5, 7, 9], 1),
                            ("r 2 from 1x1", [1, 8, 1, 1], 2), ("r 4 48@4x4", [1, 48, 4, 4], 4)]:
        f.case(label, {"r": r}, [("x", shape)], fn)
    return f


def make_reflect_pad():
    f = OpFixture("reflect_pad")

    def fn(t, p):
        x = t["x"]
        r = x.dim()
        # F.pad reflect wants a 3-D or 4-D input for 2-D padding
        x4 = x.reshape([-1] + list(x.shape[-3:])) if r >= 3 else x.unsqueeze(0)
        y = F.pad(x4, (p["left"], p["right"], p["top"], p["bottom"]), mode="reflect")
        return y.reshape(list(x.shape[:-2]) + list(y.shape[-2:]))

    for label, shape, (top, bottom, left, right) in [
        ("all 1", [1, 3, 7, 9], (1, 1, 1, 1)),
        ("asymmetric", [2, 2, 5, 6], (0, 2, 3, 1)),
        ("max pads dim-1", [1, 5, 4, 4], (3, 3, 3, 3)),
        ("wide row 2x33", [1, 1, 2, 33], (1, 1, 5, 0)),
        ("rank 3", [3, 5, 6], (2, 1, 0, 4)),
        ("rank 2", [5, 7], (4, 0, 2, 6)),
        ("none", [1, 2, 3, 3], (0, 0, 0, 0)),
        ("image to multiple of 8", [1, 3, 13, 11], (0, 3, 0, 5)),
    ]:
        f.case(label, {"top": top, "bottom": bottom, "left": left, "right": right}, [("x", shape)], fn)
    return f


def make_global_avg_pool():
    f = OpFixture("global_avg_pool")
    fn = lambda t, p: t["x"].mean((2, 3))
    for label, shape in [("odd 7x9", [1, 3, 7, 9]), ("1x1 spatial batch 2", [2, 33, 1, 1]),
                         ("33x17 C=5", [1, 5, 33, 17]), ("batch 2 non-square", [2, 17, 4, 9]),
                         ("BlurDM encoder E.14 256@4x4", [1, 256, 4, 4])]:
        f.case(label, {}, [("x", shape)], fn)
    return f


# ---------------------------------------------------------------------------- dense

def make_linear():
    f = OpFixture("linear")

    def fn(t, p):
        return act(F.linear(t["x"], t["weight"], t.get("bias")), p)

    for label, x, nout, bias, a, slope in [
        ("matrix-vector rank 1", [33], 7, True, "none", 0.0),
        ("one row", [1, 17], 5, True, "none", 0.0),
        ("7 rows no bias", [7, 33], 9, False, "none", 0.0),
        ("rank 3 relu", [2, 3, 17], 6, True, "relu", 0.0),
        ("gelu", [3, 9], 11, True, "gelu", 0.0),
        ("leaky_relu 0.2", [2, 5], 1, True, "leaky_relu", 0.2),
        ("BlurDM mlp.0 256->256 leaky_relu 0.1", [1, 256], 256, True, "leaky_relu", 0.1),
        ("MIMO-UNet+ kv 256->64 no bias batch 2", [2, 256], 64, False, "none", 0.0),
    ]:
        ins = [("x", x), ("weight", [nout, x[-1]])] + ([("bias", [nout])] if bias else [])
        f.case(label, {"activation": a, "slope": slope}, ins, fn)
    return f


def prior_schedule(steps):
    """[alphas (T+1) | betas_bar (T) | time_stamps (T)] exactly as the spec's buffers (spec 2.2)."""
    alphas = torch.linspace(1.0, 2.0, steps + 1)
    b = torch.linspace(0.0, 0.02, steps)
    bars = []
    for t in range(1, steps + 1):
        s = torch.zeros(())
        for i in range(1, t + 1):
            s = s + (alphas[i - 1] / alphas[t]) ** 2 * b[i - 1]
        bars.append(torch.sqrt(s))
    stamps = torch.arange(steps, 0, -1).to(torch.float32)
    return torch.cat([alphas, torch.stack(bars).to(torch.float32), stamps])


def prior_sampler_fn(t, p):
    """The reverse loop of spec 2.3 with both denoisers unpacked from their flat weight vectors."""
    L, D, T = p["latent"], p["denoiser_blocks"], p["steps"]
    cond = t["cond"]
    if "noise" in t:
        eps = t["noise"]
    else:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import philox_noise
        eps = torch.stack([torch.from_numpy(philox_noise.gaussian(p["seed"], p["stream0"] + n, L))
                           for n in range(cond.shape[0])])
    sched = t["schedule"]
    alphas, bars, stamps = sched[:T + 1], sched[T + 1:2 * T + 1], sched[2 * T + 1:]

    def unpack(flat):
        layers, o = [], 0
        for k in range(D + 1):
            kin = 2 * L + 1 if k == 0 else L
            w = flat[o:o + L * kin].reshape(L, kin)
            o += L * kin
            layers.append((w, flat[o:o + L]))
            o += L
        return layers

    def run(layers, x):
        for w, b in layers:
            x = F.leaky_relu(F.linear(x, w, b), 0.1)
        return x

    nm, lm = unpack(t["noise_model"]), unpack(t["lcr_model"])
    z = cond + bars[T - 1] * eps
    for ts in stamps.tolist():
        ti = int(ts)
        x = torch.cat([cond, torch.full((cond.shape[0], 1), float(ti) / T), z], dim=1)
        eh, e = run(nm, x), run(lm, x)
        c = bars[0] if ti == 1 else (alphas[ti] * bars[ti - 1]) / alphas[ti - 1] - bars[ti - 2]
        z = (alphas[ti] * z - e) / alphas[ti - 1] - c * eh
    return z


def make_prior_sampler():
    f = OpFixture("prior_sampler")
    for label, n, L, D, T, noise, seed in [
        ("one image L=32 D=2 T=5, noise given", 1, 32, 2, 5, True, 0),
        ("batch 2 L=64 D=3 T=5, noise given", 2, 64, 3, 5, True, 0),
        ("L=17 D=0 T=3, noise given", 1, 17, 0, 3, True, 0),
        ("batch 3 L=40 D=1 T=5, Philox noise seed 2023", 3, 40, 1, 5, False, 2023),
    ]:
        size = L * (2 * L + 1) + L + D * (L * L + L)
        ins = [("cond", [n, L])] + ([("noise", [n, L])] if noise else []) + [
            ("noise_model", [size]), ("lcr_model", [size]), ("schedule", [3 * T + 1])]
        params = {"latent": L, "denoiser_blocks": D, "steps": T, "seed": seed, "stream0": 5}
        f.case(label, params, ins, prior_sampler_fn,
               scale={"noise_model": 1.5 / L ** 0.5, "lcr_model": 1.5 / L ** 0.5},
               fixed={"schedule": prior_schedule(T)})
    return f


def make_layer_norm():
    f = OpFixture("layer_norm")

    def fn(t, p):
        x = t["x"].double()
        mu = x.mean(1, keepdim=True)
        var = ((x - mu) ** 2).mean(1, keepdim=True)
        y = (x - mu) / torch.sqrt(var + p["eps"])
        if "weight" in t:
            sh = [1, -1] + [1] * (x.dim() - 2)
            y = y * t["weight"].double().reshape(sh) + t["bias"].double().reshape(sh)
        return y.float()

    for label, shape, affine, eps in [
        ("NCHW odd affine", [1, 8, 7, 9], True, 1e-6),
        ("no affine batch 2", [2, 3, 5, 5], False, 1e-5),
        ("rank 2 (PyTorch LayerNorm over last dim)", [7, 33], True, 1e-5),
        ("rank 3", [2, 5, 11], True, 1e-6),
        ("1x1 spatial C=17", [2, 17, 1, 1], True, 1e-5),
        ("one channel", [1, 1, 3, 4], True, 1e-5),
        ("FFTformer C=48 @8x8", [1, 48, 8, 8], True, 1e-6),
    ]:
        ins = [("x", shape)] + ([("weight", [shape[1]]), ("bias", [shape[1]])] if affine else [])
        f.case(label, {"eps": float(np.float32(eps))}, ins, fn)
    # The double formula matches F.layer_norm for rank 2; check that assumption here.
    torch.manual_seed(0)
    x, w, b = torch.rand(4, 9) * 2 - 1, torch.rand(9), torch.rand(9)
    ref = fn({"x": x, "weight": w, "bias": b}, {"eps": 1e-5})
    assert torch.allclose(ref, F.layer_norm(x, (9,), w, b, 1e-5), atol=1e-6)
    return f


def make_dct2d():
    """LoFormer's orthonormal 2-D DCT-II (inverse=0) and its inverse (inverse=1) of each (n, c) plane, with
    the float32 basis of loformer_reference.dct_matrix; the oracle runs the products in float64."""
    f = OpFixture("dct2d")
    for label, shape, inverse in [
        ("forward odd 7x9", [1, 2, 7, 9], 0),
        ("inverse odd 7x9", [1, 2, 7, 9], 1),
        ("forward 1 row, batch 2", [2, 3, 1, 13], 0),
        ("inverse 1 column", [1, 3, 11, 1], 1),
        ("forward 1x1", [1, 5, 1, 1], 0),
        ("forward 33x20, 3 channels", [1, 3, 33, 20], 0),
        ("inverse 24x16, batch 2", [2, 2, 24, 16], 1),
        ("forward 48x48 (LoFormer's 1/8 level of a 384 tile)", [1, 1, 48, 48], 0),
    ]:
        f.case(label, {"inverse": inverse}, [("x", shape)],
               lambda t, p: loformer.dct2d_exact(t["x"], inverse=bool(p["inverse"])))
    return f


def make_window_channel_attention():
    """LoFormer's window channel attention on qkv [N,3C,H,W] (after the depthwise conv): 8x8 windows,
    reflect-padded right/bottom, softmax(q k^T * temperature[head]) v times GELU(Linear_64(v)); computed in
    float64 by loformer_reference.window_channel_attention."""
    f = OpFixture("window_channel_attention")

    def fn(t, p):
        return loformer.window_channel_attention(t["qkv"].double(), t["temperature"].double(),
                                                 t["mlp_weight"].double(), t["mlp_bias"].double(),
                                                 p["heads"]).float()

    for label, n, c, h, w, heads in [
        ("one window, 1 head, C=4, batch 2", 2, 4, 8, 8, 1),
        ("2x1 windows, 2 heads", 1, 4, 16, 8, 2),
        ("reflect-padded 13x11, 1 head, C=3", 1, 3, 13, 11, 1),
        ("reflect-padded 20x9, 4 heads, C=8", 1, 8, 20, 9, 4),
        ("one window, 2 heads of d=20", 1, 40, 8, 8, 2),
    ]:
        f.case(label, {"heads": heads},
               [("qkv", [n, 3 * c, h, w]), ("temperature", [heads]), ("mlp_weight", [64, 64]),
                ("mlp_bias", [64])], fn,
               scale={"qkv": 2.0, "mlp_weight": 0.25})
    return f


def make_softmax():
    f = OpFixture("softmax")
    fn = lambda t, p: torch.softmax(t["x"], dim=-1)
    for label, shape, scale in [("rank 1, 7", [7], None), ("one element", [1, 1], None),
                                ("rank 2 3x33", [3, 33], None), ("rank 4 odd", [2, 4, 5, 9], None),
                                ("large logits x*30", [2, 128], 30.0), ("attention 2x8x16", [2, 8, 16], None)]:
        f.case(label, {}, [("x", shape)], fn, scale={"x": scale} if scale else None)
    return f


def attention_fn(t, p):
    """Softmax attention over qkv [B,T,3F] = [q | k | v], heads contiguous, in float64 (cast to float32)."""
    qkv = t["qkv"].double()
    b, n, f3 = qkv.shape
    heads = p["heads"]
    d = f3 // 3 // heads

    def split(z):
        return z.reshape(b, n, heads, d).permute(0, 2, 1, 3)

    q, k, v = (split(z) for z in qkv.chunk(3, dim=-1))
    scores = torch.matmul(q, k.transpose(-1, -2)) * p["scale"]
    out = torch.matmul(torch.softmax(scores, dim=-1), v)
    return out.permute(0, 2, 1, 3).reshape(b, n, f3 // 3).float()


def make_attention():
    f = OpFixture("attention")
    for label, b, n, heads, d, scale, amp in [
        ("intra-strip d=32, odd T, batch 3", 3, 7, 2, 32, None, None),
        ("one token", 2, 1, 1, 8, None, None),
        ("d=16, T=33, 3 heads", 1, 33, 3, 16, None, None),
        ("large logits, scale 0.5", 1, 19, 2, 24, 0.5, 4.0),
        ("d=5, tails everywhere", 1, 17, 3, 5, None, None),
        ("Stripformer decoder row: 3 heads of 32, T=17", 1, 17, 3, 32, None, None),
        ("inter-strip: d=32*9 long vectors", 1, 4, 1, 288, None, None),
        ("inter-strip: d=136, 2 heads, batch 2", 2, 3, 2, 136, None, None),
        ("just over the short-head limit: d=130", 1, 3, 1, 130, None, None),
    ]:
        sc = scale if scale is not None else float(np.float32(1 / np.sqrt(d)))
        f.case(label, {"heads": heads, "scale": sc}, [("qkv", [b, n, 3 * heads * d])], attention_fn,
               scale={"qkv": amp} if amp else None)
    # the float64 formula is PyTorch's float32 attention up to rounding; check that assumption here
    torch.manual_seed(0)
    qkv = torch.rand(2, 6, 3 * 64) * 2 - 1
    q, k, v = (z.reshape(2, 6, 2, 32).permute(0, 2, 1, 3) for z in qkv.chunk(3, -1))
    want = torch.softmax(q @ k.transpose(-1, -2) / np.sqrt(32), -1) @ v
    got = attention_fn({"qkv": qkv}, {"heads": 2, "scale": float(np.float32(1 / np.sqrt(32)))})
    assert torch.allclose(got, want.permute(0, 2, 1, 3).reshape(2, 6, 64), atol=1e-6)
    return f


def make_permute():
    f = OpFixture("permute")
    fn = lambda t, p: t["x"].permute(*p["dims"]).contiguous()
    for label, shape, dims in [
        ("NCHW -> NHWC (intra rows)", [2, 5, 3, 4], [0, 2, 3, 1]),
        ("NCHW -> NWHC (intra columns)", [1, 6, 5, 7], [0, 3, 2, 1]),
        ("NHWC -> NCHW", [1, 4, 3, 5], [0, 3, 1, 2]),
        ("NCHW -> NHCW (inter rows), last dim stays", [2, 3, 4, 5], [0, 2, 1, 3]),
        ("NCHW -> NWCH (inter columns)", [2, 3, 4, 5], [0, 3, 1, 2]),
        ("rank 1", [7], [0]),
        ("2-D transpose past a 32x32 tile", [33, 35], [1, 0]),
        ("rank 5", [2, 3, 2, 4, 3], [4, 2, 0, 3, 1]),
        ("rank 6", [2, 1, 3, 2, 2, 3], [5, 0, 3, 1, 4, 2]),
        ("1-row and 1-column maps", [2, 3, 1, 9], [0, 3, 2, 1]),
        ("tile edges: 35 channels, 34 columns", [1, 35, 6, 34], [0, 2, 3, 1]),
    ]:
        f.case(label, {"dims": dims}, [("x", shape)], fn)
    return f


# ---------------------------------------------------------------------------- FFTformer (spec 5.3)

def _fft_ref():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import fftformer_reference
    return fftformer_reference


def make_patch_fft_filter():
    """DFFN's filter through torch.fft itself (rfft2 of each 8x8 patch x filter, irfft2 s=(8, 8)); the
    engine's filter is [C,8,5] (the checkpoint's [C,1,1,8,5] without its unit dims)."""
    f = OpFixture("patch_fft_filter")
    ref = _fft_ref()
    fn = lambda t, p: ref.patch_fft_filter(t["x"], t["filter"].reshape(-1, 1, 1, 8, 5))
    for label, shape, fixed in [
        ("one patch C=3", [1, 3, 8, 8], None),
        ("batch 2 C=2 8x16", [2, 2, 8, 16], None),
        ("one patch row C=5 8x24", [1, 5, 8, 24], None),
        ("one patch column C=1 40x8", [1, 1, 40, 8], None),
        ("filter of ones (the official init): identity", [1, 4, 16, 8], "ones"),
        ("filter symmetric in u: no imaginary part dropped", [1, 2, 8, 16], "symmetric"),
        ("FFTformer DFFN 2*hidden=24 (dim 4) @8x8", [1, 24, 8, 8], None),
    ]:
        fx = None
        if fixed == "ones":
            fx = {"filter": torch.ones(shape[1], 8, 5)}
        elif fixed == "symmetric":
            g = torch.rand(shape[1], 8, 5) * 2 - 1
            fx = {"filter": (g + g[:, [0, 7, 6, 5, 4, 3, 2, 1], :]) / 2}
        f.case(label, {}, [("x", shape), ("filter", [shape[1], 8, 5])], fn, fixed=fx)
    # the official code splits maps into 8x8 patches with no remainder: other sizes are refused there too
    for bad in ([1, 1, 12, 8], [1, 1, 8, 20]):
        try:
            ref.to_patches(torch.zeros(bad))
        except ValueError:
            continue
        raise AssertionError("the patch split accepted %s" % bad)
    return f


def make_fsas_attention():
    """out = v * LayerNorm_C(irfft2(rfft2(q) * rfft2(k))) per 8x8 patch, q, k, v [N,C,H,W] (the channel thirds of
    FSAS's map after its depthwise conv, spec 5.3 steps 3-5); LayerNorm over the C channels at each pixel (biased
    variance), with weight and bias as FSAS's norm, or none."""
    f = OpFixture("fsas_attention")
    ref = _fft_ref()

    def fn(t, p):
        q, k, v = t["q"], t["k"], t["v"]
        o = ref.patch_product(q, k).double()
        mu = o.mean(1, keepdim=True)
        y = (o - mu) / torch.sqrt(((o - mu) ** 2).mean(1, keepdim=True) + p["eps"])
        if "weight" in t:
            y = y * t["weight"].double()[None, :, None, None] + t["bias"].double()[None, :, None, None]
        return (v.double() * y).float()

    for label, c, shape, affine in [
        ("one patch C=3", 3, [1, 8, 8], True),
        ("batch 2 C=3 8x8", 3, [2, 8, 8], True),
        ("no affine C=4 8x8", 4, [1, 8, 8], False),
        ("one channel 16x8", 1, [1, 16, 8], True),
        ("C=7 one patch row 8x16", 7, [1, 8, 16], True),
        ("FFTformer FSAS 2*dim=8 (dim 4) @8x8", 8, [1, 8, 8], True),
    ]:
        n, h, w = shape
        ins = [("q", [n, c, h, w]), ("k", [n, c, h, w]), ("v", [n, c, h, w])] + (
            [("weight", [c]), ("bias", [c])] if affine else [])
        f.case(label, {"eps": float(np.float32(1e-5))}, ins, fn)
    # the double formula is the spec's LayerNorm over channels: check it against FFTformer's own form
    torch.manual_seed(0)
    o = torch.rand(1, 6, 8, 8)
    ln = ref.ChannelLayerNorm(6)
    mu = o.mean(1, keepdim=True)
    mine = (o - mu) / torch.sqrt(((o - mu) ** 2).mean(1, keepdim=True) + 1e-5)
    assert torch.allclose(mine, ln(o), atol=1e-5)
    return f


def make_depthwise_conv2d():
    """Depthwise k x k convolution, stride 1, zero padding k/2 (k odd): weight [C,1,k,k], optional bias."""
    f = OpFixture("depthwise_conv2d")
    fn = lambda t, p: F.conv2d(t["x"], t["weight"], t.get("bias"), padding=t["weight"].shape[-1] // 2,
                               groups=t["x"].shape[1])
    for label, shape, k, bias in [
        ("3x3 bias odd 7x9", [1, 3, 7, 9], 3, True),
        ("3x3 no bias batch 2 C=17", [2, 17, 5, 7], 3, False),
        ("3x3 1x1 map", [1, 4, 1, 1], 3, True),
        ("3x3 one row 1x37", [1, 5, 1, 37], 3, False),
        ("3x3 one column 29x1", [1, 6, 29, 1], 3, True),
        ("5x5 bias 11x6", [1, 3, 11, 6], 5, True),
        ("1x1 C=9", [1, 9, 4, 5], 1, True),
        ("FFTformer DFFN dwconv 2*hidden=24 (dim 4) no bias @8x8", [1, 24, 8, 8], 3, False),
    ]:
        c = shape[1]
        ins = [("x", shape), ("weight", [c, 1, k, k])] + ([("bias", [c])] if bias else [])
        f.case(label, {}, ins, fn)
    return f


def make_gelu_gate():
    """out[N,C,...] = GELU(x[:, :C]) * x[:, C:] for x [N,2C,...] (DFFN's gate after the chunk)."""
    f = OpFixture("gelu_gate")

    def fn(t, p):
        x1, x2 = t["x"].chunk(2, dim=1)
        return F.gelu(x1) * x2

    for label, shape, scale in [
        ("rank 2 [3,2]", [3, 2], None),
        ("NCHW odd C=1", [1, 2, 5, 7], None),
        ("batch 2 C=17 non-square", [2, 34, 5, 7], None),
        ("1x1 spatial C=33", [2, 66, 1, 1], None),
        ("rank 3", [2, 10, 11], None),
        ("wide range x*6", [1, 8, 4, 4], 6.0),
        ("FFTformer DFFN hidden=12 (dim 4) @8x8", [1, 24, 8, 8], None),
    ]:
        f.case(label, {}, [("x", shape)], fn, scale={"x": scale} if scale else None)
    return f


def make_bias_free_layer_norm():
    """FFTformer's BiasFree LayerNorm over channels: x / sqrt(var + eps) * weight, var biased over C, the
    numerator NOT centred (unlike layer_norm); computed in float64 and rounded."""
    f = OpFixture("bias_free_layer_norm")
    ref = _fft_ref()

    def fn(t, p):
        x = t["x"].double()
        var = ((x - x.mean(1, keepdim=True)) ** 2).mean(1, keepdim=True)
        sh = [1, -1] + [1] * (x.dim() - 2)
        return (x / torch.sqrt(var + p["eps"]) * t["weight"].double().reshape(sh)).float()

    for label, shape, eps, offset in [
        ("NCHW odd", [1, 8, 7, 9], 1e-5, 0.0),
        ("batch 2 C=3", [2, 3, 5, 5], 1e-5, 0.0),
        ("rank 2", [7, 33], 1e-5, 0.0),
        ("1x1 spatial C=17", [2, 17, 1, 1], 1e-6, 0.0),
        ("one channel (var 0: x/sqrt(eps))", [1, 1, 3, 4], 1e-5, 0.0),
        ("mean far from 0 (x+3)", [1, 6, 4, 4], 1e-5, 3.0),
        ("FFTformer C=16 @8x8", [1, 16, 8, 8], 1e-5, 0.0),
    ]:
        fx = None
        if offset:
            torch.manual_seed(7)
            fx = {"x": torch.rand(shape) * 2 - 1 + offset}
        f.case(label, {"eps": float(np.float32(eps))}, [("x", shape), ("weight", [shape[1]])], fn, fixed=fx)
    # the float64 formula is FFTformer's BiasFree_LayerNorm (to_3d, last-dim var) in float32
    torch.manual_seed(0)
    x = torch.rand(1, 5, 3, 4)
    ln = ref.ChannelLayerNorm(5, with_bias=False)
    with torch.no_grad():
        ln.body.weight.copy_(torch.rand(5))
    assert torch.allclose(fn({"x": x, "weight": ln.body.weight.detach()}, {"eps": 1e-5}), ln(x), atol=1e-5)
    return f


MAKERS = {
    "conv2d": make_conv2d,
    "conv_transpose2d": make_conv_transpose2d,
    "relu": lambda: make_unary("relu", lambda t, p: F.relu(t["x"]), [{}]),
    "leaky_relu": lambda: make_unary("leaky_relu", lambda t, p: F.leaky_relu(t["x"], p["slope"]),
                                     [{"slope": 0.1}, {"slope": 0.2}, {"slope": 0.01}]),
    "gelu": make_gelu,
    "add": lambda: make_binary("add", lambda t, p: t["a"] + t["b"]),
    "mul": lambda: make_binary("mul", lambda t, p: t["a"] * t["b"]),
    "channel_affine": make_channel_affine,
    "concat": make_concat,
    "slice_channels": make_slice_channels,
    "downsample_nearest2": make_downsample,
    "upsample_nearest2": make_upsample,
    "resize_bilinear": make_resize_bilinear,
    "pixel_unshuffle": make_pixel_unshuffle,
    "pixel_shuffle": make_pixel_shuffle,
    "reflect_pad": make_reflect_pad,
    "global_avg_pool": make_global_avg_pool,
    "linear": make_linear,
    "layer_norm": make_layer_norm,
    "softmax": make_softmax,
    "prior_sampler": make_prior_sampler,
    "attention": make_attention,
    "permute": make_permute,
    "dct2d": make_dct2d,
    "window_channel_attention": make_window_channel_attention,
    "patch_fft_filter": make_patch_fft_filter,
    "fsas_attention": make_fsas_attention,
    "depthwise_conv2d": make_depthwise_conv2d,
    "gelu_gate": make_gelu_gate,
    "bias_free_layer_norm": make_bias_free_layer_norm,
}


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    only = sys.argv[1:]  # op ids to regenerate; none: all
    unknown = [o for o in only if o not in MAKERS]
    if unknown:
        print("unknown op(s): %s; known: %s" % (", ".join(unknown), ", ".join(MAKERS)))
        return 2
    for op, make in MAKERS.items():
        if only and op not in only:
            continue
        path, n, size = make().write()
        total += size
        print("%-20s %3d cases %8d bytes  %s" % (op, n, size, os.path.relpath(path, ROOT)))
    print("total %d bytes" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
