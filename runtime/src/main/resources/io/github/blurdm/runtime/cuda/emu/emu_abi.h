// emu_abi.h: the contract between kernel modules and the emulated device (emu_device.cpp).
// Kernel modules are the project's .cu files compiled by the host C++ compiler with cuda_emu.h;
// the device process loads them with dlopen and runs each block's threads as fibers of one OS
// thread. Plain C types only: both sides are built by the same compiler, but kept apart.
#ifndef BLURDM_EMU_ABI_H
#define BLURDM_EMU_ABI_H

#include <stdint.h>

#define EMU_ABI_VERSION 1
#define EMU_WARP 32
// Dynamic shared memory per block, as a GPU grants without cuFuncSetAttribute opt-in.
#define EMU_MAX_DYNAMIC_SHARED 49152

#ifdef __cplusplus
extern "C" {
#endif

struct emu_uint3 {
    unsigned int x, y, z;
};

// What one GPU thread sees; constant for the thread's life, so reads of it may be cached.
struct emu_thread {
    struct emu_uint3 threadIdx;
    struct emu_uint3 blockIdx;
    struct emu_uint3 blockDim;
    struct emu_uint3 gridDim;
    int linear;   // threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z)
    int lane;     // linear % 32
    int warp;     // linear / 32
};

// Parameter kinds, as the launch must pass them.
//   'w' pointer to writable memory, 'r' pointer to const, 'i' 32-bit integer, 'l' 64-bit integer,
//   'f' float, 'd' double, '?' anything else (passed by size only)
struct emu_kernel_desc {
    const char* name;
    void (*thunk)(void** args);
    int max_threads;           // __launch_bounds__, 0 when the kernel declares none
    int param_count;
    const char* param_kinds;   // param_count characters
    const int* param_sizes;    // bytes per parameter
    const char* param_names;   // comma-separated, as written in the source
};

// Called by kernel code (cuda_emu.h). The current thread's description; the same pointer for the
// whole life of a GPU thread, so declared const for the optimiser.
const struct emu_thread* emu_self(void) __attribute__((const));
void emu_syncthreads(void);
// Warp collective: the calling lanes of `mask` each contribute `words` 32-bit words; when all of
// them have arrived every caller gets all 32 lanes' words (lane-major, `words` per lane; lanes
// outside `mask` read as poison), valid until the caller's next collective. `what` names the
// built-in for error messages.
const uint32_t* emu_warp_collective(unsigned int mask, const uint32_t* mine, int words, const char* what);
// Lanes of the caller's warp that have not exited.
unsigned int emu_active_mask(void);
// Fails the running kernel with a message (a trap, an assertion).
void emu_trap(const char* what) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif
