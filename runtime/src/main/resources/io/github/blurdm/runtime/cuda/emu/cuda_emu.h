// cuda_emu.h: the CUDA built-ins the project's kernels use, for compiling the very same .cu sources
// with the host C++ compiler (g++ >= 12, -std=c++17) into a module the emulated device runs.
// Force-included before each kernel file (-include cuda_emu.h) with the defines NVRTC gets.
//
// Execution model (emu_device.cpp): a block's threads are fibers of one OS thread, switched at
// every barrier and warp collective, so
//   - __shared__ variables are thread_local: one copy per OS thread, i.e. per running block,
//     poisoned with NaN by the device at each block start;
//   - `extern __shared__` arrays (dynamic shared memory) are thread_local arrays the module defines
//     (EMU_MAX_DYNAMIC_SHARED bytes, the GPU's limit without opt-in);
//   - threadIdx & co. read the running fiber's description.
// Inline PTX has no host meaning: kernels keep each `asm` in a small device function guarded by
// #ifndef BLURDM_EMULATED, and this header supplies the emulation (TF32 cvt and mma below).
//
// BLURDM_EMU_SCAN: set for the preprocessor pass that finds the kernels of a file; __global__,
// __launch_bounds__ and __shared__ then expand to markers instead of code.
#ifndef BLURDM_CUDA_EMU_H
#define BLURDM_CUDA_EMU_H

#define BLURDM_EMULATED 1
#define __CUDACC__ 1
#define __CUDA_ARCH__ 800   // the emulated device is an sm_80: TF32 mma.sync exists
#define __NVCC__ 1

#ifdef BLURDM_EMU_SCAN
#define __global__ __emu_kernel__
#define __launch_bounds__(...) __emu_bounds__(__VA_ARGS__)
#define __shared__ __emu_shared__
#else

#include "emu_abi.h"
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <type_traits>

#define __global__
#define __launch_bounds__(...)
#define __shared__ thread_local
#endif

#define __device__
#define __host__
#define __constant__ static
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
// __restrict__ is a g++ keyword already.

#ifndef BLURDM_EMU_SCAN

struct uint3 {
    unsigned int x, y, z;
};
struct dim3 {
    unsigned int x, y, z;
};

// Vector types with the GPU's alignment (a float4 load is one 16-byte access there).
struct alignas(8) float2 {
    float x, y;
};
struct alignas(16) float4 {
    float x, y, z, w;
};
struct alignas(8) int2 {
    int x, y;
};
struct alignas(16) int4 {
    int x, y, z, w;
};
static inline float2 make_float2(float x, float y) { return {x, y}; }
static inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
static inline int2 make_int2(int x, int y) { return {x, y}; }
static inline int4 make_int4(int x, int y, int z, int w) { return {x, y, z, w}; }

#define threadIdx (*reinterpret_cast<const uint3*>(&emu_self()->threadIdx))
#define blockIdx (*reinterpret_cast<const uint3*>(&emu_self()->blockIdx))
#define blockDim (*reinterpret_cast<const dim3*>(&emu_self()->blockDim))
#define gridDim (*reinterpret_cast<const dim3*>(&emu_self()->gridDim))
#define warpSize 32

// ----------------------------------------------------------------------------- synchronisation

#define __syncthreads() emu_syncthreads()

static inline void __syncwarp(unsigned int mask = 0xffffffffu) {
    uint32_t none = 0;
    emu_warp_collective(mask, &none, 1, "__syncwarp");
}

static inline void __threadfence() {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
static inline void __threadfence_block() {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline unsigned int __activemask() {
    return emu_active_mask();
}

static inline void __trap() {
    emu_trap("__trap()");
}

// ----------------------------------------------------------------------------- warp shuffles, votes

namespace emu_detail {
template <class T>
struct Words {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8, "warp shuffles move 4- or 8-byte values");
    static constexpr int n = sizeof(T) / 4;
};

// Exchanges v over the warp; returns the value of lane src (own value when src is out of the
// width segment, as the hardware does), poison when src is not in mask.
template <class T>
static inline T shuffle(unsigned int mask, T v, int src, const char* what) {
    uint32_t mine[2] = {0, 0};
    memcpy(mine, &v, sizeof(T));
    const uint32_t* all = emu_warp_collective(mask, mine, Words<T>::n, what);
    T r;
    memcpy(&r, all + src * Words<T>::n, sizeof(T));
    return r;
}

static inline int lane() {
    return emu_self()->lane;
}
}  // namespace emu_detail

template <class T>
static inline T __shfl_sync(unsigned int mask, T v, int srcLane, int width = 32) {
    int lane = emu_detail::lane();
    int base = lane & ~(width - 1);
    return emu_detail::shuffle(mask, v, base + (srcLane & (width - 1)), "__shfl_sync");
}

template <class T>
static inline T __shfl_xor_sync(unsigned int mask, T v, int laneMask, int width = 32) {
    int lane = emu_detail::lane();
    int src = lane ^ laneMask;
    if ((src & ~(width - 1)) != (lane & ~(width - 1))) {
        src = lane;
    }
    return emu_detail::shuffle(mask, v, src, "__shfl_xor_sync");
}

template <class T>
static inline T __shfl_down_sync(unsigned int mask, T v, unsigned int delta, int width = 32) {
    int lane = emu_detail::lane();
    int src = lane + (int) delta;
    if ((src & ~(width - 1)) != (lane & ~(width - 1))) {
        src = lane;
    }
    return emu_detail::shuffle(mask, v, src, "__shfl_down_sync");
}

template <class T>
static inline T __shfl_up_sync(unsigned int mask, T v, unsigned int delta, int width = 32) {
    int lane = emu_detail::lane();
    int src = lane - (int) delta;
    if (src < (lane & ~(width - 1))) {
        src = lane;
    }
    return emu_detail::shuffle(mask, v, src, "__shfl_up_sync");
}

static inline unsigned int __ballot_sync(unsigned int mask, int predicate) {
    uint32_t mine = predicate != 0;
    const uint32_t* all = emu_warp_collective(mask, &mine, 1, "__ballot_sync");
    unsigned int r = 0;
    for (int l = 0; l < EMU_WARP; l++) {
        if (((mask >> l) & 1u) && all[l] == 1u) {
            r |= 1u << l;
        }
    }
    return r;
}

static inline int __any_sync(unsigned int mask, int predicate) {
    return __ballot_sync(mask, predicate) != 0;
}

static inline int __all_sync(unsigned int mask, int predicate) {
    return __ballot_sync(mask, predicate) == mask;
}

// ----------------------------------------------------------------------------- atomics
// Blocks may run on several OS threads at once, so these are real atomics.

static inline int atomicAdd(int* p, int v) {
    return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}
static inline unsigned int atomicAdd(unsigned int* p, unsigned int v) {
    return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}
static inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
    return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}
static inline float atomicAdd(float* p, float v) {
    uint32_t* u = reinterpret_cast<uint32_t*>(p);
    uint32_t old = __atomic_load_n(u, __ATOMIC_SEQ_CST);
    for (;;) {
        float f;
        memcpy(&f, &old, 4);
        f += v;
        uint32_t nw;
        memcpy(&nw, &f, 4);
        if (__atomic_compare_exchange_n(u, &old, nw, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
            memcpy(&f, &old, 4);
            return f;
        }
    }
}
static inline int atomicMax(int* p, int v) {
    int old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    while (old < v && !__atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    }
    return old;
}
static inline int atomicMin(int* p, int v) {
    int old = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    while (old > v && !__atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    }
    return old;
}
static inline int atomicExch(int* p, int v) {
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}
static inline int atomicCAS(int* p, int expected, int desired) {
    __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return expected;
}
static inline unsigned int atomicCAS(unsigned int* p, unsigned int expected, unsigned int desired) {
    __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return expected;
}
static inline unsigned long long atomicCAS(unsigned long long* p, unsigned long long expected,
                                           unsigned long long desired) {
    __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return expected;
}

// ----------------------------------------------------------------------------- math intrinsics
// Modules are compiled with -ffp-contract=off, so each operator below rounds once, as the _rn
// intrinsics do on the GPU. Fast-math intrinsics (__expf ...) are computed exactly: the emulator
// proves indexing and synchronisation, not last-bit agreement with the GPU's approximations.

static inline float __fadd_rn(float a, float b) { return a + b; }
static inline float __fsub_rn(float a, float b) { return a - b; }
static inline float __fmul_rn(float a, float b) { return a * b; }
static inline float __fdiv_rn(float a, float b) { return a / b; }
static inline float __fdividef(float a, float b) { return a / b; }
static inline float __frcp_rn(float a) { return 1.0f / a; }
static inline float __fsqrt_rn(float a) { return sqrtf(a); }
static inline float __fma_rn(float a, float b, float c) { return fmaf(a, b, c); }
static inline double __dadd_rn(double a, double b) { return a + b; }
static inline double __dsub_rn(double a, double b) { return a - b; }
static inline double __dmul_rn(double a, double b) { return a * b; }
static inline double __ddiv_rn(double a, double b) { return a / b; }
static inline double __dsqrt_rn(double a) { return sqrt(a); }
static inline double __fma_rn(double a, double b, double c) { return fma(a, b, c); }
static inline float rsqrtf(float a) { return 1.0f / sqrtf(a); }
static inline double rsqrt(double a) { return 1.0 / sqrt(a); }
// __expf, __logf, __sinf, __cosf, __tanhf, __powf: glibc's functions of those names.
static inline float __saturatef(float a) { return a < 0.0f ? 0.0f : (a > 1.0f ? 1.0f : (a != a ? 0.0f : a)); }

static inline float __int_as_float(int v) { float f; memcpy(&f, &v, 4); return f; }
static inline int __float_as_int(float f) { int v; memcpy(&v, &f, 4); return v; }
static inline float __uint_as_float(unsigned int v) { float f; memcpy(&f, &v, 4); return f; }
static inline unsigned int __float_as_uint(float f) { unsigned int v; memcpy(&v, &f, 4); return v; }
static inline double __longlong_as_double(long long v) { double d; memcpy(&d, &v, 8); return d; }
static inline long long __double_as_longlong(double d) { long long v; memcpy(&v, &d, 8); return v; }

static inline unsigned int __umulhi(unsigned int a, unsigned int b) {
    return (unsigned int) (((unsigned long long) a * b) >> 32);
}
static inline int __mulhi(int a, int b) {
    return (int) (((long long) a * b) >> 32);
}
static inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
    return (unsigned long long) (((unsigned __int128) a * b) >> 64);
}
static inline int __popc(unsigned int v) { return __builtin_popcount(v); }
static inline int __popcll(unsigned long long v) { return __builtin_popcountll(v); }
static inline int __clz(int v) { return v == 0 ? 32 : __builtin_clz((unsigned int) v); }
static inline int __ffs(int v) { return __builtin_ffs(v); }
template <class T>
static inline T __ldg(const T* p) { return *p; }

// CUDA's device code has min/max overloads in the global namespace.
static inline int min(int a, int b) { return a < b ? a : b; }
static inline int max(int a, int b) { return a > b ? a : b; }
static inline unsigned int min(unsigned int a, unsigned int b) { return a < b ? a : b; }
static inline unsigned int max(unsigned int a, unsigned int b) { return a > b ? a : b; }
static inline long long min(long long a, long long b) { return a < b ? a : b; }
static inline long long max(long long a, long long b) { return a > b ? a : b; }
static inline float min(float a, float b) { return fminf(a, b); }
static inline float max(float a, float b) { return fmaxf(a, b); }
static inline double min(double a, double b) { return fmin(a, b); }
static inline double max(double a, double b) { return fmax(a, b); }

// ----------------------------------------------------------------------------- TF32 tensor cores
// The emulations of the kernels' PTX helpers (PTX ISA: cvt; "Matrix fragments for mma.m16n8k8").

// cvt.rna.tf32.f32: round to the nearest TF32 value (10 mantissa bits), ties away from zero; the
// result is an fp32 bit pattern with the low 13 bits clear. NaN stays NaN, infinities stay.
static inline unsigned int blurdm_cvt_rna_tf32(float f) {
    unsigned int u = __float_as_uint(f);
    if ((u & 0x7f800000u) == 0x7f800000u) {
        return (u & 0x007fffffu) != 0 ? 0x7fffe000u : u;
    }
    return (u + 0x1000u) & 0xffffe000u;
}

// mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32, d = a * b + c over the warp. Lane l holds,
// with gid = l / 4 and tig = l % 4:
//   A (16x8, row-major): a0 (gid, tig), a1 (gid+8, tig), a2 (gid, tig+4), a3 (gid+8, tig+4)
//   B (8x8, column):     b0 (row tig, col gid), b1 (row tig+4, col gid)
//   C, D (16x8):         c0 (gid, 2 tig), c1 (gid, 2 tig+1), c2 (gid+8, 2 tig), c3 (gid+8, 2 tig+1)
// The tensor core reads only the TF32 bits of each operand (low 13 bits ignored); products of
// TF32 values are exact in fp32, and the eight of a dot product are summed before one rounding
// with c (accumulation order inside the hardware is not specified; this is one valid order).
static inline void blurdm_mma_m16n8k8_tf32(float d[4], const unsigned int a[4], const unsigned int b[2],
                                           const float c[4]) {
    uint32_t mine[10];
    for (int i = 0; i < 4; i++) {
        mine[i] = a[i];
        mine[4 + i] = __float_as_uint(c[i]);
    }
    mine[8] = b[0];
    mine[9] = b[1];
    const uint32_t* all = emu_warp_collective(0xffffffffu, mine, 10, "mma.sync.m16n8k8.tf32");
    // Element (row, k) of A is held by lane (row % 8) * 4 + k % 4 in register (row >= 8) + 2 (k >= 4);
    // element (k, col) of B by lane col * 4 + k % 4 in register k >= 4; C as D (registers 4..7).
    int lane = emu_detail::lane();
    int gid = lane >> 2;
    int tig = lane & 3;
    for (int i = 0; i < 4; i++) {
        int row = gid + (i >= 2 ? 8 : 0);
        int col = 2 * tig + (i & 1);
        double s = 0.0;
        for (int k = 0; k < 8; k++) {
            uint32_t a = all[((row & 7) * 4 + (k & 3)) * 10 + (row >= 8) + 2 * (k >= 4)];
            uint32_t b = all[(col * 4 + (k & 3)) * 10 + 8 + (k >= 4)];
            s += (double) (__uint_as_float(a & 0xffffe000u) * __uint_as_float(b & 0xffffe000u));
        }
        uint32_t c = all[((row & 7) * 4 + (col >> 1)) * 10 + 4 + (row >= 8 ? 2 : 0) + (col & 1)];
        d[i] = (float) (s + (double) __uint_as_float(c));
    }
}

// ----------------------------------------------------------------------------- module registration
// The generated footer of each module lists its kernels with EMU_KERNEL; parameter kinds and sizes
// come from the kernel's own type, so a launch that passes a long for an int is caught by name.

namespace emu_reg {
template <class T>
constexpr char kind() {
    if constexpr (std::is_pointer<T>::value) {
        return std::is_const<typename std::remove_pointer<T>::type>::value ? 'r' : 'w';
    } else if constexpr (std::is_floating_point<T>::value) {
        return sizeof(T) == 4 ? 'f' : 'd';
    } else if constexpr (std::is_integral<T>::value) {
        return sizeof(T) == 4 ? 'i' : sizeof(T) == 8 ? 'l' : '?';
    } else {
        return '?';
    }
}

template <auto F>
struct Kernel;

template <class... A, void (*F)(A...)>
struct Kernel<F> {
    static constexpr int count = sizeof...(A);
    static constexpr char kinds[sizeof...(A) + 1] = {kind<A>()..., 0};
    static constexpr int sizes[sizeof...(A) + 1] = {(int) sizeof(A)..., 0};

    template <size_t... I>
    static void call(void** args, std::index_sequence<I...>) {
        F(*static_cast<A*>(args[I])...);
    }

    static void thunk(void** args) {
        call(args, std::index_sequence_for<A...>{});
    }
};
}  // namespace emu_reg

#define EMU_KERNEL(name, bounds, params)                                                               \
    {#name, &emu_reg::Kernel<&name>::thunk, (int) (bounds), emu_reg::Kernel<&name>::count,            \
     emu_reg::Kernel<&name>::kinds, emu_reg::Kernel<&name>::sizes, params}

#define EMU_MODULE(...)                                                                                \
    static thread_local char emu_tls_anchor_;                                                         \
    extern "C" void* emu_module_tls_anchor() { return &emu_tls_anchor_; }                             \
    extern "C" int emu_module_abi() { return EMU_ABI_VERSION; }                                       \
    static const emu_kernel_desc emu_kernels_[] = {__VA_ARGS__};                                      \
    extern "C" const emu_kernel_desc* emu_module_kernels(int* n) {                                    \
        *n = (int) (sizeof emu_kernels_ / sizeof emu_kernels_[0]);                                    \
        return emu_kernels_;                                                                           \
    }

#endif  // !BLURDM_EMU_SCAN
#endif
