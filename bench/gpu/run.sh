#!/usr/bin/env bash
# The GPU test machine's one script (one H100 or H200, CUDA 13, PyTorch with CUDA, no network,
# maybe no Java). Builds nothing: it runs what bench/gpu/prepare.sh put in bench/gpu/carry/ on a
# CPU machine. In order:
#   1. what is here: nvidia-smi, the Java runtime (carry/jre.tar.gz unpacked, else JAVA_HOME or
#      PATH), libcuda.so.1 and NVRTC; when only CUDA 13's libnvrtc.so.13 exists, a private folder
#      on LD_LIBRARY_PATH gets libnvrtc.so.12 -> it (JCuda 12.6 links that name);
#   2. `blurdm info`;
#   3. the CUDA tests (runtime's io.github.blurdm.runtime.cuda package but the emulator's own EmulatedDeviceTest, BackendChoiceTest,
#      LibraryExampleTest) with the JUnit console launcher, XML reports into the output folder;
#   4. GpuKernelBench (every kernel version, CUDA events, median) and torch_ops.py (PyTorch, same
#      shapes from bench/gpu/cases.json: MIMO-UNet+ and the prior, FFTformer, Stripformer, LoFormer ops);
#   5. per model (MIMO-UNet+, Stripformer, FFTformer, LoFormer-S, each with the BlurDM prior):
#      GpuModelCheck (GPU vs CPU rel-L2 at a small size, 1280x720 latency; LoFormer: its per-tile
#      pipeline) and torch_model.py (PyTorch eager, fp32 and TF32, on the same model);
#   6. torch.compile of MIMO-UNet+ (torch_model.py --compile-only), with what time is left;
#   7. a short table last (summary.py): test counts, per case ours / PyTorch / ratio, per model.
# Without a GPU it says so, runs the tests (the CUDA ones skip, but CudaParityTest, which runs on the
# emulated device, for one op only), runs the timing programs' CPU checks (small, on the CPU), times
# nothing and exits 2.
#
#   bash bench/gpu/run.sh                      # output folder: $BLURDM_GPU_OUT, else $OUT, else bench/gpu/out
#
# Environment: BLURDM_GPU_BUDGET_S (default 470) the whole run's time budget in seconds;
# BLURDM_GPU_MODELS (default "mimo stripformer fftformer loformer") the models of step 5;
# BLURDM_GPU_COMPILE=0 skips step 6.
#
# Exit status: 0 all ran and passed; 1 a step failed, timed out or was skipped for want of time;
# 2 no GPU here; 3 carry/ missing.
# Each step has its own time limit (below), and no step may run past the whole run's budget
# (BLURDM_GPU_BUDGET_S, less 20 s kept for the table): a step is cut to what is left, or skipped
# (and reported) when under 10 s are left, so one hanging step cannot eat the run and the table
# still comes last. Estimate on an H100 (not yet run on a GPU): about 4 to 5 minutes without
# torch.compile, 5 to 7 with it; 470 s (under 8 minutes) at most.
set -uo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
carry="$root/bench/gpu/carry"
out="${BLURDM_GPU_OUT:-${OUT:-$root/bench/gpu/out}}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
# Scratch (runtime image, NVRTC link, kernel cache) stays out of $out: only 8 files come back.
scratch="${TMPDIR:-/tmp}/blurdm-gpu.$$"
mkdir -p "$scratch"

T_TOTAL="${BLURDM_GPU_BUDGET_S:-470}"   # the whole run
T_RESERVE=20                           # kept for the table and the archive
T_INFO=30
T_TESTS=150                            # the JUnit report is written at the end: a timeout loses it
T_JAVA_BENCH=120
T_TORCH=90
T_MODEL=75                             # GpuModelCheck, per model
T_TORCH_MODEL=50                       # torch_model.py, per model
T_COMPILE=120                          # torch.compile of MIMO-UNet+
T_CPU_CHECK=60                         # without a GPU: each CPU check
MODELS="${BLURDM_GPU_MODELS:-mimo stripformer fftformer loformer}"

step() { printf '\n==== %s [%s]\n' "$*" "$(date -u +%H:%M:%S)"; }

# limit N: the step's limit N cut to what is left of the run's budget (T_TOTAL less T_RESERVE, from the
# start of main); prints nothing and fails when under 10 s are left.
limit() {
  local left=$(( T_TOTAL - T_RESERVE - (SECONDS - run_start) ))
  (( left >= 10 )) || return 1
  echo $(( $1 < left ? $1 : left ))
}

# over NAME: says a step was skipped for want of time.
over() { echo "SKIPPED: $1: run.sh's budget of $T_TOTAL s is spent ($((SECONDS - run_start)) s so far)"; }

# One model's check line, for the step headers.
describe_model() {
  case $1 in
    mimo) echo "MIMO-UNet+ with prior: GPU vs CPU rel-L2 at 256x256, latency at 1280x720" ;;
    stripformer) echo "Stripformer with prior: GPU vs CPU rel-L2 at 128x128, latency at 1280x720 (padded to 1280x736)" ;;
    fftformer) echo "FFTformer with prior: GPU vs CPU rel-L2 at 128x128, latency at 1280x720 (padded to 1280x736)" ;;
    loformer) echo "LoFormer-S with prior: GPU vs CPU rel-L2 at 128x128, per-tile pipeline latency at 1280x720 (8 tiles of 384)" ;;
    *) echo "$1" ;;
  esac
}

main() {
  local status=0 gpu=1 start=$SECONDS lim m
  run_start=$SECONDS
  cd "$root" || return 3
  echo "bench/gpu/run.sh on $(hostname) $(uname -srm), $(date -u +%Y-%m-%dT%H:%M:%SZ); output in $out"
  [[ -f "$carry/PREPARED.txt" ]] && sed 's/^/carry: /' "$carry/PREPARED.txt"
  rm -f "$out"/gpu_kernels.json "$out"/gpu_kernels.csv "$out"/torch_ops.json "$out"/gpu_model.json "$out"/torch_model.json \
    "$out"/summary.txt "$out"/junit/*.xml "$out"/details.tar.gz "$out"/*.json.tmp

  # ------------------------------------------------------------------ 1. what is here
  step "nvidia-smi"
  if command -v nvidia-smi >/dev/null 2>&1; then
    timeout -k 5 30 nvidia-smi || { echo "nvidia-smi failed (status $?)"; gpu=0; }
    local listed
    listed="$(timeout -k 5 30 nvidia-smi -L 2>/dev/null | grep -c '^GPU ' || true)"
    [[ "$listed" -ge 1 ]] || gpu=0
  else
    echo "nvidia-smi: not found"
    gpu=0
  fi
  if [[ $gpu == 0 ]]; then
    if ls /dev/nvidia[0-9]* >/dev/null 2>&1; then
      echo "nvidia-smi lists no GPU, but /dev/nvidia* exists; trying CUDA anyway"
      gpu=1
    else
      echo "NO GPU: nvidia-smi lists no GPU and there is no /dev/nvidia0 on this machine."
      echo "NO GPU: the CUDA tests will skip and nothing is timed; run this on the GPU test machine."
    fi
  fi

  step "Java"
  local java=""
  if [[ -f "$carry/jre.tar.gz" ]]; then
    tar -C "$scratch" -xzf "$carry/jre.tar.gz" && java="$scratch/jre/bin/java"
  fi
  if [[ -z "$java" || ! -x "$java" ]]; then
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"
    elif command -v java >/dev/null 2>&1; then java="$(command -v java)"
    fi
    [[ -n "$java" ]] && echo "no carry/jre.tar.gz; using $java"
  fi
  if [[ -z "$java" ]] || ! "$java" -version 2>&1 | sed 's/^/  /'; then
    echo "NO JAVA: neither bench/gpu/carry/jre.tar.gz nor a java on JAVA_HOME/PATH; run bench/gpu/prepare.sh first"
    return 3
  fi
  if [[ ! -d "$carry/lib" || ! -f "$carry/tools/junit-platform-console-standalone.jar" ]]; then
    echo "MISSING: $carry/lib or the console launcher; run bench/gpu/prepare.sh on the CPU machine and carry bench/gpu/carry"
    return 3
  fi
  echo "java: $java"

  step "CUDA libraries"
  find_cuda_libs
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"

  local py="${PYTHON:-python3}"
  command -v "$py" >/dev/null 2>&1 || py=""
  [[ -n "$py" ]] && "$py" - <<'EOF' 2>&1 | sed 's/^/  /'
import sys
try:
    import torch
    print("python", sys.version.split()[0], sys.executable, "torch", torch.__version__, "cuda", torch.version.cuda,
          "available", torch.cuda.is_available())
except ImportError as e:
    print("python", sys.version.split()[0], sys.executable, "has no torch:", e)
EOF

  local cp
  cp="$(ls "$carry"/lib/*.jar | tr '\n' ':')"
  cp="${cp%:}"
  local jflags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC
                -Dblurdm.cache.dir="$scratch/kernels" -Dorg.slf4j.simpleLogger.showDateTime=true)

  # ------------------------------------------------------------------ 2. blurdm info
  step "blurdm info"
  if lim="$(limit "$T_INFO")"; then
    timeout -k 5 "$lim" "$java" "${jflags[@]}" -cp "$cp" io.github.blurdm.blurdm.cli.BlurdmCli info 2>&1 \
      | grep -v '^WARNING: Using incubator modules'
    [[ ${PIPESTATUS[0]} == 0 ]] || { echo "blurdm info FAILED"; status=1; }
  else
    over "blurdm info"; status=1
  fi

  # ------------------------------------------------------------------ 3. the CUDA tests
  step "CUDA tests (JUnit console launcher; reports in $out/junit)"
  mkdir -p "$out/junit"
  local t test_flags=()
  if [[ $gpu == 0 ]]; then
    # Without a GPU CudaParityTest runs on the emulated device (g++ builds and runs the kernels on the CPU:
    # minutes for every op); mvn verify runs all of that. Here one op's cases show that the launcher works.
    test_flags=(-Dblurdm.test.op=relu)
    echo "NO GPU: CudaParityTest runs on the emulated device, for one op only here (-Dblurdm.test.op=relu)"
  fi
  if lim="$(limit "$T_TESTS")"; then
    timeout -k 10 "$lim" "$java" "${jflags[@]}" "${test_flags[@]}" -Xmx8g \
      -jar "$carry/tools/junit-platform-console-standalone.jar" execute \
      --class-path "$cp" --include-engine junit-jupiter \
      --select-package io.github.blurdm.runtime.cuda \
      --select-class io.github.blurdm.runtime.BackendChoiceTest \
      --select-class io.github.blurdm.runtime.LibraryExampleTest \
      --exclude-classname '.*EmulatedDeviceTest' \
      --reports-dir "$out/junit" --details tree --disable-banner --disable-ansi-colors 2>&1 \
      | grep -v '^WARNING: Using incubator modules'
    t=${PIPESTATUS[0]}
    case $t in
      0) ;;
      124|137) echo "CUDA tests TIMED OUT after $lim s"; status=1 ;;
      *) echo "CUDA tests FAILED (status $t)"; status=1 ;;
    esac
  else
    over "CUDA tests"; status=1
  fi

  # ------------------------------------------------------------------ 4. timings
  if [[ $gpu == 1 ]]; then
    step "GpuKernelBench (ours: every kernel version)"
    if lim="$(limit "$T_JAVA_BENCH")"; then
      timeout -k 10 "$lim" "$java" "${jflags[@]}" -Xmx24g -cp "$cp" io.github.blurdm.bench.gpu.GpuKernelBench \
        --cases "$root/bench/gpu/cases.json" --out "$out" --samples 25 --budget-ms 500 2>&1 \
        | grep -v '^WARNING: Using incubator modules'
      t=${PIPESTATUS[0]}
      [[ $t == 0 ]] || { echo "GpuKernelBench FAILED or TIMED OUT (status $t, limit $lim s)"; status=1; }
    else
      over "GpuKernelBench"; status=1
    fi

    step "torch_ops.py (PyTorch, same shapes)"
    if [[ -z "$py" ]]; then
      echo "no python3 here: PyTorch timings skipped"
      status=1
    elif lim="$(limit "$T_TORCH")"; then
      PYTHONUNBUFFERED=1 timeout -k 10 "$lim" "$py" "$root/bench/gpu/torch_ops.py" \
        --cases "$root/bench/gpu/cases.json" --out "$out/torch_ops.json" --samples 25 --budget-ms 500 2>&1
      t=${PIPESTATUS[0]}
      [[ $t == 0 ]] || { echo "torch_ops.py FAILED or TIMED OUT (status $t, limit $lim s)"; status=1; }
    else
      over "torch_ops.py"; status=1
    fi

    # ---------------------------------------------------------------- 5. the models, each with its own limits
    for m in $MODELS; do
      step "GpuModelCheck $m ($(describe_model "$m"))"
      if lim="$(limit "$T_MODEL")"; then
        timeout -k 10 "$lim" "$java" "${jflags[@]}" -Xmx24g -cp "$cp" io.github.blurdm.bench.gpu.GpuModelCheck \
          --model "$m" --out "$out/gpu_model.json" --size 1280x720 --runs 5 2>&1 \
          | grep -v '^WARNING: Using incubator modules'
        t=${PIPESTATUS[0]}
        [[ $t == 0 ]] || { echo "GpuModelCheck $m FAILED or TIMED OUT (status $t, limit $lim s)"; status=1; }
      else
        over "GpuModelCheck $m"; status=1
      fi
      [[ -n "$py" ]] || continue
      step "torch_model.py $m (PyTorch eager, fp32 and TF32)"
      if lim="$(limit "$T_TORCH_MODEL")"; then
        PYTHONUNBUFFERED=1 timeout -k 10 "$lim" "$py" "$root/bench/gpu/torch_model.py" --model "$m" \
          --out "$out/torch_model.json" --size 1280x720 --runs 5 2>&1 | tail -5
        t=${PIPESTATUS[0]}
        [[ $t == 0 ]] || { echo "torch_model.py $m FAILED or TIMED OUT (status $t, limit $lim s)"; status=1; }
      else
        over "torch_model.py $m"; status=1
      fi
    done

    # ---------------------------------------------------------------- 6. torch.compile, with what is left
    if [[ -n "$py" && "${BLURDM_GPU_COMPILE:-1}" != 0 && " $MODELS " == *" mimo "* ]]; then
      step "torch_model.py mimo --compile-only (torch.compile fp32; whatever time is left, at most $T_COMPILE s)"
      if lim="$(limit "$T_COMPILE")"; then
        PYTHONUNBUFFERED=1 timeout -k 10 "$lim" "$py" "$root/bench/gpu/torch_model.py" --model mimo \
          --out "$out/torch_model.json" --size 1280x720 --runs 5 --compile-only 2>&1 | tail -5
        t=${PIPESTATUS[0]}
        # compiling is optional: a timeout here is reported, not counted as a failure
        [[ $t == 0 ]] || echo "torch.compile step FAILED or TIMED OUT (status $t, limit $lim s); eager results kept"
      else
        echo "SKIPPED: torch.compile: run.sh's budget of $T_TOTAL s is spent"
      fi
    fi
  else
    step "timings: NO GPU, so only a check of the timing code (nothing timed)"
    local checks=0
    echo "NO GPU: GpuKernelBench and torch_ops.py not timed; their cases set up and run once, small, on the CPU:"
    if lim="$(limit "$T_CPU_CHECK")"; then
      timeout -k 5 "$lim" "$java" "${jflags[@]}" -cp "$cp" io.github.blurdm.bench.gpu.GpuKernelBench \
        --cases "$root/bench/gpu/cases.json" --cpu-check 2>&1 | grep -v '^WARNING: Using incubator modules' | tail -3
      [[ ${PIPESTATUS[0]} == 0 ]] || { echo "GpuKernelBench --cpu-check FAILED"; status=1; checks=1; }
    else
      over "GpuKernelBench --cpu-check"; status=1
    fi
    local torch_ok=0
    [[ -n "$py" ]] && "$py" -c 'import torch' 2>/dev/null && torch_ok=1
    if [[ $torch_ok == 1 ]]; then
      if lim="$(limit "$T_CPU_CHECK")"; then
        timeout -k 5 "$lim" "$py" "$root/bench/gpu/torch_ops.py" --cases "$root/bench/gpu/cases.json" --smoke \
          --out "$scratch/torch_smoke.json" 2>&1 | tail -3
        [[ ${PIPESTATUS[0]} == 0 ]] || { echo "torch_ops.py --smoke FAILED"; status=1; checks=1; }
      else
        over "torch_ops.py --smoke"; status=1
      fi
    fi
    echo "NO GPU: the models not timed; each set up and run once, small, on the CPU (GpuModelCheck --cpu-check,"
    echo "the CPU backend standing in for the GPU; torch_model.py --smoke), results in scratch, not in $out:"
    for m in $MODELS; do
      local tile=()
      [[ $m == loformer ]] && tile=(--tile 64)
      if lim="$(limit "$T_CPU_CHECK")"; then
        timeout -k 5 "$lim" "$java" "${jflags[@]}" -cp "$cp" io.github.blurdm.bench.gpu.GpuModelCheck --model "$m" \
          --out "$scratch/gpu_model_check.json" --check 64x64 --size 96x64 --runs 1 "${tile[@]}" --cpu-check 2>&1 \
          | grep -E '^(parity|latency|Exception|Caused|\s+at )' | head -8
        [[ ${PIPESTATUS[0]} == 0 ]] || { echo "GpuModelCheck $m --cpu-check FAILED"; status=1; checks=1; }
      else
        over "GpuModelCheck $m --cpu-check"; status=1
      fi
      [[ $torch_ok == 1 ]] || continue
      if lim="$(limit "$T_CPU_CHECK")"; then
        timeout -k 5 "$lim" "$py" "$root/bench/gpu/torch_model.py" --model "$m" --smoke \
          --out "$scratch/torch_model_smoke.json" 2>&1 | tail -2
        [[ ${PIPESTATUS[0]} == 0 ]] || { echo "torch_model.py $m --smoke FAILED"; status=1; checks=1; }
      else
        over "torch_model.py $m --smoke"; status=1
      fi
    done
    if [[ $checks != 0 ]]; then
      echo "NO GPU: and a CPU check above FAILED (see the lines before)"
    else
      echo "NO GPU: the CPU checks of GpuKernelBench, GpuModelCheck$([[ $torch_ok == 1 ]] && echo ", torch_ops.py and torch_model.py") passed"
    fi
  fi

  # ------------------------------------------------------------------ 7. the table, last
  step "summary ($((SECONDS - start)) s so far)"
  if [[ -n "$py" ]]; then
    "$py" "$root/bench/gpu/summary.py" "$out" --gpu "$gpu" --models "$MODELS" | tee "$out/summary.txt"
    [[ ${PIPESTATUS[0]} == 0 ]] || status=1
  else
    grep -ho 'tests="[0-9]*"[^>]*' "$out"/junit/*.xml 2>/dev/null | head -3
  fi
  # The device tool brings back at most 8 files: the JUnit reports and the CSV travel as one archive.
  if [[ -d "$out/junit" || -f "$out/gpu_kernels.csv" ]]; then
    (cd "$out" && tar -czf details.tar.gz $(ls -d junit gpu_kernels.csv 2>/dev/null) && rm -rf junit gpu_kernels.csv)
  fi
  echo "run.sh: $((SECONDS - start)) s; logs and results in $out ($(ls "$out" | wc -l) files)"
  if [[ $gpu == 0 ]]; then
    echo "run.sh: NO GPU on this machine: nothing was timed; the CUDA tests skipped or ran on the emulated device (exit 2)"
    return 2
  fi
  return $status
}

# libcuda.so.1 from the driver; libnvrtc.so.12 for JCuda 12.6, made from CUDA 13's libnvrtc.so.13
# (symlink in a private folder) when no CUDA 12 NVRTC exists.
find_cuda_libs() {
  local dirs=() d f bld
  # BLURDM_CUDA_LIB_DIRS (colon-separated) is searched first.
  bld="${BLURDM_CUDA_LIB_DIRS:-}"
  for d in ${bld//:/ } /usr/local/cuda*/lib64 /usr/local/cuda*/targets/x86_64-linux/lib /usr/local/nvidia/lib64 /usr/local/nvidia/lib \
           /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
    [[ -d "$d" ]] && dirs+=("$d")
  done
  local py="${PYTHON:-python3}"
  if command -v "$py" >/dev/null 2>&1; then
    # NVRTC from pip wheels: nvidia/cuda_nvrtc/lib (CUDA 12 wheels), nvidia/cu13/lib (CUDA 13 wheels).
    while IFS= read -r d; do [[ -d "$d" ]] && dirs+=("$d"); done < <("$py" - 2>/dev/null <<'EOF'
import glob, os, site, sys
roots = set(site.getsitepackages() + [site.getusersitepackages()] + [p for p in sys.path if p.endswith("-packages")])
for r in sorted(roots):
    for d in glob.glob(os.path.join(r, "nvidia", "*", "lib")):
        print(d)
EOF
)
  fi
  local libcuda nvrtc12 nvrtc13
  libcuda="$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 .*x86-64/ {print $NF; exit}')"
  for d in "${dirs[@]}"; do
    [[ -z "$libcuda" && -e "$d/libcuda.so.1" ]] && libcuda="$d/libcuda.so.1"
    [[ -z "${nvrtc12:-}" && -e "$d/libnvrtc.so.12" ]] && nvrtc12="$d/libnvrtc.so.12"
    if [[ -z "${nvrtc13:-}" ]]; then
      for f in "$d"/libnvrtc.so.13*; do
        [[ -e "$f" && "$f" != *builtins* ]] && { nvrtc13="$f"; break; }
      done
    fi
  done
  echo "libcuda.so.1:   ${libcuda:-NOT FOUND}"
  echo "libnvrtc.so.12: ${nvrtc12:-not found}"
  echo "libnvrtc.so.13: ${nvrtc13:-not found}"
  if [[ -n "${libcuda:-}" && "$libcuda" == /* ]]; then
    case ":${LD_LIBRARY_PATH:-}:" in *":$(dirname "$libcuda"):"*) ;; *)
      ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1 ' || export LD_LIBRARY_PATH="$(dirname "$libcuda")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ;;
    esac
  fi
  if [[ -n "${nvrtc12:-}" ]]; then
    export LD_LIBRARY_PATH="$(dirname "$nvrtc12")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "NVRTC: using CUDA 12's $nvrtc12"
  elif [[ -n "${nvrtc13:-}" ]]; then
    local real link="$scratch/nvrtc"
    real="$(readlink -f "$nvrtc13")"
    mkdir -p "$link"
    ln -sf "$real" "$link/libnvrtc.so.12"
    # The real folder too: libnvrtc loads libnvrtc-builtins.so.13.* from the library path.
    export LD_LIBRARY_PATH="$link:$(dirname "$real")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "NVRTC: only CUDA 13 here; $link/libnvrtc.so.12 -> $real"
  else
    echo "NVRTC: NOT FOUND (no libnvrtc.so.12 or .so.13); the CUDA backend will be unusable"
  fi
}

cleanup() { rm -rf "$scratch"; }
trap cleanup EXIT

main "$@" 2>&1 | tee "$out/run.log"
exit "${PIPESTATUS[0]}"
