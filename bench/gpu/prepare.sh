#!/usr/bin/env bash
# Prepares what travels to the GPU test machine, on a CPU machine: bench/gpu/carry/ (git-ignored)
# with a jlink'ed Java 17 runtime (the GPU machine may have no Java), every jar that run.sh needs
# (runtime, kernels, weights, layers, blurdm-core, bench, the runtime's test-jar, their
# dependencies: JCuda + its linux-x86_64 natives, slf4j, jackson, picocli) and the JUnit Platform
# console launcher. Nothing is built on the GPU machine. The JCuda natives jar is repacked with only
# the native libraries of the JCuda packages our jars use (jdeps: driver API and NVRTC), 9.1 MiB less.
#
#   mvn -B -q -DskipTests package && bash bench/gpu/prepare.sh
#
# Environment: BLURDM_JLINK_JDK (default /usr/lib/jvm/java-17-openjdk-amd64, the JDK that matches
# --release 17). Prints the size of each part and the total; fails when over 30 MiB (the working tree,
# with the training checkpoint and the packed photos, needs the rest of the 64 MiB that travel).
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
carry="$root/bench/gpu/carry"
jdk="${BLURDM_JLINK_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"
limit_mib=30

die() { echo "prepare.sh: $*" >&2; exit 1; }

[[ -x "$jdk/bin/jlink" ]] || die "no jlink in $jdk (set BLURDM_JLINK_JDK to a JDK 17)"
jdk_version="$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[[ "$jdk_version" == 17 ]] || die "$jdk is Java $jdk_version; use a JDK 17 (the code is built with --release 17)"

# What `mvn -B -q -DskipTests package` leaves behind; the bench and core modules copy their
# runtime dependencies into target/lib.
needed=(
  "$root/bench/target/blurdm-bench.jar"
  "$root/bench/target/lib"
  "$root/blurdm/target/blurdm-core.jar"
  "$root/blurdm/target/lib"
  "$root/runtime/target/blurdm-runtime-0.1.0-SNAPSHOT-tests.jar"
)
for f in "${needed[@]}"; do
  [[ -e "$f" ]] || die "$f is missing; build first: (cd '$root' && mvn -B -q -DskipTests package)"
done
for m in kernels weights runtime layers; do
  newest_src="$(find "$root/$m/src/main" -type f -newer "$root/bench/target/blurdm-bench.jar" | head -1)"
  [[ -z "$newest_src" ]] || echo "prepare.sh: warning: $newest_src is newer than the bench jar; rebuild if it matters" >&2
done

rm -rf "$carry"
mkdir -p "$carry/lib" "$carry/tools"

# 1. The Java runtime: only the modules our code paths need (jdeps over the jars: java.base,
#    java.logging (JCuda, JUnit), java.xml (JUnit's XML reports), java.sql (picocli and JUnit
#    reference it), jdk.unsupported, jdk.zipfs (JUnit's package selector scans jars through the
#    "jar" file system; without it --select-package finds nothing) and jdk.incubator.vector for the
#    CPU backend's fast path).
#    java.desktop (ImageIO, for reading images in `blurdm deblur`) stays out: nothing run.sh runs needs it.
#    It travels as one jre.tar.gz that run.sh unpacks: an image linked with --compress=0, its
#    libjvm.so stripped of symbols, then gzipped, is 17 MiB against 39 MiB for --compress=2 as a
#    folder (its zip-compressed module file gzips poorly, and libjvm.so is 24 MiB unstripped).
modules=java.base,java.logging,java.xml,java.sql,jdk.unsupported,jdk.zipfs,jdk.incubator.vector
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=0 \
  --output "$work/jre" 2> >(grep -v '^WARNING: Using incubator modules' >&2)
if command -v strip >/dev/null; then
  strip --strip-unneeded "$work/jre/lib/server/libjvm.so"
else
  echo "prepare.sh: warning: no strip; libjvm.so travels with its symbols (+4 MiB)" >&2
fi
"$work/jre/bin/java" -version >/dev/null 2>&1 || die "the jlink'ed runtime does not start"
tar -C "$work" -czf "$carry/jre.tar.gz" jre

# 2. The jars, one flat folder (same file name = same artifact). bench/target/lib has blurdm-core as
#    blurdm-core-<version>.jar; blurdm/target/blurdm-core.jar (the same classes) stays out.
cp "$root/bench/target/blurdm-bench.jar" "$carry/lib/"
cp -n "$root/bench/target/lib/"*.jar "$root/blurdm/target/lib/"*.jar "$carry/lib/"
cp -n "$root/runtime/target/blurdm-runtime-0.1.0-SNAPSHOT-tests.jar" "$carry/lib/"
# JMH and its helpers are for the JMH benchmarks, not for run.sh.
rm -f "$carry/lib/"jmh-core-*.jar "$carry/lib/"jopt-simple-*.jar "$carry/lib/"commons-math3-*.jar
ls "$carry/lib/"blurdm-core-*.jar >/dev/null 2>&1 || die "no blurdm-core-<version>.jar in bench/target/lib"

# 2b. JCuda's natives jar holds a JNI library per CUDA library (driver, runtime, NVRTC, nvPTXCompiler:
#     26 MB unpacked); keep only those of the JCuda packages our jars use (jdeps), at the same paths
#     (lib/libJ*-<version>-linux-x86_64.so: JCuda's LibUtils extracts them from the class path).
natives_jar="$(ls "$carry/lib/"jcuda-natives-*-linux-x86_64.jar)"
jcuda_pkgs="$("$jdk/bin/jdeps" -verbose:package --multi-release 17 -cp "$carry/lib/*" "$carry/lib/"blurdm-*.jar 2>/dev/null \
  | grep -oE -- '-> +jcuda[.a-z]*' | sed -E 's/-> +//' | sort -u | tr '\n' ' ')"
[[ "$jcuda_pkgs" == *jcuda.driver* ]] || die "jdeps finds no use of jcuda.driver in our jars (got: $jcuda_pkgs)"
keep=()
for pkg in $jcuda_pkgs; do
  case "$pkg" in
    jcuda) ;;                                   # Pointer & co.: natives come with the driver library
    jcuda.driver) keep+=(JCudaDriver) ;;
    jcuda.nvrtc) keep+=(JNvrtc) ;;
    jcuda.runtime) keep+=(JCudaRuntime) ;;
    jcuda.nvptxcompiler) keep+=(JNvPTXCompiler) ;;
    *) die "our jars use $pkg; add its native library to the keep list in prepare.sh" ;;
  esac
done
mkdir -p "$work/natives"
(cd "$work/natives" && "$jdk/bin/jar" -xf "$natives_jar")
for so in "$work/natives/lib/"*.so; do
  base="$(basename "$so")"
  wanted=0
  for k in "${keep[@]}"; do [[ "$base" == "lib$k-"* ]] && wanted=1; done
  [[ $wanted == 1 ]] || rm "$so"
done
kept="$(cd "$work/natives/lib" && ls *.so | tr '\n' ' ')"
[[ $(ls "$work/natives/lib/"*.so | wc -l) == "${#keep[@]}" ]] || die "natives jar: wanted ${keep[*]}, kept $kept"
rm "$natives_jar"
(cd "$work/natives" && "$jdk/bin/jar" --create --file "$natives_jar" --manifest META-INF/MANIFEST.MF lib META-INF/maven)
echo "prepare.sh: $(basename "$natives_jar") repacked with $kept(jcuda packages used: $jcuda_pkgs)"
# Each kept library must be found and extracted by JCuda's loader: without a GPU the load then fails on
# libcuda.so.1 / libnvrtc.so.12 (the CUDA libraries it links), never on a missing JNI library.
mkdir -p "$work/tmp"
check="$("$jdk/bin/java" -Djava.io.tmpdir="$work/tmp" -cp "$carry/lib/*" "$root/bench/gpu/JCudaNativesCheck.java" \
  "${keep[@]}" 2>&1)" || die "JCuda natives check failed: $check"
echo "$check" | sed 's/^/prepare.sh: /'

# 3. The JUnit Platform console launcher matching the parent pom's JUnit (5.x.y -> platform 1.x.y).
junit="$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' "$root/pom.xml" | head -1)"
[[ -n "$junit" ]] || die "cannot read junit.version from $root/pom.xml"
if [[ "$junit" == 5.* ]]; then platform="1.${junit#5.}"; else platform="$junit"; fi
console="org.junit.platform:junit-platform-console-standalone:$platform"
(cd "$root" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy -Dartifact="$console" \
  -DoutputDirectory="$carry/tools" -Dmdep.stripVersion=true >/dev/null) \
  || die "could not fetch $console (Maven Central or ~/.m2)"
[[ -f "$carry/tools/junit-platform-console-standalone.jar" ]] || die "console launcher missing after dependency:copy"

# 4. Sanity: the runtime image runs and sees the vector module; the CLI starts on it.
"$work/jre/bin/java" --list-modules 2>/dev/null | sed 's/@.*//' | tr '\n' ' ' | sed 's/^/prepare.sh: modules: /; s/$/\n/'
"$work/jre/bin/java" --add-modules jdk.incubator.vector -cp "$carry/lib/*" io.github.blurdm.blurdm.cli.BlurdmCli info \
  >/dev/null 2>&1 || die "\`blurdm info\` does not run on the jlink'ed runtime"
{
  echo "prepared $(date -u +%Y-%m-%dT%H:%M:%SZ) from $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$root" && git diff --quiet 2>/dev/null || echo '+dirty')"
  echo "jdk $jdk ($("$jdk/bin/java" -version 2>&1 | head -1)); modules $modules"
  echo "junit console $platform"
} >"$carry/PREPARED.txt"

mib() { du -sm "$1" | cut -f1; }
echo "prepare.sh: carry contents (MiB):"
printf '  %-11s %4s  %s\n' jre.tar.gz "$(mib "$carry/jre.tar.gz")" "jlink'ed Java $jdk_version runtime ($(mib "$work/jre") MiB unpacked)"
printf '  %-11s %4s  %s\n' lib/ "$(mib "$carry/lib")" "$(ls "$carry/lib" | wc -l) jars (JCuda natives: $kept)"
printf '  %-11s %4s  %s\n' tools/ "$(mib "$carry/tools")" "junit-platform-console-standalone $platform"
total="$(mib "$carry")"
tree="$(cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 du -cm 2>/dev/null | tail -1 | cut -f1)"
echo "prepare.sh: bench/gpu/carry is $total MiB; the rest of the working tree about $tree MiB (64 MiB travel in all)"
(( total <= limit_mib )) || die "bench/gpu/carry is $total MiB, over the $limit_mib MiB budget"
echo "prepare.sh: done; on the GPU machine: bash bench/gpu/run.sh (carry bench/gpu/carry)"
