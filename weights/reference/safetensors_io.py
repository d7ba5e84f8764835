"""Writes safetensors files by hand (the safetensors package is not installed here); shared by the
fixture generators and the trainer.

Layout: 8-byte little-endian header length, a JSON header (optional "__metadata__" first, then each
tensor's dtype, shape and data_offsets in the given order), padded with spaces to a multiple of 8,
then the raw little-endian data. Written to a temporary file and renamed.
"""
import json
import os
import struct

import numpy as np
import torch

TORCH_DTYPES = {
    torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
    torch.bool: "BOOL",
}
NUMPY_DTYPES = {
    np.float32: "F32", np.float64: "F64", np.float16: "F16", np.int64: "I64", np.int32: "I32", np.int16: "I16",
    np.int8: "I8", np.uint8: "U8", np.bool_: "BOOL",
}


def tensor_bytes(t):
    """(dtype name, shape, little-endian bytes) of a torch tensor or NumPy array."""
    if isinstance(t, torch.Tensor):
        t = t.detach().cpu().contiguous()
        name = TORCH_DTYPES[t.dtype]
        if t.dtype in (torch.float16, torch.bfloat16):
            return name, list(t.shape), t.view(torch.int16).numpy().astype("<i2").tobytes()
        if t.dtype == torch.bool:
            return name, list(t.shape), t.to(torch.uint8).numpy().tobytes()
        a = t.numpy()
    else:
        a = np.ascontiguousarray(t)
        name = NUMPY_DTYPES[a.dtype.type]
    return name, list(a.shape), a.astype(a.dtype.newbyteorder("<")).tobytes()


def write_safetensors(path, tensors, metadata=None):
    """tensors: a dict or a list of (name, tensor or array); metadata: dict of str -> str, or None."""
    items = tensors.items() if isinstance(tensors, dict) else tensors
    header = {} if metadata is None else {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, t in items:
        dtype, shape, b = tensor_bytes(t)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_safetensors(path):
    """(dict name -> float32/int torch tensor, metadata dict) of a safetensors file (F32, F64, I64, I32, U8)."""
    kinds = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "I32": "<i4", "U8": "u1"}
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {}) or {}
    base = 8 + n
    out = {}
    for name, h in header.items():
        if h["dtype"] not in kinds:
            raise ValueError(f"{path}: tensor {name}: dtype {h['dtype']} not supported here")
        a, b = h["data_offsets"]
        arr = np.frombuffer(data[base + a:base + b], dtype=kinds[h["dtype"]]).reshape(h["shape"])
        out[name] = torch.from_numpy(arr.astype(arr.dtype.newbyteorder("=")).copy())
    return out, meta
