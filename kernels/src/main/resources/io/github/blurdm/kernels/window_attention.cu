// window_attention.cu: LoFormer's window channel attention (window_channel_attention). qkv [N,3C,H,W]
// holds q, k, v as channel thirds, each split into `heads` groups of d = C/heads channels; the map is
// reflect-padded right/bottom to multiples of 8 (indices mirrored, nothing copied). Per 8x8 window and
// head: S = q k^T * temperature[head] (d x d, dot products over the 64 positions, row-major in the
// window), softmax over each row, O = S v, out = O * GELU(v W^T + b) (W [64,64] over positions); only
// pixels inside the map are written.
//
// Versions:
//   v1  window_channel_attention_v1: plain port of WindowChannelAttentionCpu, one thread per (n, window,
//       head, row i of S): S's row recomputed in three passes (max and the double sum with the row's 64 q
//       values in registers, then O accumulated in 64 registers with q read from memory, so the two arrays
//       are never live together: with both, nvcc spilled at 255 registers), then the gate. Any d.
//       Launch: block 64, grid (windows, ceil(d/64), N * heads).
//   v2  window_channel_attention_v2: one block per (n, window, head), k and v of the window staged in
//       shared memory, S (d x d, column-major so thread i's row writes are conflict-free) too; thread i
//       owns row i: its S row from broadcast reads of k, softmax, O from broadcast reads of v, then the
//       gate with its own v row (from global) in registers. Needs (2*64*d + d*d) floats of dynamic shared
//       memory, at most 48 KiB: d <= 64 (the launcher runs v1 for larger heads).
//       Launch: block ceil(d/32)*32, grid (windows, N * heads), dynamic shared (128 d + d^2) * 4 bytes.
//   H100 time at the benchmark shape: not yet measured (no GPU run so far).

#define WA_WS 8
#define WA_P 64

__device__ __forceinline__ int wa_reflect(int i, int size) {
    return i < size ? i : 2 * size - 2 - i;
}

__device__ __forceinline__ float wa_gelu(float x) {
    return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
}

// offset of position p of window (wy, wx) in a plane of h x w, reflected at the bottom and right
__device__ __forceinline__ int wa_pixel(int wy, int wx, int p, int h, int w) {
    int y = wa_reflect(wy * WA_WS + (p >> 3), h);
    int x = wa_reflect(wx * WA_WS + (p & 7), w);
    return y * w + x;
}

extern "C" __global__ void window_channel_attention_v1(float* __restrict__ out, const float* __restrict__ qkv,
                                                       const float* __restrict__ temperature,
                                                       const float* __restrict__ mw, const float* __restrict__ mb,
                                                       int C, int H, int W, int heads) {
    int d = C / heads;
    int i = blockIdx.y * blockDim.x + threadIdx.x;
    if (i >= d) {
        return;
    }
    int gw = (W + WA_WS - 1) / WA_WS;
    int wy = blockIdx.x / gw;
    int wx = blockIdx.x % gw;
    int n = blockIdx.z / heads;
    int hd = blockIdx.z % heads;
    long long plane = (long long) H * W;
    const float* q = qkv + ((long long) n * 3 * C + hd * d) * plane;
    const float* k = q + (long long) C * plane;
    const float* v = k + (long long) C * plane;
    float t = temperature[hd];
    float qr[WA_P];
#pragma unroll
    for (int p = 0; p < WA_P; p++) {
        qr[p] = q[i * plane + wa_pixel(wy, wx, p, H, W)];
    }
    float mx = -INFINITY;
    for (int j = 0; j < d; j++) {
        float s = 0.0f;
#pragma unroll
        for (int p = 0; p < WA_P; p++) {
            s += qr[p] * k[j * plane + wa_pixel(wy, wx, p, H, W)];
        }
        mx = fmaxf(mx, s * t);
    }
    double sum = 0.0;
    for (int j = 0; j < d; j++) {
        float s = 0.0f;
#pragma unroll
        for (int p = 0; p < WA_P; p++) {
            s += qr[p] * k[j * plane + wa_pixel(wy, wx, p, H, W)];
        }
        sum += expf(s * t - mx);
    }
    float inv = (float) (1.0 / sum);
    // O's row in 64 registers; q is read again from memory here so qr and acc are never live together
    float acc[WA_P];
#pragma unroll
    for (int p = 0; p < WA_P; p++) {
        acc[p] = 0.0f;
    }
    const float* qi = q + i * plane;
    for (int j = 0; j < d; j++) {
        float s = 0.0f;
        for (int p = 0; p < WA_P; p++) {
            int off = wa_pixel(wy, wx, p, H, W);
            s += qi[off] * k[j * plane + off];
        }
        float e = expf(s * t - mx) * inv;
#pragma unroll
        for (int p = 0; p < WA_P; p++) {
            acc[p] += e * v[j * plane + wa_pixel(wy, wx, p, H, W)];
        }
    }
    // the gate reads this row's v from memory for the same reason
    const float* vi = v + i * plane;
    float* o = out + ((long long) n * C + hd * d + i) * plane;
#pragma unroll
    for (int p = 0; p < WA_P; p++) {
        float g = mb[p];
        for (int r = 0; r < WA_P; r++) {
            g += vi[wa_pixel(wy, wx, r, H, W)] * mw[p * WA_P + r];
        }
        int y = wy * WA_WS + (p >> 3);
        int x = wx * WA_WS + (p & 7);
        if (y < H && x < W) {
            o[y * W + x] = acc[p] * wa_gelu(g);
        }
    }
}

extern "C" __global__ void __launch_bounds__(64)
window_channel_attention_v2(float* __restrict__ out, const float* __restrict__ qkv,
                            const float* __restrict__ temperature, const float* __restrict__ mw,
                            const float* __restrict__ mb, int C, int H, int W, int heads) {
    extern __shared__ float wa_smem[];
    int d = C / heads;
    float* ks = wa_smem;                 // ks[j * 64 + p]
    float* vs = ks + d * WA_P;           // vs[j * 64 + p]
    float* ss = vs + d * WA_P;           // ss[j * d + i] = S[i][j]
    int gw = (W + WA_WS - 1) / WA_WS;
    int wy = blockIdx.x / gw;
    int wx = blockIdx.x % gw;
    int n = blockIdx.y / heads;
    int hd = blockIdx.y % heads;
    long long plane = (long long) H * W;
    const float* q = qkv + ((long long) n * 3 * C + hd * d) * plane;
    const float* k = q + (long long) C * plane;
    const float* v = k + (long long) C * plane;
    for (int e = threadIdx.x; e < d * WA_P; e += blockDim.x) {
        int j = e >> 6;
        int off = wa_pixel(wy, wx, e & 63, H, W);
        ks[e] = k[j * plane + off];
        vs[e] = v[j * plane + off];
    }
    __syncthreads();
    int i = threadIdx.x;
    if (i < d) {
        float t = temperature[hd];
        float r[WA_P];
#pragma unroll
        for (int p = 0; p < WA_P; p++) {
            r[p] = q[i * plane + wa_pixel(wy, wx, p, H, W)];
        }
        float mx = -INFINITY;
        for (int j = 0; j < d; j++) {
            float s = 0.0f;
#pragma unroll
            for (int p = 0; p < WA_P; p++) {
                s += r[p] * ks[j * WA_P + p];
            }
            s *= t;
            ss[j * d + i] = s;
            mx = fmaxf(mx, s);
        }
        float sum = 0.0f;
        for (int j = 0; j < d; j++) {
            float e = expf(ss[j * d + i] - mx);
            ss[j * d + i] = e;
            sum += e;
        }
        float inv = 1.0f / sum;
#pragma unroll
        for (int p = 0; p < WA_P; p++) {
            r[p] = 0.0f;   // r now accumulates O's row
        }
        for (int j = 0; j < d; j++) {
            float e = ss[j * d + i] * inv;
#pragma unroll
            for (int p = 0; p < WA_P; p++) {
                r[p] += e * vs[j * WA_P + p];
            }
        }
        float* o = out + ((long long) n * C + hd * d + i) * plane;
        const float* vrow = vs + i * WA_P;
#pragma unroll
        for (int p = 0; p < WA_P; p++) {
            float g = mb[p];
            for (int c = 0; c < WA_P; c++) {
                g += vrow[(c + i) & 63] * mw[p * WA_P + ((c + i) & 63)];
            }
            int y = wy * WA_WS + (p >> 3);
            int x = wx * WA_WS + (p & 7);
            if (y < H && x < W) {
                o[y * W + x] = r[p] * wa_gelu(g);
            }
        }
    }
}
