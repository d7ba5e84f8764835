// conv_transpose2d.cu: out[N,Cout,Ho,Wo] = act(conv_transpose(x[N,Cin,H,W], w[Cin,Cout/g,kH,kW])
// + bias[Cout]); float32; bias may be NULL. Written as a gather (as ConvTranspose2dCpu is) so each
// output is owned by one thread and nothing needs atomics.
//
// Versions:
//   v1  conv_transpose2d_v1: plain port of ConvTranspose2dCpu, one thread per output, every tap
//       tested for (oy + pad - ky*dil) % stride == 0; any size, stride, padding, dilation, groups.
//       Launch: block 256, grid min(ceil(N*Cout*Ho*Wo/256), 65535) (grid-stride).
//   v2  conv_transpose2d_v2: phase decomposition: only the taps ky = (oy+pad) mod stride,
//       +stride, ... can hit an input row, so each output visits ceil(kH/sH)*ceil(kW/sW) taps
//       instead of kH*kW (4 instead of 16 for MIMO-UNet's 4x4 stride-2 upsampler); kernel size and
//       stride compile-time (-DKH -DKW -DSH -DSW), dilation 1 only (the launcher uses v1 else).
//       The channel loop is innermost, with tap offsets hoisted out of it.
//       Launch: block 256, grid min(ceil(N*Cout*Ho*Wo/256), 65535) (grid-stride).
//   H100 time at the benchmark shape: not yet measured (no GPU run so far).
//
// Compile-time options: ACT (0 none, 1 relu, 2 leaky relu with run-time slope, 3 gelu),
// KH, KW, SH, SW (v2).

#ifndef ACT
#define ACT 0
#endif
#ifndef KH
#define KH 4
#endif
#ifndef KW
#define KW 4
#endif
#ifndef SH
#define SH 2
#endif
#ifndef SW
#define SW 2
#endif

__device__ __forceinline__ float convt_act(float v, float slope) {
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

// ------------------------------------------------------------------------------------------ v1

extern "C" __global__ void conv_transpose2d_v1(float* __restrict__ out, const float* __restrict__ x,
                                               const float* __restrict__ w, const float* __restrict__ bias,
                                               int N, int Cin, int H, int W, int Cout, int Ho, int Wo,
                                               int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                                               int groups, float slope) {
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
        int grp = co / coutG;
        int col = co % coutG;
        float acc = 0.0f;
        for (int ci = grp * cinG; ci < (grp + 1) * cinG; ci++) {
            const float* xp = x + (n * Cin + ci) * H * W;
            const float* wp = w + (ci * coutG + col) * kh * kw;
            for (int ky = 0; ky < kh; ky++) {
                int ty = oy + ph - ky * dh;
                if (ty < 0 || ty % sh != 0 || ty / sh >= H) {
                    continue;
                }
                int iy = ty / sh;
                for (int kx = 0; kx < kw; kx++) {
                    int tx = ox + pw - kx * dw;
                    if (tx < 0 || tx % sw != 0 || tx / sw >= W) {
                        continue;
                    }
                    acc += wp[ky * kw + kx] * xp[iy * W + tx / sw];
                }
            }
        }
        out[idx] = convt_act(acc + (bias != 0 ? bias[co] : 0.0f), slope);
    }
}

// ------------------------------------------------------------------------------------------ v2

extern "C" __global__ void conv_transpose2d_v2(float* __restrict__ out, const float* __restrict__ x,
                                               const float* __restrict__ w, const float* __restrict__ bias,
                                               int N, int Cin, int H, int W, int Cout, int Ho, int Wo,
                                               int ph, int pw, int groups, float slope) {
    int total = N * Cout * Ho * Wo;
    int cinG = Cin / groups;
    int coutG = Cout / groups;
    int HW = H * W;
    int wStride = coutG * KH * KW;   // distance between input channels in w
    for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
        int ox = idx % Wo;
        int t = idx / Wo;
        int oy = t % Ho;
        t /= Ho;
        int co = t % Cout;
        int n = t / Cout;
        int grp = co / coutG;
        int col = co % coutG;
        const float* xg = x + (n * Cin + grp * cinG) * HW;
        const float* wg = w + ((grp * cinG) * coutG + col) * KH * KW;
        int yy = oy + ph;
        int xx = ox + pw;
        float acc = 0.0f;
        for (int ky = yy % SH; ky < KH; ky += SH) {
            int iy = (yy - ky) / SH;   // yy - ky >= 0 is checked below; it only shrinks with ky
            if (yy - ky < 0) {
                break;
            }
            if (iy >= H) {
                continue;
            }
            for (int kx = xx % SW; kx < KW; kx += SW) {
                if (xx - kx < 0) {
                    break;
                }
                int ix = (xx - kx) / SW;
                if (ix >= W) {
                    continue;
                }
                const float* xp = xg + iy * W + ix;
                const float* wp = wg + ky * KW + kx;
                for (int ci = 0; ci < cinG; ci++) {
                    acc = fmaf(wp[ci * wStride], xp[ci * HW], acc);
                }
            }
        }
        out[idx] = convt_act(acc + (bias != 0 ? bias[co] : 0.0f), slope);
    }
}
