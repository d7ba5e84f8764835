#!/usr/bin/env bash
# Measures a training run's exports on the validation pairs with the engine itself (T1 item 5):
# PSNR/SSIM of the blurred input, of the backbone alone (ablation.safetensors) and of backbone +
# BlurDM (blurdm.safetensors), each as `bin/blurdm eval` computes them (spec section 9), plus the
# before/after of skimage's real motion-blurred samples/clock_motion.png. Builds nothing: run
# `mvn -B -q -DskipTests package` first.
#
#   weights/reference/evaluate.sh RUN_DIR [VAL_DIR] [OUT_DIR]
#     RUN_DIR  a train.py run folder holding blurdm.safetensors and ablation.safetensors
#     VAL_DIR  default weights/data/synth/val (input/ and target/)
#     OUT_DIR  default RUN_DIR/eval: deblurred images, eval-*.json/csv, summary.txt
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
run="${1:?usage: evaluate.sh RUN_DIR [VAL_DIR] [OUT_DIR]}"
val="${2:-$root/weights/data/synth/val}"
out="${3:-$run/eval}"
blurdm="$root/bin/blurdm"
mkdir -p "$out"

"$blurdm" eval --pred "$val/input" --gt "$val/target" --json "$out/eval-input.json" --csv "$out/eval-input.csv" \
  > "$out/eval-input.txt"
for model in ablation blurdm; do
  if [[ ! -f "$run/$model.safetensors" ]]; then
    echo "evaluate.sh: $run/$model.safetensors missing: left out" >&2
    continue
  fi
  "$blurdm" deblur --weights "$run/$model.safetensors" --backend cpu --progress lines --out "$out/$model" \
    "$val/input" > "$out/deblur-$model.log"
  "$blurdm" eval --pred "$out/$model" --gt "$val/target" --json "$out/eval-$model.json" --csv "$out/eval-$model.csv" \
    > "$out/eval-$model.txt"
done

if [[ -f "$run/blurdm.safetensors" ]]; then
  "$blurdm" deblur --weights "$run/blurdm.safetensors" --backend cpu --progress none --out "$out/clock" \
    "$root/samples/clock_motion.png"
fi

/usr/bin/python3 - "$out" "$val/../pairs.csv" <<'PY' | tee "$out/summary.txt"
import csv, json, os, sys
from collections import defaultdict
out, pairs_csv = sys.argv[1], sys.argv[2]
rows = []
got = {}
for name, label in (("input", "blurred input"), ("ablation", "backbone alone"), ("blurdm", "backbone + BlurDM")):
    path = os.path.join(out, "eval-%s.json" % name)
    if not os.path.exists(path):
        continue
    with open(path) as f:
        doc = json.load(f)
    got[name] = float(doc["mean"]["psnr"])
    rows.append((label, float(doc["mean"]["psnr"]), float(doc["mean"]["ssim"]), int(doc["count"])))
print("%-20s %10s %8s %10s %6s" % ("", "PSNR (dB)", "SSIM", "gain (dB)", "pairs"))
for label, p, s, n in rows:
    print("%-20s %10.3f %8.4f %+10.3f %6d" % (label, p, s, p - rows[0][1], n))
if "ablation" in got and "blurdm" in got:
    print("prior's gain over the backbone alone: %+.3f dB" % (got["blurdm"] - got["ablation"]))
else:
    print("prior's gain over the backbone alone: not measured (no ablation.safetensors)")

# per source photo (pairs.csv of the pair set, validation rows): mean PSNR of each result
if os.path.exists(pairs_csv):
    photo = {r["file"]: r["photo"] for r in csv.DictReader(open(pairs_csv, newline="")) if r["split"] == "val"}
    per = {}
    for name in ("input", "ablation", "blurdm"):
        path = os.path.join(out, "eval-%s.csv" % name)
        if os.path.exists(path):
            acc = defaultdict(list)
            for r in csv.DictReader(open(path, newline="")):
                acc[photo.get(r["name"], "?")].append(float(r["psnr"]))
            per[name] = {k: sum(v) / len(v) for k, v in acc.items()}
    if "input" in per:
        cols = [n for n in ("ablation", "blurdm") if n in per]
        print()
        print("%-26s %6s %8s" % ("per photo (mean PSNR)", "pairs", "input") + "".join(" %+9s" % c for c in cols))
        counts = defaultdict(int)
        for k in photo.values():
            counts[k] += 1
        for k in sorted(per["input"]):
            print("%-26s %6d %8.2f" % (k, counts[k], per["input"][k])
                  + "".join(" %+9.2f" % (per[c].get(k, float("nan")) - per["input"][k]) for c in cols))
PY
