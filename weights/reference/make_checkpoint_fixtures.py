#!/usr/bin/python3
"""Writes the PyTorch checkpoint fixtures for the weights module's tests.

Run with Debian's PyTorch (the default python3 may have no torch):

    /usr/bin/python3 weights/reference/make_checkpoint_fixtures.py

Writes into weights/src/test/resources/checkpoints/ (see weights/reference/CHECKPOINTS.md):
  <name>.pth                   written by torch.save (zip format, PyTorch >= 1.6)
  <name>.expected.safetensors  every tensor in it, contiguous, in its own dtype, under its path
                               (dict keys joined by '/'); floating non-float32 tensors also as
                               '<path>@f32' = tensor.float(), to check conversion
  <name>.legacy.pth            the same object saved in the legacy format (torch.save(...,
                               _use_new_zipfile_serialization=False), what PyTorch < 1.6 wrote):
                               plain, training, dtypes, views; same expected dump
  module.legacy.pth            a whole nn.Module saved in the legacy format (Java refuses it)
  malicious.pth                a zip checkpoint whose pickle calls os.system, builtins.eval and
                               subprocess.Popen when unpickled by Python. Built with pickle.dumps
                               and never loaded here.
Deterministic: seeded, and the zip entries carry torch's fixed timestamps.
"""
import argparse
import collections
import io
import os
import pickle
import sys
import zipfile

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import write_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "checkpoints")
MARKER = "/tmp/blurdm-pwned-marker"
LEGACY = ("plain", "training", "dtypes", "views")



def walk(obj, prefix, out, seen):
    if isinstance(obj, torch.Tensor):
        out[prefix] = obj
        if obj.dtype in (torch.float16, torch.bfloat16, torch.float64):
            out[prefix + "@f32"] = obj.float()
    elif isinstance(obj, dict):
        for k, v in obj.items():
            walk(v, (prefix + "/" if prefix else "") + str(k), out, seen)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            walk(v, (prefix + "/" if prefix else "") + str(i), out, seen)


def save(name, obj):
    path = os.path.join(OUT, name + ".pth")
    torch.save(obj, path)
    if name in LEGACY:
        torch.save(obj, os.path.join(OUT, name + ".legacy.pth"), _use_new_zipfile_serialization=False)
    expected = collections.OrderedDict()
    walk(obj, "", expected, set())
    write_safetensors(os.path.join(OUT, name + ".expected.safetensors"), expected)
    print(f"{name}.pth: {os.path.getsize(path)} bytes, {len(expected)} expected tensors")


class Backbone(nn.Module):
    """A tiny stand-in for MIMO-UNet: convs, a transposed conv, a norm with buffers."""

    def __init__(self):
        super().__init__()
        self.feat = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 4, 1))
        self.up = nn.ConvTranspose2d(4, 2, 4, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(2)
        self.kv = nn.Linear(6, 5, bias=False)

    def forward(self, x):
        return self.bn(self.up(self.feat(x)))


class Prior(nn.Module):
    """A tiny stand-in for the BlurDM prior: an MLP plus float and int64 buffers."""

    def __init__(self):
        super().__init__()
        self.resmlp = nn.Sequential(nn.Linear(7, 6), nn.LeakyReLU(0.1), nn.Linear(6, 3))
        self.register_buffer("alphas", torch.linspace(0.1, 0.9, 6))
        self.register_buffer("time_stamps_list", torch.tensor([0, 3, 7, 11, 15], dtype=torch.int64))


class Exploit:
    """Unpickling this in Python would call fn(*args); the Java reader must never do so."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(1234)

    backbone, prior = Backbone(), Prior()
    backbone.bn.running_mean.uniform_(-1, 1)
    backbone.bn.running_var.uniform_(0.5, 2)
    backbone.bn.num_batches_tracked += 7

    # 1. a plain state_dict
    save("plain", backbone.state_dict())

    # 3. the same weights with DataParallel's 'module.' prefix
    save("dataparallel", nn.DataParallel(backbone).state_dict())

    # 2. a training-style checkpoint, as the official stage-3 script writes it
    opt = torch.optim.Adam(list(backbone.parameters()) + list(prior.parameters()), lr=1e-4)
    loss = backbone(torch.randn(1, 3, 4, 4)).square().mean() + prior.resmlp(torch.randn(2, 7)).square().mean()
    loss.backward()
    opt.step()
    args = argparse.Namespace(model_name="MIMO-UNetPlus", learning_rate=1e-4, batch_size=4, num_epoch=3000,
                              device=torch.device("cuda", 0), resume="", data_dir="dataset/GOPRO")
    save("training", {
        "epoch": 3,
        "model_state": backbone.state_dict(),
        "model_dm_state": prior.state_dict(),
        "optimizer_state": opt.state_dict(),
        "best_panr": 28.5,
        "args": args,
    })

    # 4. dtypes
    base = torch.randn(3, 5)
    save("dtypes", collections.OrderedDict([
        ("f16", base.half()),
        ("bf16", base.bfloat16()),
        ("f64", torch.randn(2, 3, dtype=torch.float64)),
        ("i64", torch.tensor([[-(2 ** 40), -1, 0], [1, 7, 2 ** 53 + 1]], dtype=torch.int64)),
        ("i32", torch.tensor([-5, 0, 123456], dtype=torch.int32)),
        ("u8", torch.tensor([0, 1, 200, 255], dtype=torch.uint8)),
        ("bool", torch.tensor([True, False, True])),
        ("f16_special", torch.tensor([0.0, -0.0, 65504.0, 6e-8, float("inf"), -float("inf")], dtype=torch.float16)),
        ("scalar", torch.tensor(2.5)),
        ("empty", torch.zeros(0, 4)),
    ]))

    # 5. views: non-contiguous, offsets, shared storages, a Parameter
    grid = torch.arange(60, dtype=torch.float32).reshape(3, 4, 5) * 0.5 - 7
    shared = torch.randn(40)
    half_grid = torch.randn(6, 4).half()
    save("views", collections.OrderedDict([
        ("transposed", grid.transpose(0, 2)),
        ("sliced", grid[1:, :, ::2]),
        ("column", grid[2, :, 3]),
        ("expanded", torch.randn(1, 3).expand(4, 3)),
        ("shared_a", shared[:10]),
        ("shared_b", shared[5:25].view(4, 5)),
        ("shared_t", shared[20:40].view(5, 4).t()),
        ("half_t", half_grid.t()),
        ("param", nn.Parameter(torch.randn(2, 2))),
    ]))

    # 6. the legacy (pre-1.6) format: the cases above (save) and a whole module, which Java refuses
    torch.save(backbone, os.path.join(OUT, "module.legacy.pth"), _use_new_zipfile_serialization=False)

    # 7. a malicious checkpoint: the zip layout of torch.save, with a pickle that calls os.system etc.
    payload = {
        "system": Exploit(os.system, ("touch " + MARKER,)),
        "eval": Exploit(eval, ("__import__('os').system('touch " + MARKER + "')",)),
        "popen": Exploit(__import__("subprocess").Popen, (["touch", MARKER],)),
        "weight": 1.5,
    }
    data = pickle.dumps(payload, protocol=2, fix_imports=False)
    assert b"system" in data and b"Popen" in data
    with zipfile.ZipFile(os.path.join(OUT, "malicious.pth"), "w", zipfile.ZIP_STORED) as z:
        for entry, content in (("malicious/data.pkl", data), ("malicious/version", b"3\n")):
            info = zipfile.ZipInfo(entry, date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, content)
    with open(os.path.join(OUT, "malicious.pkl"), "wb") as f:
        f.write(data)

    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"torch {torch.__version__}; {total} bytes in {OUT}")
    assert total < 1 << 20


if __name__ == "__main__":
    sys.exit(main())
