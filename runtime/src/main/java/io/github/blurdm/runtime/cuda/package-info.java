/**
 * The CUDA backend: {@link io.github.blurdm.runtime.cuda.CudaBackend} over the JCuda driver API,
 * kernels from the {@code kernels} module compiled at run time by NVRTC
 * ({@link io.github.blurdm.runtime.cuda.KernelCompiler}, with an in-memory and on-disk module
 * cache), a caching device allocator ({@link io.github.blurdm.runtime.cuda.DeviceAllocator}),
 * device storage ({@link io.github.blurdm.runtime.cuda.CudaStorage}), one launcher per op
 * ({@code <Op>Cuda}, mapping kernel version to entry point) and device detection with the reason
 * it failed ({@link io.github.blurdm.runtime.cuda.CudaSupport}).
 */
package io.github.blurdm.runtime.cuda;
