/**
 * JMH benchmarks of blurdm-java. Build with {@code mvn -B -q -DskipTests package}, then run, e.g.:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp 'bench/target/blurdm-bench.jar:bench/target/lib/*' \
 *     org.openjdk.jmh.Main 'Conv2dBench' -p backend=vector -f 1 -wi 3 -i 5
 * </pre>
 *
 * or {@code bench/run_cpu_bench.sh}, which also times PyTorch and writes {@code bench/RESULTS.md}.
 * Benchmarks of single ops live in {@link io.github.blurdm.bench.ops}.
 */
package io.github.blurdm.bench;
