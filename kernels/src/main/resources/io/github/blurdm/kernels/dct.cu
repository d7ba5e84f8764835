// dct.cu: LoFormer's orthonormal 2-D DCT of whole feature maps (dct2d), as batched matrix products
// C[b] = A[b] B[b] (row-major, float32; a batch stride of 0 shares that matrix across the batch). The
// launcher (Dct2dCuda) runs two: along the width Y = x Bw over all planes at once (M = planes * H,
// K = N = W, Bw = C_W^T or C_W), then along the height out[p] = Ah Y[p] per plane (M = K = H, N = W,
// Ah = C_H or C_H^T shared), the order of the official code and of Dct2dCpu. The DCT bases are built
// on the host (DctBasis: double, rounded to float) and uploaded once per size.
//
// Versions:
//   v1  batched_gemm_v1: plain port of the CPU loop, one thread per output element, float sum in k order.
//       Launch: block (16, 16), grid (ceil(N/16), ceil(M/16), batch).
//   v2  batched_gemm_v2: 64x64 output tile per block, K in steps of 16 staged in shared memory (A
//       transposed so both reads are conflict-free), 4x4 outputs per thread in registers; edges
//       zero-filled on load and guarded on store.
//       Launch: block 256, grid (ceil(N/64), ceil(M/64), batch).
//   H100 time at the benchmark shape: not yet measured (no GPU run so far).

#define G2_TILE 64
#define G2_K 16

extern "C" __global__ void batched_gemm_v1(float* __restrict__ c, const float* __restrict__ a,
                                           const float* __restrict__ b, int M, int N, int K,
                                           long long strideA, long long strideB, long long strideC) {
    int col = blockIdx.x * blockDim.x + threadIdx.x;
    int row = blockIdx.y * blockDim.y + threadIdx.y;
    if (row >= M || col >= N) {
        return;
    }
    const float* ab = a + blockIdx.z * strideA + (long long) row * K;
    const float* bb = b + blockIdx.z * strideB + col;
    float s = 0.0f;
    for (int k = 0; k < K; k++) {
        s += ab[k] * bb[(long long) k * N];
    }
    c[blockIdx.z * strideC + (long long) row * N + col] = s;
}

extern "C" __global__ void __launch_bounds__(256)
batched_gemm_v2(float* __restrict__ c, const float* __restrict__ a, const float* __restrict__ b, int M, int N,
                int K, long long strideA, long long strideB, long long strideC) {
    __shared__ float as[G2_K][G2_TILE + 4];   // as[k][m]: A's tile transposed
    __shared__ float bs[G2_K][G2_TILE + 4];   // bs[k][n]
    const float* ab = a + blockIdx.z * strideA;
    const float* bb = b + blockIdx.z * strideB;
    int m0 = blockIdx.y * G2_TILE;
    int n0 = blockIdx.x * G2_TILE;
    int tx = threadIdx.x & 15;   // output columns n0 + tx*4 ..
    int ty = threadIdx.x >> 4;   // output rows m0 + ty*4 ..
    float acc[4][4];
#pragma unroll
    for (int i = 0; i < 4; i++) {
#pragma unroll
        for (int j = 0; j < 4; j++) {
            acc[i][j] = 0.0f;
        }
    }
    for (int k0 = 0; k0 < K; k0 += G2_K) {
        // 64x16 of A and 16x64 of B: 1024 values each, 4 per thread
#pragma unroll
        for (int l = 0; l < 4; l++) {
            int e = threadIdx.x + l * 256;
            int am = e >> 4;          // A: 16 consecutive threads read one row's 16 k values
            int ak = e & 15;
            int gm = m0 + am;
            int gk = k0 + ak;
            as[ak][am] = gm < M && gk < K ? ab[(long long) gm * K + gk] : 0.0f;
            int bk = e >> 6;          // B: 64 consecutive threads read one row's 64 n values
            int bn = e & 63;
            int gn = n0 + bn;
            int gkb = k0 + bk;
            bs[bk][bn] = gkb < K && gn < N ? bb[(long long) gkb * N + gn] : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int k = 0; k < G2_K; k++) {
            float ar[4];
            float br[4];
#pragma unroll
            for (int i = 0; i < 4; i++) {
                ar[i] = as[k][ty * 4 + i];
                br[i] = bs[k][tx * 4 + i];
            }
#pragma unroll
            for (int i = 0; i < 4; i++) {
#pragma unroll
                for (int j = 0; j < 4; j++) {
                    acc[i][j] += ar[i] * br[j];
                }
            }
        }
        __syncthreads();
    }
    float* cb = c + blockIdx.z * strideC;
#pragma unroll
    for (int i = 0; i < 4; i++) {
        int gm = m0 + ty * 4 + i;
        if (gm >= M) {
            continue;
        }
#pragma unroll
        for (int j = 0; j < 4; j++) {
            int gn = n0 + tx * 4 + j;
            if (gn < N) {
                cb[(long long) gm * N + gn] = acc[i][j];
            }
        }
    }
}
