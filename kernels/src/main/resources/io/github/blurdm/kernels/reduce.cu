// reduce.cu: reductions over float32 tensors: global_avg_pool (mean of each [H,W] plane of
// x [N,C,H,W] into out [N,C]) and softmax (over the last dim, rows of length L; out may be x).
//
// Versions:
//   v1  global_avg_pool_v1: plain port of GlobalAvgPoolCpu, one thread per plane, double sum.
//       Launch: block 128, grid ceil(planes/128).
//   v2  global_avg_pool_v2: one block per plane, float partial sums over a strided loop, combined
//       by warp shuffles then across warps in shared memory.
//       Launch: block RED_THREADS (256, a multiple of 32), grid planes.
//   v1  softmax_v1: plain port of SoftmaxCpu, one thread per row: max, exp(x - max) with a double
//       sum, then multiply by the float reciprocal.
//       Launch: block 128, grid ceil(rows/128).
//   v2  softmax_v2: one warp per row: max and sum by warp shuffles (float sum), exp recomputed by
//       each lane on the elements it owns, so out may alias x.
//       Launch: block RED_THREADS (warps = rows per block), grid ceil(rows/(RED_THREADS/32)).
//   H100 time at the benchmark shape: not yet measured (no GPU run so far).
//
// Compile-time option: RED_THREADS (v2 block size, default 256).

#ifndef RED_THREADS
#define RED_THREADS 256
#endif

extern "C" __global__ void global_avg_pool_v1(float* __restrict__ out, const float* __restrict__ x,
                                              int planes, int plane) {
    int nc = blockIdx.x * blockDim.x + threadIdx.x;
    if (nc >= planes) {
        return;
    }
    const float* p = x + nc * plane;
    double s = 0.0;
    for (int i = 0; i < plane; i++) {
        s += p[i];
    }
    out[nc] = (float) (s / plane);
}

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, o);
    }
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    }
    return v;
}

extern "C" __global__ void __launch_bounds__(RED_THREADS)
global_avg_pool_v2(float* __restrict__ out, const float* __restrict__ x, int planes, int plane) {
    __shared__ float warps[RED_THREADS / 32];
    const float* p = x + blockIdx.x * plane;
    float s = 0.0f;
    for (int i = threadIdx.x; i < plane; i += RED_THREADS) {
        s += p[i];
    }
    s = warp_sum(s);
    int lane = threadIdx.x & 31;
    int wid = threadIdx.x >> 5;
    if (lane == 0) {
        warps[wid] = s;
    }
    __syncthreads();
    if (wid == 0) {
        float t = lane < RED_THREADS / 32 ? warps[lane] : 0.0f;
        t = warp_sum(t);
        if (lane == 0) {
            out[blockIdx.x] = t / plane;
        }
    }
}

extern "C" __global__ void softmax_v1(float* out, const float* x, int rows, int L) {
    int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= rows) {
        return;
    }
    const float* xp = x + r * L;
    float* op = out + r * L;
    float m = -__int_as_float(0x7f800000);
    for (int i = 0; i < L; i++) {
        m = fmaxf(m, xp[i]);
    }
    double s = 0.0;
    for (int i = 0; i < L; i++) {
        float e = expf(xp[i] - m);
        op[i] = e;
        s += e;
    }
    float inv = (float) (1.0 / s);
    for (int i = 0; i < L; i++) {
        op[i] *= inv;
    }
}

extern "C" __global__ void __launch_bounds__(RED_THREADS)
softmax_v2(float* out, const float* x, int rows, int L) {
    int r = blockIdx.x * (RED_THREADS / 32) + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (r >= rows) {
        return;   // whole warp leaves together: r is uniform across the warp
    }
    const float* xp = x + r * L;
    float* op = out + r * L;
    float m = -__int_as_float(0x7f800000);
    for (int i = lane; i < L; i += 32) {
        m = fmaxf(m, xp[i]);
    }
    m = warp_max(m);
    float s = 0.0f;
    for (int i = lane; i < L; i += 32) {
        float e = expf(xp[i] - m);
        op[i] = e;
        s += e;
    }
    s = warp_sum(s);
    float inv = 1.0f / s;
    for (int i = lane; i < L; i += 32) {
        op[i] *= inv;
    }
}
