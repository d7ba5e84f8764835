// conv2d.cu: out[N,Cout,Ho,Wo] = act(conv(x[N,Cin,H,W], w[Cout,Cin/g,kH,kW]) + bias[Cout]), zero
// padding, PyTorch's output size; float32; bias may be NULL.
//
// Versions:
//   v1  conv2d_v1: plain port of Conv2dCpu, one thread per output element, any kernel size,
//       stride, padding, dilation and groups (all run-time arguments).
//       Launch: block 256, grid min(ceil(N*Cout*Ho*Wo/256), 65535) (grid-stride).
//   v2  conv2d_v2: implicit GEMM, exact fp32 (the default path). Per group g:
//       out[co, p] = sum_k W[co, k] * X[k, p] with k = (ci, ky, kx) (the weight's own layout, so
//       W is read as a row-major [Cout/g, K] matrix) and p = (n, oy, ox); X is gathered on the fly
//       from x (im2col never materialised). A BM x BN output tile per block, BK-deep slices of W
//       and X staged in shared memory, each thread accumulating a TM x TN register block (its
//       columns strided by BN/TN so that a warp's stores are contiguous). Bias and activation are
//       fused in the epilogue. Kernel size and stride are compile-time (-DKH, -DKW, -DSH, -DSW:
//       3x3 and 1x1 are the shapes that matter); padding, dilation and groups stay run-time.
//       Launch: block (BM/TM)*(BN/TN) = 256, grid (ceil(N*Ho*Wo/BN), ceil((Cout/g)/BM), g).
//   v3  conv2d_v3: the same tiling with TF32 tensor cores (mma.sync.m16n8k8, fp32 accumulate).
//       Inputs are rounded to TF32 (10-bit mantissa): about 1e-3 relative error, so it is never a
//       default; the caller chooses it explicitly (-Dblurdm.kernel.conv2d=3). 8 warps in a 2x4
//       grid, each warp a 32x16 piece of the 64x64 tile (2x2 mma tiles).
//       Launch: block 256, grid (ceil(N*Ho*Wo/64), ceil((Cout/g)/64), g).
//   H100 time at the benchmark shape: not yet measured (no GPU run so far).
//
// Compile-time options (all have defaults so the file compiles standalone):
//   ACT  fused activation: 0 none, 1 relu (v > 0 ? v : 0), 2 leaky relu (v >= 0 ? v : v*slope),
//        3 gelu (erf form)
//   KH, KW, SH, SW   kernel size and stride for v2/v3 (v1 ignores them)
//   BM, BN, BK, TM, TN   v2 tile sizes; (BM/TM)*(BN/TN) threads per block

#ifndef ACT
#define ACT 0
#endif
#ifndef KH
#define KH 3
#endif
#ifndef KW
#define KW 3
#endif
#ifndef SH
#define SH 1
#endif
#ifndef SW
#define SW 1
#endif
#ifndef BM
#define BM 64
#endif
#ifndef BN
#define BN 64
#endif
#ifndef BK
#define BK 16
#endif
#ifndef TM
#define TM 4
#endif
#ifndef TN
#define TN 4
#endif

#define CONV_NT ((BM / TM) * (BN / TN))

__device__ __forceinline__ float conv_act(float v, float slope) {
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

// Row k of the implicit im2col matrix at one output position (its window's corner iy0, ix0): the input value under
// kernel tap (ky, kx) of channel ci, k = (ci * KH + ky) * KW + kx, or 0 in the zero padding. v2 and v3 gather
// their B tiles with it.
__device__ __forceinline__ float conv_im2col(const float* __restrict__ xg, int k, int iy0, int ix0, int H, int W,
                                             int dh, int dw) {
    int ci = k / (KH * KW);
    int r = k - ci * (KH * KW);
    int ky = r / KW;
    int kx = r - ky * KW;
    int iy = iy0 + ky * dh;
    int ix = ix0 + kx * dw;
    return (iy >= 0 && iy < H && ix >= 0 && ix < W) ? xg[(ci * H + iy) * W + ix] : 0.0f;
}

// ------------------------------------------------------------------------------------------ v1

extern "C" __global__ void conv2d_v1(float* __restrict__ out, const float* __restrict__ x,
                                     const float* __restrict__ w, const float* __restrict__ bias,
                                     int N, int Cin, int H, int W, int Cout, int Ho, int Wo, int kh, int kw,
                                     int sh, int sw, int ph, int pw, int dh, int dw, int groups, float slope) {
    int total = N * Cout * Ho * Wo;
    int cinG = Cin / groups;
    int coutG = Cout / groups;
    for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
        int ox = idx % Wo;
        int t = idx / Wo;
        int oy = t % Ho;
        t /= Ho;
        int co = t % Cout;
        int n = t / Cout;
        int g = co / coutG;
        float acc = 0.0f;
        for (int ci = 0; ci < cinG; ci++) {
            const float* xp = x + (n * Cin + g * cinG + ci) * H * W;
            const float* wp = w + (co * cinG + ci) * kh * kw;
            for (int ky = 0; ky < kh; ky++) {
                int iy = oy * sh - ph + ky * dh;
                if (iy < 0 || iy >= H) {
                    continue;
                }
                for (int kx = 0; kx < kw; kx++) {
                    int ix = ox * sw - pw + kx * dw;
                    if (ix < 0 || ix >= W) {
                        continue;
                    }
                    acc += wp[ky * kw + kx] * xp[iy * W + ix];
                }
            }
        }
        out[idx] = conv_act(acc + (bias != 0 ? bias[co] : 0.0f), slope);
    }
}

// ------------------------------------------------------------------------------------------ v2

static_assert(CONV_NT % BN == 0, "threads per block must be a multiple of BN");
static_assert((BM * BK) % CONV_NT == 0 && (BK * BN) % CONV_NT == 0, "tiles must split evenly over threads");
static_assert(BM % TM == 0 && BN % TN == 0, "register blocks must tile the block tile");

extern "C" __global__ void __launch_bounds__(CONV_NT)
conv2d_v2(float* __restrict__ out, const float* __restrict__ x, const float* __restrict__ w,
          const float* __restrict__ bias, int N, int Cin, int H, int W, int Cout, int Ho, int Wo,
          int ph, int pw, int dh, int dw, int groups, float slope) {
    // As is stored k-major (transposed) so the compute loop reads a column of W as a row;
    // +4 padding spreads the transposing stores over more banks.
    __shared__ float As[BK][BM + 4];
    __shared__ float Bs[BK][BN];

    const int cinG = Cin / groups;
    const int coutG = Cout / groups;
    const int g = blockIdx.z;
    const int K = cinG * KH * KW;
    const int HoWo = Ho * Wo;
    const int P = N * HoWo;
    const int m0 = blockIdx.y * BM;
    const int p0 = blockIdx.x * BN;
    const int tid = threadIdx.x;
    const int tx = tid % (BN / TN);
    const int ty = tid / (BN / TN);

    // The X column this thread stages is fixed for the whole K loop: decode its pixel once.
    const int bcol = tid % BN;
    const int brow0 = tid / BN;
    const int pb = p0 + bcol;
    const bool pvalid = pb < P;
    int bn = 0;
    int boy = 0;
    int box = 0;
    if (pvalid) {
        bn = pb / HoWo;
        int r = pb - bn * HoWo;
        boy = r / Wo;
        box = r - boy * Wo;
    }
    const float* xg = x + (bn * Cin + g * cinG) * H * W;
    const int iy0 = boy * SH - ph;
    const int ix0 = box * SW - pw;
    const float* wg = w + g * coutG * K;

    float acc[TM][TN];
#pragma unroll
    for (int i = 0; i < TM; i++) {
#pragma unroll
        for (int j = 0; j < TN; j++) {
            acc[i][j] = 0.0f;
        }
    }

    for (int k0 = 0; k0 < K; k0 += BK) {
#pragma unroll
        for (int l = 0; l < (BM * BK) / CONV_NT; l++) {
            int idx = tid + l * CONV_NT;
            int m = idx / BK;
            int kk = idx % BK;
            int co = m0 + m;
            int k = k0 + kk;
            As[kk][m] = (co < coutG && k < K) ? wg[co * K + k] : 0.0f;
        }
#pragma unroll
        for (int l = 0; l < (BK * BN) / CONV_NT; l++) {
            int kk = brow0 + l * (CONV_NT / BN);
            int k = k0 + kk;
            Bs[kk][bcol] = (pvalid && k < K) ? conv_im2col(xg, k, iy0, ix0, H, W, dh, dw) : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < BK; kk++) {
            float a[TM];
            float b[TN];
#pragma unroll
            for (int i = 0; i < TM; i++) {
                a[i] = As[kk][ty + i * (BM / TM)];
            }
#pragma unroll
            for (int j = 0; j < TN; j++) {
                b[j] = Bs[kk][tx + j * (BN / TN)];
            }
#pragma unroll
            for (int i = 0; i < TM; i++) {
#pragma unroll
                for (int j = 0; j < TN; j++) {
                    acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
                }
            }
        }
        __syncthreads();
    }

#pragma unroll
    for (int j = 0; j < TN; j++) {
        int p = p0 + tx + j * (BN / TN);
        int n = p / HoWo;
        int pix = p - n * HoWo;
#pragma unroll
        for (int i = 0; i < TM; i++) {
            int co = m0 + ty + i * (BM / TM);
            if (p < P && co < coutG) {
                int c = g * coutG + co;
                float v = acc[i][j] + (bias != 0 ? bias[c] : 0.0f);
                out[(n * Cout + c) * HoWo + pix] = conv_act(v, slope);
            }
        }
    }
}

// ------------------------------------------------------------------------------------------ v3
// TF32 tensor cores. Fixed 64x64x16 tile, 256 threads (8 warps as 2 along M x 4 along N, each
// warp 32x16 = 2x2 m16n8 tiles). Fragment layouts of mma.sync.aligned.m16n8k8.row.col.f32.tf32
// (PTX ISA, "Matrix fragments for mma.m16n8k8"), with gid = lane/4 and tig = lane%4:
//   A (16x8, row): a0 (gid, tig), a1 (gid+8, tig), a2 (gid, tig+4), a3 (gid+8, tig+4)
//   B (8x8, col):  b0 (tig, gid), b1 (tig+4, gid)
//   C (16x8):      c0 (gid, 2*tig), c1 (gid, 2*tig+1), c2 (gid+8, 2*tig), c3 (gid+8, 2*tig+1)

#define V3_BM 64
#define V3_BN 64
#define V3_BK 16
#define V3_NT 256

// The two PTX instructions, each behind a small device function: the emulated device has no PTX
// and supplies its own versions of these (cuda_emu.h), built from the PTX ISA's definitions.
#ifndef BLURDM_EMULATED
// cvt.rna.tf32.f32: fp32 rounded to TF32 (nearest, ties away from zero), returned as its bits.
__device__ __forceinline__ unsigned blurdm_cvt_rna_tf32(float f) {
    unsigned r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(f));
    return r;
}

// d = a * b + c for one m16n8k8 TF32 tile held by the warp in the fragment layout above.
__device__ __forceinline__ void blurdm_mma_m16n8k8_tf32(float d[4], const unsigned a[4], const unsigned b[2],
                                                        const float c[4]) {
    d[0] = c[0];
    d[1] = c[1];
    d[2] = c[2];
    d[3] = c[3];
    asm volatile(
        "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 "
        "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}
#endif

extern "C" __global__ void __launch_bounds__(V3_NT)
conv2d_v3(float* __restrict__ out, const float* __restrict__ x, const float* __restrict__ w,
          const float* __restrict__ bias, int N, int Cin, int H, int W, int Cout, int Ho, int Wo,
          int ph, int pw, int dh, int dw, int groups, float slope) {
    // As[m][k] and Bs[k][n]; +4 / +8 padding keeps the fragment loads free of bank conflicts.
    __shared__ float As[V3_BM][V3_BK + 4];
    __shared__ float Bs[V3_BK][V3_BN + 8];

    const int cinG = Cin / groups;
    const int coutG = Cout / groups;
    const int g = blockIdx.z;
    const int K = cinG * KH * KW;
    const int HoWo = Ho * Wo;
    const int P = N * HoWo;
    const int m0 = blockIdx.y * V3_BM;
    const int p0 = blockIdx.x * V3_BN;
    const int tid = threadIdx.x;
    const int lane = tid & 31;
    const int warp = tid >> 5;
    const int wm = (warp & 1) * 32;   // warp's row offset in the tile
    const int wn = (warp >> 1) * 16;  // warp's column offset in the tile
    const int gid = lane >> 2;
    const int tig = lane & 3;

    const int bcol = tid % V3_BN;
    const int brow0 = tid / V3_BN;
    const int pb = p0 + bcol;
    const bool pvalid = pb < P;
    int bn = 0;
    int boy = 0;
    int box = 0;
    if (pvalid) {
        bn = pb / HoWo;
        int r = pb - bn * HoWo;
        boy = r / Wo;
        box = r - boy * Wo;
    }
    const float* xg = x + (bn * Cin + g * cinG) * H * W;
    const int iy0 = boy * SH - ph;
    const int ix0 = box * SW - pw;
    const float* wg = w + g * coutG * K;

    float acc[2][2][4];
#pragma unroll
    for (int a = 0; a < 2; a++) {
#pragma unroll
        for (int b = 0; b < 2; b++) {
#pragma unroll
            for (int c = 0; c < 4; c++) {
                acc[a][b][c] = 0.0f;
            }
        }
    }

    for (int k0 = 0; k0 < K; k0 += V3_BK) {
#pragma unroll
        for (int l = 0; l < (V3_BM * V3_BK) / V3_NT; l++) {
            int idx = tid + l * V3_NT;
            int m = idx / V3_BK;
            int kk = idx % V3_BK;
            int co = m0 + m;
            int k = k0 + kk;
            As[m][kk] = (co < coutG && k < K) ? wg[co * K + k] : 0.0f;
        }
#pragma unroll
        for (int l = 0; l < (V3_BK * V3_BN) / V3_NT; l++) {
            int kk = brow0 + l * (V3_NT / V3_BN);
            int k = k0 + kk;
            Bs[kk][bcol] = (pvalid && k < K) ? conv_im2col(xg, k, iy0, ix0, H, W, dh, dw) : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int ks = 0; ks < V3_BK; ks += 8) {
            unsigned af[2][4];
            unsigned bf[2][2];
#pragma unroll
            for (int mt = 0; mt < 2; mt++) {
                int r = wm + mt * 16 + gid;
                af[mt][0] = blurdm_cvt_rna_tf32(As[r][ks + tig]);
                af[mt][1] = blurdm_cvt_rna_tf32(As[r + 8][ks + tig]);
                af[mt][2] = blurdm_cvt_rna_tf32(As[r][ks + tig + 4]);
                af[mt][3] = blurdm_cvt_rna_tf32(As[r + 8][ks + tig + 4]);
            }
#pragma unroll
            for (int nt = 0; nt < 2; nt++) {
                int c = wn + nt * 8 + gid;
                bf[nt][0] = blurdm_cvt_rna_tf32(Bs[ks + tig][c]);
                bf[nt][1] = blurdm_cvt_rna_tf32(Bs[ks + tig + 4][c]);
            }
#pragma unroll
            for (int mt = 0; mt < 2; mt++) {
#pragma unroll
                for (int nt = 0; nt < 2; nt++) {
                    blurdm_mma_m16n8k8_tf32(acc[mt][nt], af[mt], bf[nt], acc[mt][nt]);
                }
            }
        }
        __syncthreads();
    }

#pragma unroll
    for (int mt = 0; mt < 2; mt++) {
#pragma unroll
        for (int nt = 0; nt < 2; nt++) {
#pragma unroll
            for (int c = 0; c < 4; c++) {
                int co = m0 + wm + mt * 16 + gid + (c >= 2 ? 8 : 0);
                int p = p0 + wn + nt * 8 + 2 * tig + (c & 1);
                if (co >= coutG || p >= P) {
                    continue;
                }
                int n = p / HoWo;
                int pix = p - n * HoWo;
                int ch = g * coutG + co;
                float v = acc[mt][nt][c] + (bias != 0 ? bias[ch] : 0.0f);
                out[(n * Cout + ch) * HoWo + pix] = conv_act(v, slope);
            }
        }
    }
}
