/**
 * The CUDA C kernel sources (resources {@code io/github/blurdm/kernels/*.cu}, one per op family,
 * header-free and {@code extern "C"} so NVRTC compiles them without system headers) and their
 * catalogue, {@link io.github.blurdm.kernels.Kernels}. No JCuda here: the runtime compiles and
 * launches them.
 */
package io.github.blurdm.kernels;
