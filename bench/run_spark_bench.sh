#!/usr/bin/env bash
# The Spark job against the plain CLI on the same images in the same run: bin/blurdm-spark --master
# local[2] and bin/blurdm deblur (2 CPU threads each: the engine of local[2] gets 2, the CLI uses the
# machine's 2 processors), on N_SMALL and N_LARGE generated 640x480 photos, alternating CLI, Spark, CLI,
# Spark. Wall time of each whole command (JVM start, Spark start, listing, every image, results table):
# images per second and the ratio Spark/CLI; and the marginal time per image, (t(N_LARGE) - t(N_SMALL)) /
# (N_LARGE - N_SMALL), which leaves the fixed start-up costs out (what a collection of thousands sees).
# Builds nothing: run `mvn -B -q -DskipTests package` first. Prints a markdown table.
#
#   N_SMALL=16 N_LARGE=48 ROUNDS=2 bench/run_spark_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N_SMALL="${N_SMALL:-16}"
N_LARGE="${N_LARGE:-48}"
ROUNDS="${ROUNDS:-2}"
PY=/usr/bin/python3
WEIGHTS=weights/models/blurdm-mimo-small.safetensors
OUT=bench/out/spark
rm -rf "$OUT"
mkdir -p "$OUT"

# 640x480 crops of the samples, each resized differently so no two are alike
"$PY" - "$OUT" "$N_LARGE" <<'PY'
import sys
from PIL import Image
out, n = sys.argv[1], int(sys.argv[2])
srcs = [Image.open(f'samples/{s}').convert('RGB') for s in ('astronaut_blurred.png', 'clock_motion.png', 'astronaut_sharp.png')]
for i in range(n):
    s = srcs[i % 3]
    scale = 2.6 + 0.05 * i
    big = s.resize((int(s.size[0] * scale), int(s.size[1] * scale)), Image.BICUBIC)
    x, y = (37 * i) % (big.size[0] - 640), (23 * i) % (big.size[1] - 480)
    big.crop((x, y, x + 640, y + 480)).save(f'{out}/img{i:03d}.png')
PY
mkdir -p "$OUT/small" "$OUT/large"
for i in $(seq 0 $((N_LARGE - 1))); do
  f=$(printf 'img%03d.png' "$i")
  cp "$OUT/$f" "$OUT/large/"
  if (( i < N_SMALL )); then cp "$OUT/$f" "$OUT/small/"; fi
  rm "$OUT/$f"
done

now() { date +%s.%N; }
declare -A T
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for set in small large; do
  for r in $(seq 1 "$ROUNDS"); do
    rm -rf "$OUT/cli-out" "$OUT/spark-out"
    t0=$(now); bin/blurdm deblur --weights "$WEIGHTS" --backend cpu --progress none "$OUT/$set" --out "$OUT/cli-out" 2>/dev/null; t1=$(now)
    T[cli,$set,$r]=$(echo "$t1 - $t0" | bc -l)
    t0=$(now); bin/blurdm-spark --master 'local[2]' --weights "$WEIGHTS" --backend cpu "$OUT/$set" --out "$OUT/spark-out" > "$OUT/spark-$set-$r.txt" 2>/dev/null; t1=$(now)
    T[spark,$set,$r]=$(echo "$t1 - $t0" | bc -l)
    for f in "$OUT/cli-out"/*.png; do cmp -s "$f" "$OUT/spark-out/$(basename "$f")" || { echo "DIFFERENT: $f" >&2; exit 1; }; done
    echo "$set round $r: cli ${T[cli,$set,$r]} s, spark ${T[spark,$set,$r]} s (outputs byte-equal)" >&2
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

best() { # the fastest round of tool $1 on set $2
  local b=""; for r in $(seq 1 "$ROUNDS"); do v=${T[$1,$2,$r]}; if [[ -z "$b" ]] || (( $(echo "$v < $b" | bc -l) )); then b=$v; fi; done; echo "$b"; }
cs=$(best cli small); ss=$(best spark small); cl=$(best cli large); sl=$(best spark large)
mc=$(echo "($cl - $cs) / ($N_LARGE - $N_SMALL)" | bc -l); ms=$(echo "($sl - $ss) / ($N_LARGE - $N_SMALL)" | bc -l)
printf '| images | CLI (s) | Spark local[2] (s) | CLI images/s | Spark images/s | ratio Spark/CLI |\n|---|---|---|---|---|---|\n'
printf '| %d | %.1f | %.1f | %.3f | %.3f | %.2f |\n' "$N_SMALL" "$cs" "$ss" "$(echo "$N_SMALL / $cs" | bc -l)" "$(echo "$N_SMALL / $ss" | bc -l)" "$(echo "$ss / $cs" | bc -l)"
printf '| %d | %.1f | %.1f | %.3f | %.3f | %.2f |\n' "$N_LARGE" "$cl" "$sl" "$(echo "$N_LARGE / $cl" | bc -l)" "$(echo "$N_LARGE / $sl" | bc -l)" "$(echo "$sl / $cl" | bc -l)"
printf '| marginal, per image | %.3f | %.3f | %.3f | %.3f | %.2f |\n' "$mc" "$ms" "$(echo "1 / $mc" | bc -l)" "$(echo "1 / $ms" | bc -l)" "$(echo "$ms / $mc" | bc -l)"
echo
echo "every round (s):"
for set in small large; do for r in $(seq 1 "$ROUNDS"); do echo "- $set round $r: CLI ${T[cli,$set,$r]}, Spark ${T[spark,$set,$r]}"; done; done
