#!/usr/bin/env bash
# Continues a train.py run on a GPU machine (PyTorch with CUDA, no network) for a given number of minutes
# and writes the new checkpoint, logs and exported safetensors to an output folder.
#
#   weights/reference/train_gpu.sh RUN_DIR OUT_DIR MINUTES [DATA] [extra train.py options...]
#
# RUN_DIR   the run folder to continue (its checkpoint.pt or the parts this script splits it into, train.csv,
#           val.csv); it is not modified unless it is OUT_DIR (calls can be chained on one folder). The word
#           "new" starts a fresh run in OUT_DIR instead, sized and scheduled by the extra options (e.g.
#           --base 20 --iters1 N --iters2 N --iters3 N: a wider backbone than the shipped one, every stage)
# OUT_DIR   where the continued run goes (created; RUN_DIR is copied there first)
# MINUTES   wall-clock budget; train.py stops cleanly, checkpointing, before it runs out
# DATA      the pairs (default weights/data/synth: a folder with train/input), or a folder of photos from
#           pack_photos.py (weights/gpu-data/photos: no train/input): then the training pairs are made on
#           the GPU (train.py --online-photos DATA) and validation reads DATA/../val (pack_photos.py
#           --val-pairs N), skipped when there are no pairs there
# DEVICE    environment: cuda (default), or cpu for a smoke test of this script on a machine without a GPU
# Examples: weights/reference/train_gpu.sh weights/checkpoints/small "$OUT/run" 5 weights/gpu-data/photos
#           weights/reference/train_gpu.sh new "$OUT/run" 8 weights/gpu-data/photos --base 20 \
#             --iters1 4000 --iters2 2000 --iters3 4000 --batch 16
#           weights/reference/train_gpu.sh weights/runs/small "$OUT/run" 8 weights/data/synth --threads 8
# The GPU's numbers differ in the last bits from the CPU's, so a continued run is not bit-identical to a
# CPU-only one; the schedule (phase, step, learning rate) and the data sampler's RNG continue exactly.
set -euo pipefail
if [[ $# -lt 3 ]]; then
  sed -n '2,23p' "$0" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
run="$1"; out="$2"; minutes="$3"; shift 3
data="${1:-$here/../data/synth}"; [[ $# -gt 0 ]] && shift
py="${PYTHON:-python3}"
device="${DEVICE:-cuda}"
if [[ "$device" == cuda ]]; then
  "$py" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' \
    || { echo "train_gpu.sh: $py has no CUDA PyTorch" >&2; exit 1; }
fi
[[ -d "$data" ]] || { echo "train_gpu.sh: $data: no such folder" >&2; exit 1; }
if [[ -d "$data/train/input" ]]; then
  source_args=(--data "$data" --preload)
  echo "train_gpu.sh: training pairs from $data/train"
else
  source_args=(--online-photos "$data" --data "$(cd "$data/.." && pwd)")
  echo "train_gpu.sh: no $data/train/input: pairs synthesised on the GPU from the photos in $data"
fi
mkdir -p "$out"
resume=(--resume)
if [[ "$run" == new ]]; then
  if compgen -G "$out/checkpoint.pt*" > /dev/null; then
    echo "train_gpu.sh: $out already holds a run (checkpoint.pt or its parts); not overwritten" >&2
    exit 1
  fi
  resume=()
  echo "train_gpu.sh: a new run in $out"
elif [[ "$(cd "$run" && pwd)" != "$(cd "$out" && pwd)" ]]; then
  if [[ -f "$run/checkpoint.pt" ]]; then
    cp "$run"/checkpoint.pt "$out"/
  else
    cat "$run"/checkpoint.pt.part-* > "$out/checkpoint.pt"  # a checkpoint this script split (below)
  fi
  for f in train.csv val.csv config.json; do [[ -f "$run/$f" ]] && cp "$run/$f" "$out/"; done
elif [[ ! -f "$out/checkpoint.pt" ]] && compgen -G "$out/checkpoint.pt.part-*" > /dev/null; then
  cat "$out"/checkpoint.pt.part-* > "$out/checkpoint.pt" && rm "$out"/checkpoint.pt.part-*
fi
# leave a minute for the last checkpoint and the export
budget="$(awk -v m="$minutes" 'BEGIN { b = m - 1; if (b < 0.5) b = m * 0.8; print b }')"
"$py" "$here/train.py" --out "$out" "${resume[@]}" --device "$device" --stage all --minutes "$budget" \
  --ckpt-every 500 --val-every 2000 "${source_args[@]}" "$@"
"$py" "$here/train.py" --out "$out" --resume --export-only --device cpu
# the device tool returns files of at most 16 MiB: a larger checkpoint (a wider backbone's) travels in
# 15 MiB parts; join them with: cat checkpoint.pt.part-* > checkpoint.pt
if [[ $(stat -c %s "$out/checkpoint.pt") -gt $((16 * 1024 * 1024)) ]]; then
  split -b 15m "$out/checkpoint.pt" "$out/checkpoint.pt.part-" && rm "$out/checkpoint.pt"
  echo "train_gpu.sh: checkpoint.pt split into $(ls "$out"/checkpoint.pt.part-* | wc -l) parts (cat them to join)"
fi
ls -la "$out"
