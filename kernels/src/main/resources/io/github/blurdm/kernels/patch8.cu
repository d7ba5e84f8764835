// patch8.cu: FFTformer's 8x8 frequency-domain ops on NCHW float32 maps whose height and width are
// multiples of 8, in their exact real forms (runtime/.../cpu/Patch8.java derives them):
//   patch_fft_filter  DFFN's irfft2(rfft2(patch) * filter[c]) = a circular convolution of each patch
//                     with a real 8x8 kernel per channel, the filter's impulse response;
//   fsas_attention    FSAS's irfft2(rfft2(q) * rfft2(k)) = the circular convolution of the q and k
//                     patches, fused with the LayerNorm over channels that follows and the v gate:
//                     out = v * ((o - mean) / sqrt(var + eps) * weight + bias), q, k, v [N,C,H,W]
//                     (FSAS's channel thirds, separate tensors); weight and bias may be NULL.
//
// Versions:
//   v1  patch_fft_kernel_v1: the per-channel kernel h[c][m*8+n] from filter [C,8,5] (PyTorch's c2r
//       semantics, double sums), one thread per (c, m, n); run before either filter version.
//       Launch: block 256, grid ceil(C*64/256).
//   v1  patch_fft_filter_v1: plain port of PatchFftFilterCpu, one thread per output value, 64
//       multiply-adds from global memory (the patch and the kernel stay in L1).
//       Launch: block 256, grid min(ceil(total/256), 65535) (grid-stride).
//   v2  patch_fft_filter_v2: a block per 4 patches side by side (8 rows x 32 columns) of one plane,
//       the patches and the channel's kernel staged in shared memory; coalesced 32-float row reads.
//       Launch: block 256, grid (ceil(W/32), H/8, planes) with planes <= 65535 per launch.
//   v1  fsas_attention_v1: one thread per (n, pixel), the channel loop in the thread: the 64-term
//       convolution from global memory, written to out, mean and variance by Welford's update, then
//       the normalised, gated values over what it wrote (out serves as the scratch).
//       Launch: block 256, grid min(ceil(N*H*W/256), 65535) (grid-stride).
//   v2  fsas_attention_v2: a block of 64 threads per (n, patch); per channel the q and k patches
//       go to shared memory, each thread convolves for its pixel; same Welford and second pass.
//       Launch: block 64, grid (W/8, H/8, N).
//   H100 time at the benchmark shape: not yet measured (no GPU run so far).

// cos and sin of k*pi/4 (k = 0..7), exactly as the DFT of 8 points needs them.
__constant__ double PATCH8_COS[8] = {1.0, 0.70710678118654752440, 0.0, -0.70710678118654752440, -1.0,
                                     -0.70710678118654752440, 0.0, 0.70710678118654752440};
__constant__ double PATCH8_SIN[8] = {0.0, 0.70710678118654752440, 1.0, 0.70710678118654752440, 0.0,
                                     -0.70710678118654752440, -1.0, -0.70710678118654752440};

extern "C" __global__ void patch_fft_kernel_v1(float* __restrict__ h, const float* __restrict__ filter, int C) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= C * 64) {
        return;
    }
    int c = i >> 6;
    int m = (i >> 3) & 7;
    int n = i & 7;
    const float* w = filter + c * 40;
    double s = 0.0;
    for (int v = 0; v < 5; v++) {
        double zr = 0.0;
        double zi = 0.0;
        for (int u = 0; u < 8; u++) {
            zr += (double) w[u * 5 + v] * PATCH8_COS[(u * m) & 7];
            zi += (double) w[u * 5 + v] * PATCH8_SIN[(u * m) & 7];
        }
        if (v == 0) {
            s += zr;
        } else if (v == 4) {
            s += (n & 1) ? -zr : zr;
        } else {
            s += 2.0 * (zr * PATCH8_COS[(v * n) & 7] - zi * PATCH8_SIN[(v * n) & 7]);
        }
    }
    h[i] = (float) (s / 64.0);
}

extern "C" __global__ void patch_fft_filter_v1(float* __restrict__ out, const float* __restrict__ x,
                                               const float* __restrict__ h, int C, int H, int W, int total) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
        int xx = i % W;
        int t = i / W;
        int y = t % H;
        int plane = t / H;
        int m = y & 7;
        int n = xx & 7;
        const float* p = x + (size_t) plane * H * W + (y - m) * W + (xx - n);
        const float* k = h + (plane % C) * 64;
        float s = 0.0f;
        for (int a = 0; a < 8; a++) {
            for (int b = 0; b < 8; b++) {
                s += p[a * W + b] * k[((m - a) & 7) * 8 + ((n - b) & 7)];
            }
        }
        out[i] = s;
    }
}

extern "C" __global__ void __launch_bounds__(256)
patch_fft_filter_v2(float* __restrict__ out, const float* __restrict__ x, const float* __restrict__ h, int C,
                    int H, int W, int plane0) {
    __shared__ float tile[8][33];
    __shared__ float kern[64];
    int plane = plane0 + blockIdx.z;
    int a = threadIdx.x >> 5;          // row within the band
    int col = threadIdx.x & 31;        // column within the 4 patches
    int gx = blockIdx.x * 32 + col;
    size_t off = (size_t) plane * H * W + (size_t) (blockIdx.y * 8 + a) * W + gx;
    if (threadIdx.x < 64) {
        kern[threadIdx.x] = h[(plane % C) * 64 + threadIdx.x];
    }
    if (gx < W) {
        tile[a][col] = x[off];
    }
    __syncthreads();
    if (gx >= W) {
        return;
    }
    int p0 = col & ~7;
    int n = col & 7;
    float s = 0.0f;
#pragma unroll
    for (int r = 0; r < 8; r++) {
        const float* kr = kern + ((a - r) & 7) * 8;
#pragma unroll
        for (int b = 0; b < 8; b++) {
            s += tile[r][p0 + b] * kr[(n - b) & 7];
        }
    }
    out[off] = s;
}

extern "C" __global__ void fsas_attention_v1(float* __restrict__ out, const float* __restrict__ qa,
                                             const float* __restrict__ ka, const float* __restrict__ va,
                                             const float* __restrict__ weight, const float* __restrict__ bias,
                                             int N, int C, int H, int W, float eps) {
    int plane = H * W;
    int total = N * plane;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
        int n = i / plane;
        int pix = i % plane;
        int y = pix / W;
        int xx = pix % W;
        int m = y & 7;
        int nn = xx & 7;
        int po = (y - m) * W + (xx - nn);
        const float* q = qa + (size_t) n * C * plane;
        const float* k = ka + (size_t) n * C * plane;
        const float* v = va + (size_t) n * C * plane;
        float* o = out + (size_t) n * C * plane;
        float mean = 0.0f;
        float m2 = 0.0f;
        for (int c = 0; c < C; c++) {
            const float* qc = q + (size_t) c * plane + po;
            const float* kc = k + (size_t) c * plane + po;
            float s = 0.0f;
            for (int a = 0; a < 8; a++) {
                for (int b = 0; b < 8; b++) {
                    s += qc[a * W + b] * kc[((m - a) & 7) * W + ((nn - b) & 7)];
                }
            }
            o[(size_t) c * plane + pix] = s;
            float d = s - mean;
            mean += d / (float) (c + 1);
            m2 += d * (s - mean);
        }
        float inv = rsqrtf(m2 / (float) C + eps);
        for (int c = 0; c < C; c++) {
            size_t at = (size_t) c * plane + pix;
            float yv = (o[at] - mean) * inv;
            if (weight != 0) {
                yv = yv * weight[c];
            }
            if (bias != 0) {
                yv = yv + bias[c];
            }
            o[at] = v[at] * yv;
        }
    }
}

extern "C" __global__ void __launch_bounds__(64)
fsas_attention_v2(float* __restrict__ out, const float* __restrict__ qa, const float* __restrict__ ka,
                  const float* __restrict__ va, const float* __restrict__ weight, const float* __restrict__ bias,
                  int N, int C, int H, int W, float eps) {
    __shared__ float qs[64];
    __shared__ float ks[64];
    int n = blockIdx.z;
    int t = threadIdx.x;
    int m = t >> 3;
    int nn = t & 7;
    int plane = H * W;
    int pix = (blockIdx.y * 8 + m) * W + blockIdx.x * 8 + nn;
    const float* q = qa + (size_t) n * C * plane;
    const float* k = ka + (size_t) n * C * plane;
    const float* v = va + (size_t) n * C * plane;
    float* o = out + (size_t) n * C * plane;
    float mean = 0.0f;
    float m2 = 0.0f;
    for (int c = 0; c < C; c++) {
        qs[t] = q[(size_t) c * plane + pix];
        ks[t] = k[(size_t) c * plane + pix];
        __syncthreads();
        float s = 0.0f;
#pragma unroll
        for (int a = 0; a < 8; a++) {
#pragma unroll
            for (int b = 0; b < 8; b++) {
                s += qs[a * 8 + b] * ks[((m - a) & 7) * 8 + ((nn - b) & 7)];
            }
        }
        __syncthreads();
        o[(size_t) c * plane + pix] = s;
        float d = s - mean;
        mean += d / (float) (c + 1);
        m2 += d * (s - mean);
    }
    float inv = rsqrtf(m2 / (float) C + eps);
    for (int c = 0; c < C; c++) {
        size_t at = (size_t) c * plane + pix;
        float yv = (o[at] - mean) * inv;
        if (weight != 0) {
            yv = yv * weight[c];
        }
        if (bias != 0) {
            yv = yv + bias[c];
        }
        o[at] = v[at] * yv;
    }
}
