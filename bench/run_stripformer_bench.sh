#!/usr/bin/env bash
# Stripformer's CPU benchmarks vs PyTorch: the whole Stripformer + BlurDM prior (22M parameters) at SIZE
# (bench/model_side_by_side.py, case stripformer@SIZE: same seeded weights, image and noise, runs alternated),
# the attention op on both strip shapes (JMH AttentionBench, vector path, vs bench/stripformer_ops.py), then the
# Stripformer section of bench/RESULTS.md (bench/write_stripformer_results.py). Builds nothing: run
# `mvn -B -q -DskipTests package` first.
#
# RUNS=0 (default) times each side's first run only (PyTorch takes over 10 minutes per 1280x720 image on 2
# loaded cores; ours includes its JIT warm-up there); RUNS=N times N runs per side after that one.
#
#   THREADS=2 SIZE=1280x720 RUNS=0 bench/run_stripformer_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${THREADS:-2}"
SIZE="${SIZE:-1280x720}"
RUNS="${RUNS:-0}"
OUT=bench/out
mkdir -p "$OUT"
/usr/bin/python3 bench/model_side_by_side.py --threads "$THREADS" --cases "stripformer@$SIZE" --runs "$RUNS" --warmup 0 \
  --json "$OUT/stripformer_side_by_side.json" > /dev/null
/usr/bin/python3 bench/stripformer_ops.py --threads "$THREADS" > "$OUT/stripformer_ops_torch.json"
java --add-modules jdk.incubator.vector -Dblurdm.threads="$THREADS" -cp "bench/target/blurdm-bench.jar:bench/target/lib/*" \
  org.openjdk.jmh.Main -f 1 -foe true 'ops.AttentionBench' -p backend=vector \
  -wi 3 -w 1 -i 5 -r 1 -rf json -rff "$OUT/jmh_stripformer.json"
OUT="$OUT" /usr/bin/python3 bench/write_stripformer_results.py
