#!/usr/bin/env bash
# Times our CPU backend (JMH: Conv2dBench, LinearBench) against PyTorch on the same shapes and
# thread count, and writes bench/RESULTS.md with these tables only (bench/run_all_cpu.sh adds the
# whole-model ones). Builds nothing: run `mvn -B -q -DskipTests package` first. Takes about 5
# minutes on 2 cores.
#
#   THREADS=2 bench/run_cpu_bench.sh          # THREADS defaults to 2
#   NOTE='...' bench/run_cpu_bench.sh         # a remark printed under the machine table
#   MEASURE_ONLY=1 bench/run_cpu_bench.sh     # only the JSON in bench/out/ (used by run_all_cpu.sh)
#
# Order (to spread drift and background load over both sides): PyTorch, JMH vector convs,
# JMH linear, JMH scalar conv (one shape), PyTorch again. RESULTS.md reports both PyTorch runs
# and compares against the faster of the two.
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 bench/torch_blas.py --require-optimized > /dev/null   # PyTorch on the reference BLAS: no comparison
THREADS="${THREADS:-2}"
PY=/usr/bin/python3
JAR=bench/target/blurdm-bench.jar
OUT=bench/out
if [[ ! -f "$JAR" || ! -d bench/target/lib ]]; then
  echo "missing $JAR or bench/target/lib: run 'mvn -B -q -DskipTests package' first" >&2
  exit 1
fi
mkdir -p "$OUT"
JAVA=(java --add-modules jdk.incubator.vector -Dblurdm.threads="$THREADS" -cp "$JAR:bench/target/lib/*"
      org.openjdk.jmh.Main -f 1 -foe true)
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

echo "== PyTorch (before), $THREADS threads"
"$PY" bench/pytorch_ops.py --threads "$THREADS" > "$OUT/pytorch_before.json"

echo "== JMH conv2d (vector)"
"${JAVA[@]}" 'ops.Conv2dBench' -p backend=vector -wi 3 -w 2 -i 8 -r 2 -rf json -rff "$OUT/jmh_conv_vector.json"

echo "== JMH linear (vector, scalar)"
"${JAVA[@]}" 'ops.LinearBench' -wi 3 -w 1 -i 5 -r 1 -rf json -rff "$OUT/jmh_linear.json"

echo "== JMH conv2d (scalar reference, one shape)"
"${JAVA[@]}" 'ops.Conv2dBench' -p backend=scalar -p shape=128x64x64 -wi 1 -w 3 -i 3 -r 3 -rf json \
  -rff "$OUT/jmh_conv_scalar.json"

echo "== PyTorch (after)"
"$PY" bench/pytorch_ops.py --threads "$THREADS" > "$OUT/pytorch_after.json"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

if [[ "${MEASURE_ONLY:-}" == 1 ]]; then
  exit 0
fi
export NOTE="${NOTE:-}" THREADS LOAD_START LOAD_END OUT
"$PY" bench/write_results.py --script bench/run_cpu_bench.sh
