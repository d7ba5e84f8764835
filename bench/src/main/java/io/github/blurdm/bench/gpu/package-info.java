/**
 * GPU timing without JMH: {@link io.github.blurdm.bench.gpu.GpuKernelBench} times every CUDA kernel
 * version with CUDA events at the model's shapes, for {@code bench/gpu/run.sh} on the GPU test machine.
 */
package io.github.blurdm.bench.gpu;
