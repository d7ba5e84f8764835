/**
 * One JMH benchmark per op ({@code Conv2dBench}, {@code LinearBench}), seeded random inputs, the CPU
 * backend with its Vector API paths ({@code backend=vector}) or the scalar reference loops
 * ({@code backend=scalar}); thread count from {@code -Dblurdm.threads} (default 2, to compare with
 * PyTorch at {@code torch.set_num_threads(2)}). The forked JVM gets {@code --add-modules jdk.incubator.vector}.
 */
package io.github.blurdm.bench.ops;
