#!/usr/bin/env bash
# Ships a finished train.py run as the engine's default model: copies its exports into weights/models/,
# its checkpoint, config and logs into weights/checkpoints/small/, regenerates the shipped-model parity
# fixture (make_shipped_fixture.py) and the README's before/after figures, and prints the astronaut
# sample's PSNR/SSIM. Builds nothing: run `mvn -B -q -DskipTests package` first. The model card
# (weights/models/README.md) and the numbers in README.md are written by hand afterwards.
#
#   weights/reference/ship.sh [--keep-ablation] RUN_DIR
#     RUN_DIR          a train.py run folder at phase `done` holding blurdm.safetensors, ablation.safetensors,
#                      checkpoint.pt, config.json, train.csv and val.csv
#     --keep-ablation  leave the shipped mimo-small-noprior.safetensors as it is (a run that trained only
#                      stage 3 re-exports the same ablation net under a new `training` note, so a new SHA-256)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
keep_ablation=0
if [[ "${1:-}" == --keep-ablation ]]; then
  keep_ablation=1
  shift
fi
run="${1:?usage: ship.sh [--keep-ablation] RUN_DIR}"
for f in blurdm.safetensors ablation.safetensors checkpoint.pt config.json train.csv val.csv; do
  [[ -f "$run/$f" ]] || { echo "ship.sh: $run/$f missing: is the run finished and exported?" >&2; exit 1; }
done
py=/usr/bin/python3
phase="$("$py" -c 'import sys, torch; print(torch.load(sys.argv[1], map_location="cpu", weights_only=False)["phase"])' \
  "$run/checkpoint.pt")"
[[ "$phase" == done ]] || { echo "ship.sh: $run/checkpoint.pt is at phase $phase, not done" >&2; exit 1; }

cp "$run/blurdm.safetensors" "$root/weights/models/blurdm-mimo-small.safetensors"
if ((keep_ablation == 0)); then
  cp "$run/ablation.safetensors" "$root/weights/models/mimo-small-noprior.safetensors"
fi
mkdir -p "$root/weights/checkpoints/small"
cp "$run/checkpoint.pt" "$run/config.json" "$run/train.csv" "$run/val.csv" "$root/weights/checkpoints/small/"
"$py" "$root/weights/reference/make_shipped_fixture.py"

fig="$(mktemp -d)"
trap 'rm -rf "$fig"' EXIT
"$root/bin/blurdm" deblur --backend cpu --progress none --out "$fig" \
  "$root/samples/astronaut_blurred.png" "$root/samples/clock_motion.png"
"$root/bin/blurdm" eval --pred "$fig/astronaut_blurred.png" --gt "$root/samples/astronaut_sharp.png"
"$py" "$root/weights/reference/make_readme_figures.py" "$root/docs/astronaut_before_after.png" \
  "$root/samples/astronaut_blurred.png" "$fig/astronaut_blurred.png" "$root/samples/astronaut_sharp.png"
"$py" "$root/weights/reference/make_readme_figures.py" "$root/docs/clock_before_after.png" \
  "$root/samples/clock_motion.png" "$fig/clock_motion.png"
sha256sum "$root/weights/models/"*.safetensors
echo "ship.sh: shipped $run; now update weights/models/README.md, weights/README.md and README.md's numbers"
