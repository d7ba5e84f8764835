"""Writes the parity fixtures of the shipped models (T1 item 5: the engine's outputs on the shipped weights
match the PyTorch reference's, rel-L2 <= 1e-4).

For each file in MODELS that exists (blurdm-mimo-small.safetensors -> cases.safetensors; the backbone
trained without the prior, mimo-small-noprior.safetensors -> cases-noprior.safetensors, without noise and
z_0): loads it into the clean-room reference (strictly, by name, sizes
from its metadata config), runs it on crops of the two sample images (odd sizes, so the pipeline's reflect
padding is exercised) with a seeded noise vector, and writes
blurdm/src/test/resources/fixtures/shipped/cases.safetensors: per case '<case>/<name>' with image (H,W,3
uint8 values as float32), noise, z_0 (the prior), out1 (backbone output, padded size) and result (H,W,3
uint8 values as float32); __metadata__ holds the cases and the SHA-256 of the weights file, so the Java
test tells a stale fixture from a wrong engine. Run it again whenever the shipped weights change:
  /usr/bin/python3 weights/reference/make_shipped_fixture.py
"""
import hashlib
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, HERE)
import blurdm_reference as ref  # noqa: E402
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402

MODELS = [("blurdm-mimo-small.safetensors", "cases.safetensors"),
          ("mimo-small-noprior.safetensors", "cases-noprior.safetensors")]
OUT = os.path.join(ROOT, "blurdm", "src", "test", "resources", "fixtures", "shipped")
# (case, sample file, top, left, height, width, noise seed)
CASES = [("clock", "clock_motion.png", 101, 130, 93, 130, 7), ("astronaut", "astronaut_blurred.png", 61, 40, 118, 131, 8)]


def load_model(path):
    tensors, meta = read_safetensors(path)
    conf = json.loads(meta["config"])
    b, p = conf["backbone"], conf.get("prior")
    net = ref.MIMOUNet(b["base_channels"], b["res_blocks"], b["latent"], b["with_prior"]).eval()
    net.load_state_dict({k[len("backbone."):]: v for k, v in tensors.items() if k.startswith("backbone.")})
    dm = None
    if p is not None:
        dm = ref.LatentExposureDiffusion(p["encoder_features"], p["encoder_res_blocks"], p["latent"],
                                         p["denoiser_blocks"], p["steps"]).eval()
        dm.load_state_dict({k[len("prior."):]: v for k, v in tensors.items() if k.startswith("prior.")})
    return net, dm, conf


def write_fixture(weights, out_name):
    with open(weights, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    net, dm, conf = load_model(weights)
    tensors, meta = {}, []
    for cid, name, top, left, h, w, seed in CASES:
        img = np.asarray(Image.open(os.path.join(ROOT, "samples", name)).convert("RGB"))[top:top + h, left:left + w]
        img = torch.from_numpy(img.copy())
        x = img.permute(2, 0, 1)[None].float() / 255 - 0.5
        ph, pw = (8 - h % 8) % 8, (8 - w % 8) % 8
        xp = F.pad(x, (0, pw, 0, ph), mode="reflect")
        tensors[f"{cid}/image"] = img.float()
        with torch.no_grad():
            if dm is not None:
                noise = torch.randn(1, conf["prior"]["latent"], generator=torch.Generator().manual_seed(seed))
                z0 = dm(xp, noise)
                tensors.update({f"{cid}/noise": noise, f"{cid}/z_0": z0})
            else:
                noise = z0 = None
            tensors[f"{cid}/out1"] = net(xp, z0)[2]
            tensors[f"{cid}/result"] = ref.deblur(net, dm, img, noise).float()
        meta.append({"id": cid, "sample": name, "top": top, "left": left, "height": h, "width": w})
    write_safetensors(os.path.join(OUT, out_name), tensors,
                      {"cases": json.dumps(meta), "weights_sha256": sha, "torch": torch.__version__,
                       "generator": "weights/reference/make_shipped_fixture.py"})
    print(f"wrote {OUT}/{out_name} for {os.path.basename(weights)} (sha256 {sha})")


def main():
    os.makedirs(OUT, exist_ok=True)
    for weights, out_name in MODELS:
        path = os.path.join(ROOT, "weights", "models", weights)
        if os.path.exists(path):
            write_fixture(path, out_name)
        else:
            print(f"{path}: not shipped, no fixture")


if __name__ == "__main__":
    main()
