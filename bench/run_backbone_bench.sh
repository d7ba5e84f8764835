#!/usr/bin/env bash
# One backbone's CPU benchmarks vs PyTorch (NAME = stripformer or fftformer): the whole model with the BlurDM prior
# at SIZE (bench/model_side_by_side.py, case NAME@SIZE: same seeded weights, image and noise), its ops (JMH, vector
# path, vs bench/NAME_ops.py on the same shapes), then its section of bench/RESULTS.md
# (bench/write_backbone_results.py). Builds nothing: run `mvn -B -q -DskipTests package` first.
# RUNS=0 (default) times each side's first run only (PyTorch takes minutes per 1280x720 image on 2 cores; ours
# includes its JIT warm-up there); RUNS=N times N runs per side after that one.
#
#   THREADS=2 SIZE=1280x720 RUNS=0 bench/run_backbone_bench.sh stripformer
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 bench/torch_blas.py --require-optimized > /dev/null   # PyTorch on the reference BLAS: no comparison
NAME="${1:?usage: run_backbone_bench.sh stripformer|fftformer}"
case "$NAME" in
  stripformer) JMH='ops.AttentionBench' ;;
  fftformer) JMH='ops.(PatchFftFilterBench|FsasAttentionBench|DepthwiseConv2dBench|GeluGateBench|BiasFreeLayerNormBench)' ;;
  *) echo "unknown backbone '$NAME': stripformer or fftformer" >&2; exit 2 ;;
esac
THREADS="${THREADS:-2}"
SIZE="${SIZE:-1280x720}"
RUNS="${RUNS:-0}"
OUT=bench/out
mkdir -p "$OUT"
/usr/bin/python3 bench/model_side_by_side.py --threads "$THREADS" --cases "$NAME@$SIZE" --runs "$RUNS" --warmup 0 \
  --json "$OUT/${NAME}_side_by_side.json" > /dev/null
/usr/bin/python3 "bench/${NAME}_ops.py" --threads "$THREADS" > "$OUT/${NAME}_ops_torch.json"
java --add-modules jdk.incubator.vector -Dblurdm.threads="$THREADS" -cp "bench/target/blurdm-bench.jar:bench/target/lib/*" \
  org.openjdk.jmh.Main -f 1 -foe true "$JMH" -p backend=vector \
  -wi 3 -w 1 -i 5 -r 1 -rf json -rff "$OUT/jmh_${NAME}.json"
OUT="$OUT" /usr/bin/python3 bench/write_backbone_results.py "$NAME"
