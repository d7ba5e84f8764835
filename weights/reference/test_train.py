"""Checks of train.py's run surgery (/usr/bin/python3 weights/reference/test_train.py; exit 1 on failure).

rescale_latent must leave stage 1's function (backbone(blur, sharp_encoder(blur, sharp))) unchanged while
the latent itself is multiplied by k; seeded random networks and inputs, never zeros. A trained ablation net
must survive a restarted stage (--restart-phase) in the checkpoint and the export, and a checkpoint that lost
it must not export the seeded initialisation as if it were trained. --backbone-from-ablation must start the prior
backbone as a copy of the ablation net whose modulation is ~identity on the DM's priors."""
import os
import subprocess
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train  # noqa: E402
from safetensors_io import read_safetensors  # noqa: E402


def rel_l2(a, b):
    return ((a - b).norm() / b.norm()).item()


def check_rescale(k):
    cfg = {"backbone": {"base_channels": 8, "res_blocks": 1, "latent": 16},
           "prior": {"encoder_features": 8, "encoder_res_blocks": 1, "latent": 16, "denoiser_blocks": 5, "steps": 5},
           "seed": 7}
    nets = train.build(cfg)
    g = torch.Generator().manual_seed(11)
    with torch.no_grad():  # make the prior matter: default init leaves the modulation near zero
        for block in nets["backbone"].Decoder:
            block.kv.weight.copy_(torch.randn(block.kv.weight.shape, generator=g) * 0.5)
    blur = torch.rand(2, 3, 32, 32, generator=g) - 0.5
    sharp = torch.rand(2, 3, 32, 32, generator=g) - 0.5
    for v in nets.values():
        v.eval()
    with torch.no_grad():
        z = nets["sharp_encoder"](blur, sharp)
        mods = [block.kv(z) for block in nets["backbone"].Decoder]
        out = nets["backbone"](blur, z)[2] - blur  # the residual: the global skip would hide changes
        train.rescale_latent(nets, k)
        z2 = nets["sharp_encoder"](blur, sharp)
        out2 = nets["backbone"](blur, z2)[2] - blur
        mods2 = [block.kv(z2) for block in nets["backbone"].Decoder]
    errors = []
    if z.abs().mean() < 1e-4 or rel_l2(z2, z * k) > 1e-5:
        errors.append(f"k={k}: latent not scaled by k (rel-L2 {rel_l2(z2, z * k):.2e})")
    for i, (m, m2) in enumerate(zip(mods, mods2)):
        if rel_l2(m2, m) > 1e-5:
            errors.append(f"k={k}: Decoder.{i} modulation changed (rel-L2 {rel_l2(m2, m):.2e})")
    if rel_l2(out2, out) > 1e-5:
        errors.append(f"k={k}: stage-1 output changed (rel-L2 {rel_l2(out2, out):.2e})")
    with torch.no_grad():  # the check can fail: a wrong factor on the decoders changes the output
        nets["backbone"].Decoder[2].kv.weight.mul_(2.0)
        out3 = nets["backbone"](blur, z2)[2] - blur
    if rel_l2(out3, out) < 1e-4:
        errors.append(f"k={k}: output insensitive to the prior Linear; the check proves nothing")
    return errors


TINY = {"backbone": {"base_channels": 8, "res_blocks": 1, "latent": 16},
        "prior": {"encoder_features": 8, "encoder_res_blocks": 1, "latent": 16, "denoiser_blocks": 5, "steps": 5},
        "iters": {"1": 10, "2": 10, "3": 10, "ablation": 20}, "seed": 5, "data": "(unused)"}


def check_ablation_kept():
    errors = []
    cfg = dict(TINY, ablation_done=True)
    nets = train.build(cfg)
    g = torch.Generator().manual_seed(3)
    with torch.no_grad():  # "trained": unlike build()'s seeded initialisation
        for p in nets["ablation"].parameters():
            p.add_(torch.randn(p.shape, generator=g))
    trained = {k: v.clone() for k, v in nets["ablation"].state_dict().items()}
    with tempfile.TemporaryDirectory() as d:
        train.save_checkpoint(d, cfg, nets, "3", 4, None, None, torch.Generator().manual_seed(1), 1.0)
        state = torch.load(os.path.join(d, "checkpoint.pt"), map_location="cpu", weights_only=False)
        if "ablation" not in state["nets"]:
            errors.append("restarted stage 3 after a finished ablation: checkpoint dropped the ablation net")
        elif any(not torch.equal(state["nets"]["ablation"][k], v) for k, v in trained.items()):
            errors.append("checkpoint's ablation net differs from the trained one")
        train.export(d, cfg, nets, "3", 4)
        path = os.path.join(d, "ablation.safetensors")
        if not os.path.exists(path):
            errors.append("restarted stage 3: the trained ablation was not exported")
        else:
            got, _ = read_safetensors(path)
            want = {f"backbone.{k}": v for k, v in trained.items()}
            if got.keys() != want.keys() or any(not torch.equal(got[k], want[k]) for k in want):
                errors.append("exported ablation differs from the trained net")
        # a checkpoint written before the fix: ablation finished, then a restart dropped the net
        state["nets"].pop("ablation", None)
        train.atomic_save(state, os.path.join(d, "checkpoint.pt"))
        if os.path.exists(path):
            os.remove(path)
        r = subprocess.run([sys.executable, os.path.join(HERE, "train.py"), "--out", d, "--resume", "--export-only"],
                           capture_output=True, text=True)
        if r.returncode != 0 or "lacks the trained ablation" not in r.stderr:
            errors.append(f"lost ablation: no warning (rc {r.returncode}): {r.stderr.strip()[-300:]}")
        if os.path.exists(path):
            errors.append("lost ablation: the seeded initialisation was exported as ablation.safetensors")
    cfg = dict(TINY)  # before the ablation phase: its net is not stored
    with tempfile.TemporaryDirectory() as d:
        train.save_checkpoint(d, cfg, train.build(cfg), "1", 2, None, None, torch.Generator().manual_seed(1), 1.0)
        if "ablation" in torch.load(os.path.join(d, "checkpoint.pt"), weights_only=False)["nets"]:
            errors.append("stage 1: the untrained ablation net was stored")
    return errors


def check_backbone_from_ablation():
    """The prior backbone started from the ablation net computes what the ablation net computes on the DM's
    priors (shared weights copied exactly, modulation k ~ 1 and v = 0), and a net of another shape is refused."""
    errors = []
    nets = train.build(TINY)
    g = torch.Generator().manual_seed(13)
    with torch.no_grad():  # "trained": far from build()'s initialisation, which both nets share
        for p in nets["ablation"].parameters():
            p.add_(torch.randn(p.shape, generator=g) * 0.1)
    for v in nets.values():
        v.eval()
    batches = [torch.rand(2, 3, 32, 32, generator=g) - 0.5 for _ in range(3)]
    torch.manual_seed(17)
    dev_max, dev_std = train.backbone_from_ablation(nets, batches)
    ab = nets["ablation"].state_dict()
    for k, v in nets["backbone"].state_dict().items():
        if k.endswith(".kv.weight"):
            ch = v.shape[0] // 2
            if v[ch:].abs().max() != 0 or v[:ch].abs().max() == 0:
                errors.append(f"{k}: want [k | v] = [w | 0], got |k| {v[:ch].abs().max():.2e}, |v| {v[ch:].abs().max():.2e}")
        elif not torch.equal(v, ab[k]):
            errors.append(f"{k}: not copied from the ablation net")
    if not dev_max < 0.05:
        errors.append(f"modulation k strays from 1 by {dev_max:.3f} on the fitted priors (6 priors, latent 16)")
    with torch.no_grad():
        blur = batches[0]
        torch.manual_seed(17)  # the first prior draw the fit saw
        prior = nets["dm"](blur, torch.randn(2, 16))
        want = nets["ablation"](blur)[2] - blur
        got = nets["backbone"](blur, prior)[2] - blur
        nets["backbone"].Decoder[1].kv.weight.mul_(1.5)  # the check can fail: the modulation reaches the output
        off = nets["backbone"](blur, prior)[2] - blur
    print(f"backbone from ablation: k - 1 max {dev_max:.2e}, residual rel-L2 {rel_l2(got, want):.2e}")
    if want.abs().mean() < 1e-4 or rel_l2(got, want) > 0.05:
        errors.append(f"started backbone's residual differs from the ablation's: rel-L2 {rel_l2(got, want):.2e}")
    if rel_l2(off, want) < 2 * rel_l2(got, want):
        errors.append("output insensitive to the fitted modulation; the check proves nothing")
    other = train.build(dict(TINY, backbone={"base_channels": 4, "res_blocks": 1, "latent": 16}))
    nets["ablation"] = other["ablation"]
    try:
        train.backbone_from_ablation(nets, batches)
        errors.append("an ablation net of another width was accepted")
    except (ValueError, RuntimeError):
        pass
    return errors


def check_merge_ablation():
    """merge_ablation.py: run B's ablation net replaces run A's; everything else stays A's; unfinished refused."""
    errors = []
    cfg = dict(TINY, ablation_done=True)
    runs = {}
    with tempfile.TemporaryDirectory() as d:
        for name, seed in (("a", 21), ("b", 22)):
            nets = train.build(cfg)
            g = torch.Generator().manual_seed(seed)
            with torch.no_grad():
                for net in nets.values():
                    for p in net.parameters():
                        p.add_(torch.randn(p.shape, generator=g) * 0.1)
            os.makedirs(os.path.join(d, name))
            train.save_checkpoint(os.path.join(d, name), cfg, nets, "done", 0, None, None,
                                  torch.Generator().manual_seed(1), 1.0)
            runs[name] = {k: {n: t.clone() for n, t in v.state_dict().items()} for k, v in nets.items()}
        merge = [sys.executable, os.path.join(HERE, "merge_ablation.py"), "--into", os.path.join(d, "a"),
                 "--from", os.path.join(d, "b"), "--out", os.path.join(d, "c")]
        r = subprocess.run(merge, capture_output=True, text=True)
        if r.returncode != 0:
            return [f"merge_ablation.py failed (rc {r.returncode}): {r.stderr.strip()[-300:]}"]
        got = torch.load(os.path.join(d, "c", "checkpoint.pt"), weights_only=False)["nets"]
        for k in runs["a"]:
            want = runs["b" if k == "ablation" else "a"][k]
            if any(not torch.equal(got[k][n], t) for n, t in want.items()):
                errors.append(f"merged checkpoint: {k} is not run {'b' if k == 'ablation' else 'a'}'s")
        exported, _ = read_safetensors(os.path.join(d, "c", "ablation.safetensors"))
        if any(not torch.equal(exported[f"backbone.{n}"], t) for n, t in runs["b"]["ablation"].items()):
            errors.append("merged export: ablation.safetensors is not run b's ablation net")
        state = torch.load(os.path.join(d, "b", "checkpoint.pt"), weights_only=False)
        state["phase"] = "ablation"
        train.atomic_save(state, os.path.join(d, "b", "checkpoint.pt"))
        r = subprocess.run(merge[:-2] + ["--out", os.path.join(d, "e")], capture_output=True, text=True)
        if r.returncode == 0 or "not done" not in r.stderr or os.path.exists(os.path.join(d, "e", "checkpoint.pt")):
            errors.append(f"an unfinished run was merged (rc {r.returncode}): {r.stderr.strip()[-200:]}")
    return errors


def check_grow_res():
    """--grow-res: the net with added identity blocks computes what the stored one did, the stored weights are
    kept, each added block's second conv is zero (and the first is not), and a net of another width is refused."""
    errors = []
    small = train.build(TINY)
    g = torch.Generator().manual_seed(29)
    with torch.no_grad():  # "trained"
        for k in ("backbone", "ablation"):
            for p in small[k].parameters():
                p.add_(torch.randn(p.shape, generator=g) * 0.1)
    stored = {k: small[k].state_dict() for k in ("backbone", "ablation")}
    big = train.build(dict(TINY, backbone=dict(TINY["backbone"], res_blocks=3)))
    train.load_stored(big, stored, grown_from=1)
    for net in list(small.values()) + list(big.values()):
        net.eval()  # Dropout2d
    blur = torch.rand(2, 3, 32, 32, generator=g) - 0.5
    prior = torch.randn(2, 16, generator=g)
    with torch.no_grad():
        for k in ("backbone", "ablation"):
            args = (blur, prior) if k == "backbone" else (blur,)
            want = small[k](*args)[2] - blur
            got = big[k](*args)[2] - blur
            if want.abs().mean() < 1e-4 or rel_l2(got, want) > 1e-6:
                errors.append(f"grown {k}: output differs from the stored net's (rel-L2 {rel_l2(got, want):.2e})")
            state = big[k].state_dict()
            if any(not torch.equal(state[n], t) for n, t in stored[k].items()):
                errors.append(f"grown {k}: a stored weight changed")
            for stage in list(big[k].Encoder) + list(big[k].Decoder):
                for block in stage.layers[1:]:
                    if block.main[1].main[0].weight.abs().max() != 0 or block.main[0].main[0].weight.abs().max() == 0:
                        errors.append(f"grown {k}: an added block is not (random conv, zero conv)")
            big[k].Encoder[1].layers[2].main[1].main[0].weight.add_(0.1)  # the check can fail: added blocks count
            if rel_l2(big[k](*args)[2] - blur, want) < 1e-4:
                errors.append(f"grown {k}: output insensitive to an added block; the check proves nothing")
    wide = train.build(dict(TINY, backbone={"base_channels": 4, "res_blocks": 3, "latent": 16}))
    try:
        train.load_stored(wide, stored, grown_from=1)
        errors.append("--grow-res: a stored net of another width was accepted")
    except (ValueError, RuntimeError):
        pass
    return errors


def check_psnr_loss():
    """--loss psnr: PSNR_LOSS_WEIGHT x minus the mean per-image PSNR (peak 1) of each clamped MIMO output against
    the target at its scale, summed over the 3 scales; computed here image by image with numpy."""
    import numpy as np
    import torch.nn.functional as F
    errors = []
    g = torch.Generator().manual_seed(31)
    sharp = torch.rand(3, 3, 32, 32, generator=g) - 0.5
    scales = [F.interpolate(sharp, scale_factor=f, mode="bilinear", align_corners=False) for f in (0.25, 0.5)]
    scales.append(sharp)
    # one image of the batch much closer than the others: per-image PSNR differs from the batch MSE's PSNR
    outs = [s + torch.randn(s.shape, generator=g) * torch.tensor([0.01, 0.1, 0.3]).view(3, 1, 1, 1) for s in scales]
    outs[2][0, 0, 0, 0] = 0.9  # clamped to 0.5 first
    want = 0.0
    for o, s in zip(outs, scales):
        o, s = np.clip(o.numpy().astype(np.float64), -0.5, 0.5), s.numpy().astype(np.float64)
        want -= np.mean([10 * np.log10(1 / np.mean((o[i] - s[i]) ** 2)) for i in range(o.shape[0])])
    want *= train.PSNR_LOSS_WEIGHT
    got = train.image_loss(outs, sharp, "psnr").item()
    if abs(got - want) > 1e-5 * abs(want):
        errors.append(f"psnr loss {got:.7f}, want {want:.7f}")
    try:
        train.image_loss(outs, sharp, "l3")
        errors.append("an unknown image loss was accepted")
    except ValueError:
        pass
    return errors


def main():
    errors = (check_ablation_kept() + check_backbone_from_ablation() + check_merge_ablation()
              + check_grow_res() + check_psnr_loss())
    for k in (0.5, 10.0, 25.0):
        errors += check_rescale(k)
    try:
        train.rescale_latent(train.build({"backbone": {"base_channels": 8, "res_blocks": 1, "latent": 16},
                                          "prior": {"encoder_features": 8, "encoder_res_blocks": 1, "latent": 16,
                                                    "denoiser_blocks": 5, "steps": 5}, "seed": 1}), 0.0)
        errors.append("k=0 accepted")
    except ValueError:
        pass
    for e in errors:
        print("FAIL", e)
    print("ok" if not errors else f"{len(errors)} failure(s)")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
