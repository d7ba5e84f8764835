#!/usr/bin/env bash
# Regenerates bench/RESULTS.md with every CPU table: conv2d/linear JMH vs PyTorch
# (bench/run_cpu_bench.sh), the whole model side by side with PyTorch (bench/model_side_by_side.py:
# small@256x256, small@1280x720, paper@256x256) and our per-op breakdown of the small model at
# 1280x720 (ModelProfile). Builds nothing: run `mvn -B -q -DskipTests package` first. About 9-10
# minutes on 2 cores.
#
#   THREADS=2 bench/run_all_cpu.sh                 # THREADS defaults to 2
#   PAUSE_PID='1234 5678' bench/run_all_cpu.sh     # SIGSTOP these processes for the run, SIGCONT at exit
#   MODEL_CASES=small@256x256,paper@1280x720 ...   # other side-by-side cases
#   NOTE='...' bench/run_all_cpu.sh                # a remark printed under the machine table
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 bench/torch_blas.py --require-optimized > /dev/null   # PyTorch on the reference BLAS: no comparison
THREADS="${THREADS:-2}"
PY=/usr/bin/python3
JAR=bench/target/blurdm-bench.jar
OUT=bench/out
MODEL_CASES="${MODEL_CASES:-small@256x256,small@1280x720,paper@256x256}"
if [[ ! -f "$JAR" || ! -d bench/target/lib ]]; then
  echo "missing $JAR or bench/target/lib: run 'mvn -B -q -DskipTests package' first" >&2
  exit 1
fi
PAUSED=""
if [[ -n "${PAUSE_PID:-}" ]]; then
  # shellcheck disable=SC2086  # a list of pids
  trap 'kill -CONT $PAUSE_PID 2>/dev/null || true' EXIT
  trap 'exit 130' INT TERM
  # shellcheck disable=SC2086
  kill -STOP $PAUSE_PID
  PAUSED="$PAUSE_PID"
fi
mkdir -p "$OUT"
T0=$(date +%s)
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

echo "== whole model side by side: $MODEL_CASES"
"$PY" bench/model_side_by_side.py --threads "$THREADS" --cases "$MODEL_CASES" \
  --json "$OUT/model_side_by_side.json" > /dev/null

echo "== ModelProfile small 1280x720"
java --add-modules jdk.incubator.vector -Dblurdm.threads="$THREADS" -cp "$JAR:bench/target/lib/*" \
  io.github.blurdm.bench.model.ModelProfile small 1280 720 2 2>/dev/null > "$OUT/model_profile.txt"

MEASURE_ONLY=1 THREADS="$THREADS" bench/run_cpu_bench.sh
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
RUN_WALL_S=$(( $(date +%s) - T0 ))
export NOTE="${NOTE:-}" THREADS LOAD_START LOAD_END OUT PAUSED RUN_WALL_S
"$PY" bench/write_results.py --script bench/run_all_cpu.sh --model
