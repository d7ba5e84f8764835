// elementwise.cu: relu, leaky_relu, gelu, add, mul, channel_affine (any shape, float32, contiguous).
//
// Versions (every op has both; the launcher maps op and version to the entry point):
//   v1  relu_v1, leaky_relu_v1, gelu_v1, add_v1, mul_v1, channel_affine_v1:
//       plain port of the CPU loop, one thread per element, grid-stride loop.
//       Launch: block 256, grid min(ceil(n/256), 8192) (any grid works: grid-stride).
//   v2  relu_v2, leaky_relu_v2, gelu_v2, add_v2, mul_v2, channel_affine_v2:
//       float4 loads/stores (16 B per thread per step) for the first n/4*4 elements, scalar tail
//       done by the first threads; channel_affine_v2 runs one block row per (n,c) plane so the
//       per-plane scale and shift are read once. Needs 16-byte aligned pointers (pool blocks are).
//       Launch: block 256, grid ceil(n/4/256) capped (grid-stride); channel_affine_v2 grid (x, N*C).
//   v1  gelu_gate_v1: out[n,c,q] = gelu(x[n,c,q]) * x[n,C+c,q] for x [N,2C,...] (FFTformer's DFFN gate),
//       one thread per output, grid-stride; no v2: it reads two inputs per output, as add does.
//       Launch: block 256, grid min(ceil(n/256), 8192).
//   H100 time at the benchmark shape: not yet measured (no GPU run so far).
//
// Semantics match runtime/.../cpu/*Cpu.java exactly: relu is v > 0 ? v : 0, leaky_relu is
// v >= 0 ? v : v*slope, gelu is v/2 (1 + erf(v/sqrt 2)), channel_affine rounds the product
// before the sum (__fmul_rn stops the compiler from contracting it into an fma).

__device__ __forceinline__ float ew_relu(float v) { return v > 0.0f ? v : 0.0f; }
__device__ __forceinline__ float ew_leaky(float v, float slope) { return v >= 0.0f ? v : __fmul_rn(v, slope); }
__device__ __forceinline__ float ew_gelu(float v) { return 0.5f * v * (1.0f + erff(v * 0.70710678118654752440f)); }

// ------------------------------------------------------------------------------------------ v1

extern "C" __global__ void relu_v1(float* __restrict__ out, const float* __restrict__ x, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        out[i] = ew_relu(x[i]);
    }
}

extern "C" __global__ void leaky_relu_v1(float* __restrict__ out, const float* __restrict__ x, int n, float slope) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        out[i] = ew_leaky(x[i], slope);
    }
}

extern "C" __global__ void gelu_v1(float* __restrict__ out, const float* __restrict__ x, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        out[i] = ew_gelu(x[i]);
    }
}

// out may alias a or b (the Backend contract allows it), so no __restrict__ on these.
extern "C" __global__ void add_v1(float* out, const float* a, const float* b, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        out[i] = a[i] + b[i];
    }
}

extern "C" __global__ void mul_v1(float* out, const float* a, const float* b, int n) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        out[i] = a[i] * b[i];
    }
}

// x [N,C,plane]; scale, shift [N,C]. out may be x.
extern "C" __global__ void channel_affine_v1(float* out, const float* x, const float* __restrict__ scale,
                                             const float* __restrict__ shift, int n, int plane) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        int nc = i / plane;
        out[i] = __fmul_rn(x[i], scale[nc]) + shift[nc];
    }
}

// ------------------------------------------------------------------------------------------ v2
// Unary ops: out may be x (in place), which is fine element by element; no __restrict__.

#define EW_UNARY_V2(NAME, EXPR, ...)                                                              \
extern "C" __global__ void NAME(float* out, const float* x, int n __VA_ARGS__) {                 \
    int n4 = n >> 2;                                                                             \
    const float4* x4 = (const float4*) x;                                                        \
    float4* o4 = (float4*) out;                                                                  \
    int stride = gridDim.x * blockDim.x;                                                         \
    int t = blockIdx.x * blockDim.x + threadIdx.x;                                               \
    for (int i = t; i < n4; i += stride) {                                                       \
        float4 v = x4[i];                                                                        \
        float4 r;                                                                                \
        { float e = v.x; r.x = (EXPR); }                                                         \
        { float e = v.y; r.y = (EXPR); }                                                         \
        { float e = v.z; r.z = (EXPR); }                                                         \
        { float e = v.w; r.w = (EXPR); }                                                         \
        o4[i] = r;                                                                               \
    }                                                                                            \
    for (int i = (n4 << 2) + t; i < n; i += stride) {                                            \
        float e = x[i];                                                                          \
        out[i] = (EXPR);                                                                         \
    }                                                                                            \
}

EW_UNARY_V2(relu_v2, ew_relu(e))
EW_UNARY_V2(leaky_relu_v2, ew_leaky(e, slope), , float slope)
EW_UNARY_V2(gelu_v2, ew_gelu(e))

#define EW_BINARY_V2(NAME, OP)                                                                   \
extern "C" __global__ void NAME(float* out, const float* a, const float* b, int n) {            \
    int n4 = n >> 2;                                                                             \
    const float4* a4 = (const float4*) a;                                                        \
    const float4* b4 = (const float4*) b;                                                        \
    float4* o4 = (float4*) out;                                                                  \
    int stride = gridDim.x * blockDim.x;                                                         \
    int t = blockIdx.x * blockDim.x + threadIdx.x;                                               \
    for (int i = t; i < n4; i += stride) {                                                       \
        float4 u = a4[i];                                                                        \
        float4 v = b4[i];                                                                        \
        float4 r;                                                                                \
        r.x = u.x OP v.x;                                                                        \
        r.y = u.y OP v.y;                                                                        \
        r.z = u.z OP v.z;                                                                        \
        r.w = u.w OP v.w;                                                                        \
        o4[i] = r;                                                                               \
    }                                                                                            \
    for (int i = (n4 << 2) + t; i < n; i += stride) {                                            \
        out[i] = a[i] OP b[i];                                                                   \
    }                                                                                            \
}

EW_BINARY_V2(add_v2, +)
EW_BINARY_V2(mul_v2, *)

// One block row (blockIdx.y) per (n,c) plane: scale and shift read once per thread; plain
// float loads along the plane (planes need not be a multiple of 4 long, so no float4 here).
extern "C" __global__ void channel_affine_v2(float* out, const float* x, const float* __restrict__ scale,
                                             const float* __restrict__ shift, int n, int plane) {
    int nc = blockIdx.y;
    float k = scale[nc];
    float v = shift[nc];
    const float* src = x + (long long) nc * plane;
    float* dst = out + (long long) nc * plane;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < plane; i += gridDim.x * blockDim.x) {
        dst[i] = __fmul_rn(src[i], k) + v;
    }
}

// ------------------------------------------------------------------------------------------ gelu_gate

extern "C" __global__ void gelu_gate_v1(float* __restrict__ out, const float* __restrict__ x, int C, int inner,
                                        int n) {
    int half = C * inner;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        int img = i / half;
        int src = i + img * half;   // x[img, c, q] sits at img*2*half + c*inner + q
        out[i] = ew_gelu(x[src]) * x[src + half];
    }
}
