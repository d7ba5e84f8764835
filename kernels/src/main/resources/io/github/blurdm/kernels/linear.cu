// linear.cu: out[M,Nout] = act(x[M,K] * w[Nout,K]^T + bias[Nout]) (PyTorch nn.Linear; leading dims
// of x flattened into M), float32; bias may be NULL.
//
// Versions:
//   v1  linear_v1: plain port of LinearCpu, one thread per output (m, j), K loop in the thread.
//       Launch: block 256, grid min(ceil(M*Nout/256), 65535) (grid-stride).
//   v2  linear_v2: one warp per output (m, j): lanes stride over K so the reads of x's row and
//       w's row are coalesced, a shuffle reduction combines them; the matrix-vector shape of the
//       prior's MLP (M = 1 or a few rows, K and Nout in the hundreds) keeps every SM busy.
//       Launch: block LIN_THREADS (256), grid ceil(M*Nout/(LIN_THREADS/32)).
//   H100 time at the benchmark shape: not yet measured (no GPU run so far).
//
// Compile-time options: ACT (0 none, 1 relu, 2 leaky relu with run-time slope, 3 gelu),
// LIN_THREADS.

#ifndef ACT
#define ACT 0
#endif
#ifndef LIN_THREADS
#define LIN_THREADS 256
#endif

__device__ __forceinline__ float linear_act(float v, float slope) {
#if ACT == 1
    return v > 0.0f ? v : 0.0f;
#elif ACT == 2
    return v >= 0.0f ? v : __fmul_rn(v, slope);
#elif ACT == 3
    return 0.5f * v * (1.0f + erff(v * 0.70710678118654752440f));
#else
    return v;
#endif
}

extern "C" __global__ void linear_v1(float* __restrict__ out, const float* __restrict__ x,
                                     const float* __restrict__ w, const float* __restrict__ bias,
                                     int M, int K, int Nout, float slope) {
    int total = M * Nout;
    for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
        int j = idx % Nout;
        int m = idx / Nout;
        const float* xp = x + m * K;
        const float* wp = w + j * K;
        float acc = 0.0f;
        for (int i = 0; i < K; i++) {
            acc += xp[i] * wp[i];
        }
        out[idx] = linear_act(acc + (bias != 0 ? bias[j] : 0.0f), slope);
    }
}

extern "C" __global__ void __launch_bounds__(LIN_THREADS)
linear_v2(float* __restrict__ out, const float* __restrict__ x, const float* __restrict__ w,
          const float* __restrict__ bias, int M, int K, int Nout, float slope) {
    int idx = blockIdx.x * (LIN_THREADS / 32) + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (idx >= M * Nout) {
        return;   // uniform across the warp
    }
    int j = idx % Nout;
    int m = idx / Nout;
    const float* xp = x + m * K;
    const float* wp = w + j * K;
    float acc = 0.0f;
    for (int i = lane; i < K; i += 32) {
        acc = fmaf(xp[i], wp[i], acc);
    }
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        acc += __shfl_xor_sync(0xffffffffu, acc, o);
    }
    if (lane == 0) {
        out[idx] = linear_act(acc + (bias != 0 ? bias[j] : 0.0f), slope);
    }
}
