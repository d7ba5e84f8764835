"""Checks the reference's state_dict keys, shapes and dtypes against ../shared/design/keys/*.tsv (or, on a
checkout without ../shared beside it, the copies committed in blurdm/src/test/resources/keys/).

Run: /usr/bin/python3 weights/reference/test_reference_keys.py  (exit code 1 on any difference)
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blurdm_reference as ref  # noqa: E402
import fftformer_reference as fft  # noqa: E402
import loformer_reference as loformer  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
KEYS_DIRS = [os.path.join(ROOT, "..", "shared", "design", "keys"),
             os.path.join(ROOT, "blurdm", "src", "test", "resources", "keys")]
KEYS = next((d for d in KEYS_DIRS if os.path.isdir(d)), KEYS_DIRS[-1])


def read_tsv(name):
    rows = {}
    with open(os.path.join(KEYS, name)) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            key, shape, dtype = line.rstrip("\n").split("\t")
            dims = tuple(int(d) for d in shape.strip("()").split(",") if d.strip())
            rows[key] = (dims, dtype)
    return rows


def compare(label, model, tsv, drop=None):
    want = read_tsv(tsv)
    if drop:
        want = {k: v for k, v in want.items() if not drop(k)}
    got = {k: (tuple(v.shape), str(v.dtype).replace("torch.", "")) for k, v in model.state_dict().items()}
    problems = []
    for k in want:
        if k not in got:
            problems.append(f"missing {k}")
        elif got[k] != want[k]:
            problems.append(f"{k}: expected {want[k]}, found {got[k]}")
    problems += [f"unexpected {k}" for k in got if k not in want]
    print(f"{label}: {len(got)} keys, {len(problems)} problems")
    for p in problems[:20]:
        print("  " + p)
    return not problems


def main():
    ok = compare("MIMO-UNet+ with prior", ref.mimo_unet_plus_prior(), "mimo_unet_plus_prior.tsv")
    ok &= compare("LatentExposureDiffusion", ref.LatentExposureDiffusion(), "latent_exposure_diffusion.tsv")
    ok &= compare("sharp encoder (BN)", ref.LatentEncoder(bn=True), "sharp_encoder_stage1_bn.tsv")
    ok &= compare("FFTformer with prior", fft.FFTformer(), "fftformer_prior.tsv")
    # the original release (kkkls/FFTformer's fftformer_GoPro.pth): the same names without the 28 kv layers
    original = fft.FFTformer(latent=None)
    ok &= compare("FFTformer original", original, "fftformer_prior.tsv", drop=lambda k: k.endswith(".kv.weight"))
    counts = (sum(p.numel() for p in fft.FFTformer().parameters()), sum(p.numel() for p in original.parameters()))
    counts_ok = counts == (18280794, 16560474) and len(original.state_dict()) == 535
    print(f"FFTformer parameters {counts}, original tensors {len(original.state_dict())}: "
          f"{'ok' if counts_ok else 'expected (18280794, 16560474) and 535'}")
    ok &= counts_ok
    ok &= compare("LoFormer-S with prior", loformer.LoFormer(), "loformer_s_prior.tsv")
    dm = ref.LatentExposureDiffusion()
    want_bars = [0.0, 0.0606091581, 0.102316909, 0.141857177, 0.180277556]
    bars_ok = all(abs(a - b) < 1e-8 for a, b in zip(dm.betas_bar.tolist(), want_bars))
    coef = [float(dm.coefficient(t)) for t in (5, 4, 3, 2, 1)]
    want_coef = [0.0584512204, 0.0572723970, 0.0563244633, 0.0707106814, 0.0]
    coef_ok = all(abs(a - b) < 1e-8 for a, b in zip(coef, want_coef))
    print(f"schedules: betas_bar {'ok' if bars_ok else dm.betas_bar.tolist()}, c_t {'ok' if coef_ok else coef}")
    sys.exit(0 if ok and bars_ok and coef_ok else 1)


if __name__ == "__main__":
    main()
