#!/usr/bin/env bash
# LoFormer's CPU benchmarks vs PyTorch: the whole model on one image (bench/loformer_side_by_side.py, LoFormer-S
# at 1280x720 by default: 8 tiles; PyTorch takes about 10 minutes per image on 2 cores), the ops (JMH Dct2dBench
# and WindowChannelAttentionBench, vector path, vs bench/loformer_ops.py), then the LoFormer section of
# bench/RESULTS.md (bench/write_loformer_results.py). Builds nothing: run `mvn -B -q -DskipTests package` first.
#
#   THREADS=2 SIZE=1280x720 RUNS=1 bench/run_loformer_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 bench/torch_blas.py --require-optimized > /dev/null   # PyTorch on the reference BLAS: no comparison
THREADS="${THREADS:-2}"
SIZE="${SIZE:-1280x720}"
RUNS="${RUNS:-1}"
TORCH_WARMUP="${TORCH_WARMUP:-1}"   # 0: PyTorch's first image is the timed one (halves its ~10 minutes)
OUT=bench/out
mkdir -p "$OUT"
/usr/bin/python3 bench/loformer_side_by_side.py --threads "$THREADS" --size "$SIZE" --runs "$RUNS" --torch-warmup "$TORCH_WARMUP" \
  > "$OUT/loformer_side_by_side.json"
/usr/bin/python3 bench/loformer_ops.py --threads "$THREADS" > "$OUT/loformer_ops_torch.json"
java --add-modules jdk.incubator.vector -Dblurdm.threads="$THREADS" -cp "bench/target/blurdm-bench.jar:bench/target/lib/*" \
  org.openjdk.jmh.Main -f 1 -foe true 'ops.(Dct2dBench|WindowChannelAttentionBench)' -p backend=vector \
  -wi 3 -w 1 -i 5 -r 1 -rf json -rff "$OUT/jmh_loformer.json"
OUT="$OUT" /usr/bin/python3 bench/write_loformer_results.py
