"""Trains a small MIMO-UNet + BlurDM prior with the paper's three stages (blurdm-spec.md section 7), resumably.

Phases, run in this order by --stage all (each continues where the checkpoint stopped):
  1         backbone + sharp encoder (LatentEncoder bn=True on (blur, sharp)) jointly; prior = Z^S
  2         sharp encoder frozen (eval); LatentExposureDiffusion trained so its T-step z_0 (unrolled,
            back-propagated end to end) matches Z^S (Charbonnier)
  3         stage-1 backbone + stage-2 DM jointly with the image loss; prior = DM(blur, eps)
  ablation  the same backbone without prior (with_prior=False), trained from scratch for
            iters1 + iters3 iterations (the budget of stages 1 + 3)
Image loss: sum over the 3 MIMO outputs (clamped to [-0.5, 0.5]) of Charbonnier(mean sqrt(d^2 + 1e-6)) against
the target bilinearly resized to 1/4, 1/2, 1, plus 0.1 x Charbonnier between their 2-D real FFTs (torch.fft.rfft2,
real and imaginary parts; the official code's quirk of a 1-D FFT along the height is not reproduced).
Inputs in [-0.5, 0.5]. Adam, linear warm-up then cosine decay to lr_min, per phase. Random crops of the
pairs, horizontal/vertical flips, 90-degree rotations (the same transform for input and target).

Resumable: <out>/checkpoint.pt (written atomically: temp file + rename) holds every network's fp32
weights, the current phase's optimizer and scheduler, phase and step, the Python and torch RNG states
(the data sampler draws from its own torch.Generator, also saved) and the configuration; --resume
continues exactly. Logs: <out>/train.csv (phase, step, loss, lr, it/s), <out>/val.csv (PSNR on the
validation split). Export: <out>/blurdm.safetensors (backbone + prior) and <out>/ablation.safetensors
(backbone without prior) in the engine's format (keys backbone.* and prior.*, __metadata__ config).

On-line pairs (--online-photos DIR, e.g. on a GPU machine the pair set cannot travel to): each training
batch is synthesised on the training device by torch_synth.py (the Java synthesiser's model) from the photos
in DIR (pack_photos.py: the training photos only), as --online-size pairs of which --crop windows are
taken, flipped and rotated like the pair crops. It draws from its own torch.Generator, saved in the
checkpoint's rng dict as "synth" (a checkpoint without it seeds one from the seed, phase and step).
Validation still reads <data>/val; without validation pairs there it is skipped (logged once).

Examples (Debian's PyTorch: /usr/bin/python3):
  train.py --data weights/data/synth --out weights/runs/small --stage all --threads 2 --minutes 600
  train.py --out weights/runs/small --resume --stage all --minutes 600     # continue
  train.py --out weights/runs/small --resume --export-only                   # write the safetensors
  train.py --out RUN --resume --restart-phase 3 --reschedule 3=1200 --stage 3 --data weights/data/synth-mix
                                       # stage 3 again on other data; a finished ablation is not redone
  train.py --out RUN --resume --restart-phase 2 --fresh-dm --rescale-latent 40 --reschedule 2=6000 --stage 2
                                       # stage 2 again from a fresh DM against a 40x larger latent (same stage-1
                                       # function; the DM's fixed start noise then matters 40x less)
  train.py --out RUN --resume --restart-phase 3 --grow-res 4 --reschedule 3=1800 --stage 3
                                       # stage 3 again with 4 ResBlocks per MIMO stage instead of 3, the added
                                       # blocks starting as the identity (the ablation: --restart-phase ablation)
  train.py --out RUN --resume --online-photos weights/gpu-data/photos --device cuda --minutes 5
"""
import argparse
import csv
import hashlib
import json
import math
import os
import random
import re
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import blurdm_reference as ref  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

PHASES = ["1", "2", "3", "ablation"]


# --------------------------------------------------------------------------- data

class PairSet:
    """<root>/<split>/{input,target}/*.png, loaded lazily (PNG decode per sample)."""

    def __init__(self, root, split, preload=False):
        self.dir = os.path.join(root, split)
        self.cache = {} if preload else None
        inp = os.path.join(self.dir, "input")
        self.names = sorted(n for n in os.listdir(inp) if n.lower().endswith(".png")) if os.path.isdir(inp) else []

    def __len__(self):
        return len(self.names)

    def load(self, i):
        if self.cache is not None and i in self.cache:
            return self.cache[i]
        n = self.names[i]
        a = np.asarray(Image.open(os.path.join(self.dir, "input", n)).convert("RGB"))
        b = np.asarray(Image.open(os.path.join(self.dir, "target", n)).convert("RGB"))
        t = torch.from_numpy(np.concatenate([a, b], axis=2).copy()).permute(2, 0, 1)  # 6,H,W uint8
        if self.cache is not None:
            self.cache[i] = t
        return t

    def batch(self, n, crop, gen):
        """n random pairs, random crop, flips and 90-degree rotation; returns blur, sharp in [-0.5, 0.5]."""
        out = []
        for _ in range(n):
            i = int(torch.randint(len(self), (1,), generator=gen))
            t = self.load(i)
            h, w = t.shape[1:]
            y = int(torch.randint(h - crop + 1, (1,), generator=gen))
            x = int(torch.randint(w - crop + 1, (1,), generator=gen))
            t = t[:, y:y + crop, x:x + crop]
            r = torch.randint(2, (2,), generator=gen).tolist()
            k = int(torch.randint(4, (1,), generator=gen))
            if r[0]:
                t = t.flip(2)
            if r[1]:
                t = t.flip(1)
            t = torch.rot90(t, k, (1, 2))
            out.append(t)
        b = torch.stack(out).float() / 255 - 0.5
        return b[:, :3].contiguous(), b[:, 3:].contiguous()


# --------------------------------------------------------------------------- losses

def charbonnier(a, b, eps=1e-6):
    return torch.mean(torch.sqrt((a - b) ** 2 + eps))


# Scale of the PSNR loss: unweighted, its gradient norm measured 200-600x Charbonnier's on the shipped net
# (it is ~1 / RMS error per pixel), so every step would hit the gradient clip; 0.005 brings it to ~1-4x.
PSNR_LOSS_WEIGHT = 0.005


def psnr_loss(o, s, eps=1e-8):
    """Mean over the batch of 10 log10(per-image MSE): minus the per-image PSNR, the quantity the evaluation
    averages (as NAFNet's PSNRLoss), so images with small errors weigh as much in dB as those with large."""
    mse = ((o - s) ** 2).flatten(1).mean(1)
    return (10 / math.log(10)) * torch.log(mse + eps).mean()


def image_loss(outs, sharp, kind="charbonnier"):
    """Spec 7: Charbonnier over 3 scales (outputs clamped) + 0.1 x Charbonnier of 2-D rfft. kind="psnr" (not
    the paper's): PSNR_LOSS_WEIGHT x psnr_loss over the same 3 scales, no FFT term."""
    s2 = F.interpolate(sharp, scale_factor=0.5, mode="bilinear", align_corners=False)
    s4 = F.interpolate(sharp, scale_factor=0.25, mode="bilinear", align_corners=False)
    if kind == "psnr":
        return PSNR_LOSS_WEIGHT * sum(psnr_loss(torch.clamp(o, -0.5, 0.5), s) for o, s in zip(outs, [s4, s2, sharp]))
    if kind != "charbonnier":
        raise ValueError(f"unknown image loss {kind!r}")
    total = 0.0
    for o, s in zip(outs, [s4, s2, sharp]):
        o = torch.clamp(o, -0.5, 0.5)
        fo = torch.view_as_real(torch.fft.rfft2(o))
        fs = torch.view_as_real(torch.fft.rfft2(s))
        total = total + charbonnier(o, s) + 0.1 * charbonnier(fo, fs)
    return total


def psnr(a, b):
    """a, b in [0, 1] after 8-bit quantisation, per image, then averaged by the caller."""
    mse = torch.mean((a - b) ** 2).item()
    return 99.0 if mse == 0 else 10 * math.log10(1.0 / mse)


def quant(x):
    """[-0.5, 0.5] -> 8-bit codes / 255, as the engine writes its output (spec 8.2)."""
    return torch.clamp(torch.floor((torch.clamp(x, -0.5, 0.5) + 0.5) * 255 + 0.5), 0, 255) / 255


# --------------------------------------------------------------------------- models and state

def build(cfg):
    b, p = cfg["backbone"], cfg["prior"]
    torch.manual_seed(cfg["seed"])
    nets = {
        "backbone": ref.MIMOUNet(b["base_channels"], b["res_blocks"], b["latent"], True),
        "sharp_encoder": ref.LatentEncoder(p["encoder_features"], p["encoder_res_blocks"], p["latent"], bn=True),
        "dm": ref.LatentExposureDiffusion(p["encoder_features"], p["encoder_res_blocks"], p["latent"],
                                          p["denoiser_blocks"], p["steps"]),
        "ablation": ref.MIMOUNet(b["base_channels"], b["res_blocks"], b["latent"], False),
    }
    return nets


def load_stored(nets, stored, grown_from=None):
    """Loads each net a checkpoint's "nets" holds; the others (an untrained ablation) keep build()'s weights.
    grown_from: the stored MIMO-UNets have this many ResBlocks per stage, fewer than `nets` (grow_res_blocks)."""
    for k, v in nets.items():
        if k not in stored:
            continue
        if grown_from is not None and k in ("backbone", "ablation"):
            grow_res_blocks(v, stored[k], grown_from)
        else:
            v.load_state_dict(stored[k])


NEW_BLOCK_KEY = re.compile(r"(Encoder|Decoder)\.\d+\.layers\.(\d+)\.")


def grow_res_blocks(net, stored, old):
    """Loads a MIMO-UNet state with `old` ResBlocks per stage into `net`, which has more: the stored blocks keep
    their weights and each added block's second conv starts at zero, so the block is the identity and the net
    computes exactly what the stored one did (its first conv keeps build()'s seeded initialisation; the zero conv
    still gets gradients, so training opens the block up)."""
    missing, unexpected = net.load_state_dict(stored, strict=False)
    bad = [k for k in missing if not (m := NEW_BLOCK_KEY.match(k)) or int(m.group(2)) < old]
    if unexpected or bad or not missing:
        raise ValueError(f"--grow-res: the stored net is not this net with {old} ResBlocks per stage: missing {bad}, "
                         f"unexpected {unexpected}")
    with torch.no_grad():
        for stage in list(net.Encoder) + list(net.Decoder):
            for block in stage.layers[old:]:
                block.main[1].main[0].weight.zero_()
                block.main[1].main[0].bias.zero_()


def phase_params(nets, phase):
    if phase == "1":
        return list(nets["backbone"].parameters()) + list(nets["sharp_encoder"].parameters())
    if phase == "2":
        return list(nets["dm"].parameters())
    if phase == "3":
        return list(nets["backbone"].parameters()) + list(nets["dm"].parameters())
    return list(nets["ablation"].parameters())


def rescale_latent(nets, k):
    """Multiplies the latent space by k without changing what stage 1 computes: the sharp encoder's last
    Linear (before a LeakyReLU, which is positively homogeneous) by k, every decoder's prior Linear (no bias)
    by 1/k. The DM's start noise beta_bar_T * eps is fixed in absolute units, so a larger latent makes the
    sampled prior's noise smaller beside its signal; the DM must then be trained again (stage 2)."""
    if not k > 0:
        raise ValueError(f"--rescale-latent: k must be > 0, got {k}")
    with torch.no_grad():
        last = nets["sharp_encoder"].mlp[2]
        last.weight.mul_(k)
        last.bias.mul_(k)
        for block in nets["backbone"].Decoder:
            block.kv.weight.div_(k)


def backbone_from_ablation(nets, batches):
    """Starts the prior-modulated backbone from the ablation net (the same MIMO-UNet trained without a prior):
    every shared weight is copied, and each decoder's modulation [k | v] = Linear(P) is set so that k ~ 1 and
    v = 0 on the DM's priors: k's rows are the ridge least-squares w with P w ~ 1 over the priors of `batches`
    (the Linear has no bias, so identity is exact only if 1 lies in the priors' span). Returns how far k
    strays from 1 on those priors (max, std)."""
    bb, ab = nets["backbone"], nets["ablation"]
    missing, unexpected = bb.load_state_dict(ab.state_dict(), strict=False)
    if unexpected or any(not k.endswith(".kv.weight") for k in missing):
        raise ValueError(f"--backbone-from-ablation: the nets differ beyond the prior Linears: missing {missing}, "
                         f"unexpected {unexpected}")
    with torch.no_grad():
        latent = bb.Decoder[0].kv.in_features
        priors = torch.cat([nets["dm"](blur, torch.randn(blur.shape[0], latent)) for blur in batches]).double()
        gram = priors.T @ priors
        ridge = 1e-3 * gram.trace() / latent  # measured: keeps |w| small at no cost in fit (held-out std 0.019)
        w = torch.linalg.solve(gram + ridge * torch.eye(latent, dtype=gram.dtype),
                               priors.T @ torch.ones(len(priors), dtype=gram.dtype))
        for block in bb.Decoder:
            ch = block.kv.out_features // 2
            block.kv.weight.zero_()
            block.kv.weight[:ch] = w.float()
        k = priors @ w
    return float((k - 1).abs().max()), float((k - 1).std())


def parse_phase_values(flag, text, want, convert):
    """'PHASE=V,...' -> {phase: convert(V)}; convert returns None for a bad V; exits naming the bad item."""
    out = {}
    for item in text.split(","):
        k, _, v = item.partition("=")
        value = convert(v)
        if k.strip() not in PHASES or value is None:
            sys.exit(f"{flag}: bad item '{item}' (want PHASE={want}, PHASE one of {', '.join(PHASES)})")
        out[k.strip()] = value
    return out


def positive_float(text):
    try:
        v = float(text)
    except ValueError:
        return None
    return v if v > 0 else None


def phase_iters(cfg, phase):
    it = cfg["iters"]
    return it["ablation"] if phase == "ablation" else it[phase]


def phase_lr(cfg, phase):
    return cfg["lr"][phase]


def make_opt(cfg, nets, phase):
    opt = torch.optim.Adam(phase_params(nets, phase), lr=phase_lr(cfg, phase))
    total = max(1, phase_iters(cfg, phase))
    warm = min(cfg["warmup"], total // 10)
    floor = cfg["lr_min"] / phase_lr(cfg, phase)

    def factor(step):
        if step < warm:
            return (step + 1) / warm
        p = min(1.0, (step - warm) / max(1, total - warm))
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * p))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    return opt, sched


def atomic_save(obj, path):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    os.close(fd)
    try:
        torch.save(obj, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def numpy_state():
    """np.random's state with plain Python values: a pickled ndarray made by NumPy 2 (e.g. on the GPU
    machine) cannot be unpickled by NumPy 1.x (no numpy._core), so checkpoints travel both ways."""
    name, keys, pos, has_gauss, cached = np.random.get_state()
    return (name, [int(k) for k in keys], int(pos), int(has_gauss), float(cached))


def set_numpy_state(st):
    """Restores numpy_state()'s tuple, or np.random.get_state()'s of older checkpoints."""
    np.random.set_state((st[0], np.asarray(st[1], dtype=np.uint32), int(st[2]), int(st[3]), float(st[4])))


def ablation_trained(cfg, phase):
    """Whether the ablation net holds trained (or in-training) weights worth storing and exporting."""
    return (phase in ("ablation", "done") or bool(cfg.get("ablation_done"))) and not cfg.get("ablation_lost")


def save_checkpoint(out, cfg, nets, phase, step, opt, sched, gen, wall, synth_gen=None):
    state = {
        "config": cfg, "phase": phase, "step": step, "wall_seconds": wall,
        # before its phase the ablation net is still its seeded initialisation (build() recreates it): not stored;
        # once trained it is kept through restarted stages (--restart-phase), which never retrain it
        "nets": {k: v.state_dict() for k, v in nets.items() if k != "ablation" or ablation_trained(cfg, phase)},
        "optimizer": opt.state_dict() if opt is not None else None,
        "scheduler": sched.state_dict() if sched is not None else None,
        "rng": {"python": random.getstate(), "torch": torch.get_rng_state(), "data": gen.get_state(),
                "numpy": numpy_state()},
        "torch_version": torch.__version__,
    }
    if synth_gen is not None:  # --online-photos: the on-line synthesiser's generator
        state["rng"]["synth"] = synth_gen.get_state()
    atomic_save(state, os.path.join(out, "checkpoint.pt"))


# --------------------------------------------------------------------------- steps

def train_step(cfg, nets, phase, blur, sharp):
    loss = cfg.get("loss", "charbonnier")
    if phase == "1":
        prior = nets["sharp_encoder"](blur, sharp)
        return image_loss(nets["backbone"](blur, prior), sharp, loss)
    if phase == "2":
        with torch.no_grad():
            target = nets["sharp_encoder"](blur, sharp)
        eps = torch.randn(blur.shape[0], cfg["prior"]["latent"], device=blur.device)
        w = cfg.get("noise_aux", 0.0)
        if not w:
            return charbonnier(nets["dm"](blur, eps), target)
        eps_hats = []
        hook = nets["dm"].noise_model.register_forward_hook(lambda m, i, o: eps_hats.append(o))
        try:
            z0 = nets["dm"](blur, eps)
        finally:
            hook.remove()
        # not in the official code: each step's noise estimate is pulled towards the start noise, which the
        # spec's reading of the sampler says it estimates, so z_0 stops depending on the draw
        return charbonnier(z0, target) + w * torch.stack([((e - eps) ** 2).mean() for e in eps_hats]).mean()
    if phase == "3":
        eps = torch.randn(blur.shape[0], cfg["prior"]["latent"], device=blur.device)
        return image_loss(nets["backbone"](blur, nets["dm"](blur, eps)), sharp, loss)
    return image_loss(nets["ablation"](blur), sharp, loss)


def set_modes(nets, phase):
    for v in nets.values():
        v.eval()
    if phase == "1":
        nets["backbone"].train()
        nets["sharp_encoder"].train()
    elif phase == "2":
        nets["dm"].train()  # sharp encoder stays in eval (frozen BN statistics)
    elif phase == "3":
        nets["backbone"].train()
        nets["dm"].train()
    else:
        nets["ablation"].train()
    for p in nets["sharp_encoder"].parameters():
        p.requires_grad_(phase == "1")


@torch.no_grad()
def val_crop(val, i, crop):
    """Pair i's centre crop (at most crop x crop, sides a multiple of 8) as (blur, sharp), (1,3,H,W) in [-0.5, 0.5]."""
    t = val.load(i)
    h, w = t.shape[1:]
    ch, cw = min(crop, h) // 8 * 8, min(crop, w) // 8 * 8
    y, x = (h - ch) // 2, (w - cw) // 2
    t = t[:, y:y + ch, x:x + cw][None].float() / 255 - 0.5
    return t[:, :3], t[:, 3:]


def validate(cfg, nets, phase, val, count, crop, dev):
    """PSNR (8-bit quantised, centre crops) of the input and of the model; phase decides which model."""
    for v in nets.values():
        v.eval()
    g = torch.Generator().manual_seed(0)
    n = min(count, len(val))
    pin, pout, lat = [], [], []
    for i in range(n):
        blur, sharp = (t.to(dev) for t in val_crop(val, i, crop))
        eps = torch.randn(1, cfg["prior"]["latent"], generator=g).to(dev)
        if phase == "1":
            out = nets["backbone"](blur, nets["sharp_encoder"](blur, sharp))[2]
        elif phase == "ablation":
            out = nets["ablation"](blur)[2]
        else:
            z = nets["dm"](blur, eps)
            if phase == "2":
                lat.append(charbonnier(z, nets["sharp_encoder"](blur, sharp)).item())
            out = nets["backbone"](blur, z)[2]
        pin.append(psnr(quant(blur), quant(sharp)))
        pout.append(psnr(quant(out), quant(sharp)))
    return (float(np.mean(pin)) if pin else float("nan"), float(np.mean(pout)) if pout else float("nan"),
            float(np.mean(lat)) if lat else float("nan"), n)


def append_csv(path, header, row):
    new = not os.path.exists(path)
    with open(path, "a", newline="") as f:
        w = csv.writer(f)
        if new:
            w.writerow(header)
        w.writerow(row)


# --------------------------------------------------------------------------- export (engine format)

def next_phase(cfg, phase):
    """The phase after this one; a restarted stage (--restart-phase) does not redo a finished ablation."""
    i = PHASES.index(phase) + 1
    nxt = PHASES[i] if i < len(PHASES) else "done"
    return "done" if nxt == "ablation" and cfg.get("ablation_done") else nxt


def export(out, cfg, nets, phase, step):
    b, p = cfg["backbone"], cfg["prior"]
    progress = f"phase {phase}, step {step}; iterations planned {json.dumps(cfg['iters'])}"
    w = {f"backbone.{k}": v for k, v in nets["backbone"].state_dict().items()}
    w.update({f"prior.{k}": v for k, v in nets["dm"].state_dict().items()})
    conf = {"backbone": {"name": "mimo_unet", "base_channels": b["base_channels"], "res_blocks": b["res_blocks"],
                         "with_prior": True, "latent": b["latent"]}, "prior": p}
    write_safetensors(os.path.join(out, "blurdm.safetensors"), w,
                      {"architecture": "mimo_unet_blurdm", "config": json.dumps(conf),
                       "generator": "weights/reference/train.py", "training": progress})
    if not ablation_trained(cfg, phase) or (phase == "ablation" and step == 0):
        # the ablation net is still its seeded initialisation (or was lost): nothing worth measuring
        print(f"exported {out}/blurdm.safetensors ({progress}); no trained ablation to export", flush=True)
        return
    wa = {f"backbone.{k}": v for k, v in nets["ablation"].state_dict().items()}
    conf_a = {"backbone": dict(conf["backbone"], with_prior=False)}
    write_safetensors(os.path.join(out, "ablation.safetensors"), wa,
                      {"architecture": "mimo_unet_blurdm", "config": json.dumps(conf_a),
                       "generator": "weights/reference/train.py", "training": progress})
    print(f"exported {out}/blurdm.safetensors and ablation.safetensors ({progress})", flush=True)


# --------------------------------------------------------------------------- main

TERMINATED = [False]  # set by SIGTERM/SIGINT: finish the step, checkpoint, stop (as when out of time)


def _terminate(signum, frame):
    TERMINATED[0] = True


def main():
    import signal
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(HERE, "..", "data", "synth"), help="pairs from prepare_data.py")
    ap.add_argument("--out", required=True, help="run folder (checkpoint, logs, exports)")
    ap.add_argument("--stage", default="all", choices=["all", "1", "2", "3", "ablation"],
                    help="run only this phase (it must be the checkpoint's current phase or later), or all in order")
    ap.add_argument("--resume", action="store_true", help="continue from <out>/checkpoint.pt")
    ap.add_argument("--iters", type=int, default=None, help="iterations of each of stages 1, 2, 3 (new runs)")
    ap.add_argument("--iters1", type=int, default=20000)
    ap.add_argument("--iters2", type=int, default=4000)
    ap.add_argument("--iters3", type=int, default=10000)
    ap.add_argument("--reschedule", default=None, metavar="PHASE=N,...",
                    help="on --resume: new planned iterations per phase, e.g. 1=6000,2=1000,3=2000,ablation=8000; "
                         "the current phase's warm-up/cosine is recomputed for its new length (logged in config)")
    ap.add_argument("--restart-phase", default=None, choices=PHASES[1:],
                    help="on --resume: run this phase again from step 0 with the networks as they are now "
                         "(fresh Adam and schedule), then the phases after it; logged in config")
    ap.add_argument("--backbone-from-ablation", action="store_true",
                    help="with --restart-phase 3: start the backbone from the trained ablation net (modulation set "
                         "to ~identity on the DM's priors) instead of stage 1's backbone; logged in config")
    ap.add_argument("--phase-lr", default=None, metavar="PHASE=LR,...",
                    help="on --resume: new peak learning rate per phase, e.g. ablation=2.5e-4; logged in config")
    ap.add_argument("--rescale-latent", type=float, default=None, metavar="K",
                    help="with --restart-phase 2: scale the latent space by K (sharp encoder x K, decoders' prior "
                         "Linear / K: stage 1's function unchanged) so the DM's fixed start noise is smaller beside "
                         "its target; logged in config")
    ap.add_argument("--grow-res", type=int, default=None, metavar="N",
                    help="with --restart-phase 3 or ablation: N ResBlocks per MIMO stage instead of the run's; the "
                         "added blocks start as the identity (second conv zero), so training continues from the same "
                         "function with more depth; logged in config")
    ap.add_argument("--fresh-dm", action="store_true",
                    help="with --restart-phase 2: start the DM from its seeded initialisation again")
    ap.add_argument("--minutes", type=float, default=None, help="stop cleanly after this wall-clock budget")
    ap.add_argument("--max-steps", type=int, default=None, help="stop after this many steps in this invocation")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--batch", type=int, default=None, help="batch size (default 8; on --resume: the run's)")
    ap.add_argument("--crop", type=int, default=None, help="training crop (default 128; on --resume: the run's)")
    ap.add_argument("--preload", action="store_true", help="keep decoded pairs in memory (GPU runs)")
    ap.add_argument("--online-photos", default=None, metavar="DIR",
                    help="synthesise the training pairs on the device from these photos (torch_synth.py) "
                         "instead of reading <data>/train; validation still uses <data>/val when present")
    ap.add_argument("--online-size", type=int, default=256,
                    help="with --online-photos: size of the synthetic pairs the --crop windows come from "
                         "(rotation centre, object sizes; 256 = the pair set's)")
    ap.add_argument("--online-defocus", type=float, default=0.0, metavar="P",
                    help="with --online-photos: share of pairs with depth-of-field defocus in the scene "
                         "(synth --defocus-probability; synth-mix has 0.25)")
    ap.add_argument("--loss", default=None, choices=["charbonnier", "psnr"],
                    help="image loss of phases 1, 3 and the ablation: the paper's multi-scale Charbonnier + FFT "
                         "(default), or minus the per-image PSNR over the 3 scales (the evaluation's own average; "
                         "not the paper's); on --resume it changes the run's from this step, logged in config")
    ap.add_argument("--noise-aux", type=float, default=None, metavar="W",
                    help="stage 2: add W x mean squared error of every step's noise estimate against the start "
                         "noise (not in the official code; 0 = official; kept in the run's config)")
    ap.add_argument("--base", type=int, default=16, help="backbone base channels")
    ap.add_argument("--res", type=int, default=3, help="ResBlocks per stage")
    ap.add_argument("--latent", type=int, default=64)
    ap.add_argument("--enc-features", type=int, default=32)
    ap.add_argument("--enc-res", type=int, default=2)
    ap.add_argument("--lr", type=float, default=5e-4, help="peak lr of stages 1, 3 (x0.5) and the ablation")
    ap.add_argument("--lr2", type=float, default=5e-4, help="peak lr of stage 2")
    ap.add_argument("--lr-min", type=float, default=1e-6)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--clip", type=float, default=1.0, help="gradient norm clip (0: off)")
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--ckpt-every", type=int, default=250)
    ap.add_argument("--val-every", type=int, default=2000)
    ap.add_argument("--val-count", type=int, default=64)
    ap.add_argument("--val-crop", type=int, default=256)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--export-only", action="store_true")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)
    ckpt_path = os.path.join(a.out, "checkpoint.pt")
    state = None
    if a.resume:
        if not os.path.exists(ckpt_path):
            sys.exit(f"{ckpt_path}: no checkpoint to resume")
        # weights_only=False: the checkpoint holds RNG states (PyTorch >= 2.6 loads weights only by default)
        state = torch.load(ckpt_path, map_location="cpu", weights_only=False)
        cfg = state["config"]
        cfg["data"] = a.data if a.data != ap.get_default("data") else cfg["data"]
        if state["phase"] == "done":
            cfg["ablation_done"] = True  # (checkpoints from before this flag)
    else:
        if os.path.exists(ckpt_path):
            sys.exit(f"{ckpt_path} exists: pass --resume, or choose another --out")
        i1, i2, i3 = (a.iters,) * 3 if a.iters else (a.iters1, a.iters2, a.iters3)
        cfg = {"backbone": {"base_channels": a.base, "res_blocks": a.res, "latent": a.latent},
               "prior": {"encoder_features": a.enc_features, "encoder_res_blocks": a.enc_res, "latent": a.latent,
                         "denoiser_blocks": 5, "steps": 5},
               "iters": {"1": i1, "2": i2, "3": i3, "ablation": i1 + i3},
               "lr": {"1": a.lr, "2": a.lr2, "3": a.lr * 0.5, "ablation": a.lr},
               "lr_min": a.lr_min, "warmup": a.warmup, "clip": a.clip, "batch": 8, "crop": 128,
               "seed": a.seed, "data": os.path.abspath(a.data)}
    if a.restart_phase:
        if state is None:
            sys.exit("--restart-phase needs --resume")
        cfg.setdefault("restarts", []).append(
            {"phase": a.restart_phase, "from_phase": state["phase"], "from_step": state["step"]})
        state["phase"], state["step"], state["optimizer"], state["scheduler"] = a.restart_phase, 0, None, None
    if (a.rescale_latent is not None or a.fresh_dm) and a.restart_phase != "2":
        sys.exit("--rescale-latent and --fresh-dm need --restart-phase 2 (the DM must learn the new target)")
    if a.reschedule:
        if state is None:
            sys.exit("--reschedule needs --resume (a new run takes --iters1/--iters2/--iters3)")
        iters = parse_phase_values("--reschedule", a.reschedule, "N",
                                   lambda v: int(v) if v.strip().isdigit() and int(v) >= 1 else None)
        for k, v in iters.items():
            if k == state["phase"] and v < state["step"]:
                sys.exit(f"--reschedule: phase {k} is already at step {state['step']} (> {v})")
        cfg["iters"] = dict(cfg["iters"], **iters)
        cfg.setdefault("reschedules", []).append(
            {"phase": state["phase"], "step": state["step"], "iters": dict(cfg["iters"])})
    grown_from = None
    if a.grow_res is not None:
        if a.restart_phase not in ("3", "ablation"):
            sys.exit("--grow-res needs --restart-phase 3 or ablation (fresh Adam state for the new shapes)")
        grown_from = cfg["backbone"]["res_blocks"]
        if a.grow_res <= grown_from:
            sys.exit(f"--grow-res: {a.grow_res} ResBlocks per stage is not more than the run's {grown_from}")
        cfg["backbone"] = dict(cfg["backbone"], res_blocks=a.grow_res)
        cfg["restarts"][-1]["grow_res"] = {"from": grown_from, "to": a.grow_res}
    if a.backbone_from_ablation and a.restart_phase != "3":
        sys.exit("--backbone-from-ablation needs --restart-phase 3")
    if a.phase_lr:
        if state is None:
            sys.exit("--phase-lr needs --resume (a new run takes --lr/--lr2)")
        cfg["lr"] = dict(cfg["lr"], **parse_phase_values("--phase-lr", a.phase_lr, "LR > 0", positive_float))
        cfg.setdefault("lr_changes", []).append({"phase": state["phase"], "step": state["step"], "lr": dict(cfg["lr"])})
    if a.noise_aux is not None:
        cfg["noise_aux"] = a.noise_aux
    if a.loss and a.loss != cfg.get("loss", "charbonnier"):
        if state is not None:
            cfg.setdefault("loss_changes", []).append({"phase": state["phase"], "step": state["step"], "loss": a.loss})
        cfg["loss"] = a.loss
    if a.batch:
        cfg["batch"] = a.batch
    if a.crop:
        cfg["crop"] = a.crop
    nets = build(cfg)
    dev = torch.device(a.device)
    phase, step, wall = "1", 0, 0.0
    gen = torch.Generator().manual_seed(cfg["seed"] + 1)
    random.seed(cfg["seed"])
    np.random.seed(cfg["seed"] % 2 ** 32)
    if state is not None:
        load_stored(nets, state["nets"], grown_from)
        if ablation_trained(cfg, state["phase"]) and "ablation" not in state["nets"]:
            # checkpoints of a restarted stage written before the ablation was kept through restarts
            print(f"warning: {ckpt_path} lacks the trained ablation net: ablation.safetensors will not be "
                  f"exported from this run", file=sys.stderr, flush=True)
            cfg["ablation_lost"] = True
        phase, step, wall = state["phase"], state["step"], state["wall_seconds"]
        if a.fresh_dm:
            nets["dm"] = build(cfg)["dm"]
            cfg["restarts"][-1]["fresh_dm"] = True
        if a.rescale_latent is not None:
            rescale_latent(nets, a.rescale_latent)
            cfg["restarts"][-1]["rescale_latent"] = a.rescale_latent
            cfg["latent_scale"] = cfg.get("latent_scale", 1.0) * a.rescale_latent
        if a.backbone_from_ablation:
            if not ablation_trained(cfg, state["phase"]) or "ablation" not in state["nets"]:
                sys.exit(f"--backbone-from-ablation: {ckpt_path} holds no trained ablation net")
            fit = torch.Generator().manual_seed(cfg["seed"] + 7)
            fit_set = PairSet(cfg["data"], "train")
            batches = [fit_set.batch(cfg["batch"], cfg["crop"], fit)[0] for _ in range(32)]
            dev_max, dev_std = backbone_from_ablation(nets, batches)
            print(f"backbone from the ablation net: modulation k - 1 on {32 * cfg['batch']} training crops: "
                  f"max |.| {dev_max:.2e}, std {dev_std:.2e}", flush=True)
            cfg["restarts"][-1]["backbone_from_ablation"] = {"k_dev_max": dev_max, "k_dev_std": dev_std}
        random.setstate(state["rng"]["python"])
        torch.set_rng_state(state["rng"]["torch"])
        set_numpy_state(state["rng"]["numpy"])
        gen.set_state(state["rng"]["data"])
    synth_gen = None
    if a.online_photos:
        synth_gen = torch.Generator()
        if state is not None and "synth" in state["rng"]:
            synth_gen.set_state(state["rng"]["synth"])
        else:
            # a new run, or a checkpoint made without --online-photos: seeded by the run's seed and position
            key = f"online/{cfg['seed']}/{phase}/{step}".encode()
            synth_gen.manual_seed(int.from_bytes(hashlib.sha256(key).digest()[:8], "big") >> 1)
    for v in nets.values():
        v.to(dev)
    if a.export_only:
        export(a.out, cfg, {k: v.cpu() for k, v in nets.items()}, phase, step)
        return
    if phase == "done":
        print("all phases done", flush=True)
        export(a.out, cfg, nets, phase, step)
        return
    val_set = PairSet(cfg["data"], "val")
    if a.online_photos:
        import torch_synth
        train_set = torch_synth.PhotoSynth.from_folder(
            a.online_photos, torch_synth.Settings(width=a.online_size, height=a.online_size,
                                                  defocus_probability=a.online_defocus), dev)
        print(f"on-line pairs: {len(train_set.photos)} photos from {a.online_photos}, {a.online_size}x"
              f"{a.online_size} synthetic pairs on {dev}, {cfg['crop']}x{cfg['crop']} crops", flush=True)
        if cfg["crop"] > a.online_size:
            sys.exit(f"--crop {cfg['crop']} is larger than --online-size {a.online_size}")
        cfg.setdefault("online", []).append({"phase": phase, "step": step, "photos": os.path.abspath(a.online_photos),
                                             "count": len(train_set.photos), "size": a.online_size,
                                             "defocus": a.online_defocus})
        if len(val_set) == 0:
            print(f"validation skipped: no pairs in {cfg['data']}/val (pass --data with a val/ split to validate)",
                  flush=True)
    else:
        train_set = PairSet(cfg["data"], "train", a.preload)
        if len(train_set) == 0:
            sys.exit(f"{cfg['data']}/train/input: no pairs")
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)

    start = time.time()
    done_here = 0
    todo = PHASES if a.stage == "all" else [a.stage]
    if a.stage != "all" and PHASES.index(a.stage) < PHASES.index(phase):
        sys.exit(f"checkpoint is at phase {phase}; phase {a.stage} is finished")
    if a.stage != "all" and a.stage != phase:
        # jumping ahead: the phases in between are skipped with what they have now
        phase, step = a.stage, 0
        state = None
    opt = sched = None
    stop = False
    while phase in todo and not stop:
        set_modes(nets, phase)
        opt, sched = make_opt(cfg, nets, phase)
        if state is not None and state["phase"] == phase and state["optimizer"] is not None and step > 0:
            opt.load_state_dict(state["optimizer"])
            sched.load_state_dict(state["scheduler"])
        state = None
        total = phase_iters(cfg, phase)
        params = phase_params(nets, phase)
        t_log, s_log, loss_acc = time.time(), 0, 0.0
        print(f"phase {phase}: step {step}/{total}, lr {sched.get_last_lr()[0]:.3g}", flush=True)
        while step < total:
            blur, sharp = train_set.batch(cfg["batch"], cfg["crop"], synth_gen if a.online_photos else gen)
            blur, sharp = blur.to(dev), sharp.to(dev)
            loss = train_step(cfg, nets, phase, blur, sharp)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if cfg["clip"] > 0:
                torch.nn.utils.clip_grad_norm_(params, cfg["clip"])
            opt.step()
            sched.step()
            step += 1
            done_here += 1
            loss_acc += loss.item()
            s_log += 1
            if step % a.log_every == 0 or step == total:
                dt = time.time() - t_log
                row = [phase, step, f"{loss_acc / s_log:.6f}", f"{sched.get_last_lr()[0]:.3e}",
                       f"{s_log / dt:.3f}", f"{wall + time.time() - start:.0f}"]
                append_csv(os.path.join(a.out, "train.csv"), ["phase", "step", "loss", "lr", "it_per_s", "wall_s"], row)
                print("train", " ".join(map(str, row)), flush=True)
                t_log, s_log, loss_acc = time.time(), 0, 0.0
            out_of_time = (a.minutes is not None and time.time() - start > a.minutes * 60) or TERMINATED[0]
            out_of_steps = a.max_steps is not None and done_here >= a.max_steps
            if (step % a.val_every == 0 or step == total) and not (a.online_photos and len(val_set) == 0):
                pin, pout, lat, n = validate(cfg, nets, phase, val_set, a.val_count, a.val_crop, dev)
                append_csv(os.path.join(a.out, "val.csv"),
                           ["phase", "step", "psnr_input", "psnr_model", "latent_loss", "images", "wall_s"],
                           [phase, step, f"{pin:.3f}", f"{pout:.3f}", f"{lat:.5f}", n,
                            f"{wall + time.time() - start:.0f}"])
                print(f"val phase {phase} step {step}: input {pin:.2f} dB, model {pout:.2f} dB"
                      + (f", latent loss {lat:.4f}" if lat == lat else ""), flush=True)
                set_modes(nets, phase)
            if step % a.ckpt_every == 0 or step == total or out_of_time or out_of_steps:
                nxt_phase, nxt_step = phase, step
                if step == total:
                    if phase == "ablation":
                        cfg["ablation_done"] = True
                    nxt_phase, nxt_step = next_phase(cfg, phase), 0
                save_checkpoint(a.out, cfg, nets, nxt_phase, nxt_step,
                                opt if nxt_phase == phase else None, sched if nxt_phase == phase else None,
                                gen, wall + time.time() - start, synth_gen)
                if nxt_phase != phase:
                    export(a.out, cfg, nets, nxt_phase, nxt_step)
            if out_of_time or out_of_steps:
                stop = True
                break
        if not stop:
            phase, step = next_phase(cfg, phase), 0
    if stop:
        print(f"stopped at phase {phase} step {step} (budget); resume with --resume", flush=True)
    else:
        print(f"finished; next phase {phase}", flush=True)


if __name__ == "__main__":
    main()
