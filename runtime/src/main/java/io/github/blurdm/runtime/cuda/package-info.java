/**
 * The CUDA backend: {@link io.github.blurdm.runtime.cuda.CudaBackend} over a device seam,
 * {@link io.github.blurdm.runtime.cuda.CudaDriver} (allocation, copies, stream, launch), with two
 * implementations: {@link io.github.blurdm.runtime.cuda.NativeCudaDriver} (the JCuda driver API,
 * kernels compiled at run time by NVRTC in {@link io.github.blurdm.runtime.cuda.KernelCompiler}, with
 * an in-memory and on-disk module cache, and pinned staging buffers) and
 * {@link io.github.blurdm.runtime.cuda.EmulatedCudaDriver} (the same kernel sources compiled by g++
 * with {@code emu/cuda_emu.h} and run on the CPU by a helper process, with checks a GPU does not
 * make). Also: a caching device allocator ({@link io.github.blurdm.runtime.cuda.DeviceAllocator}),
 * device storage ({@link io.github.blurdm.runtime.cuda.CudaStorage}), one launcher per op
 * ({@code <Op>Cuda}, mapping kernel version to entry point) and device detection with the reason it
 * failed ({@link io.github.blurdm.runtime.cuda.CudaSupport}).
 */
package io.github.blurdm.runtime.cuda;
