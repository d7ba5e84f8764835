// depthwise_conv2d.cu: depthwise k x k convolution (k odd), stride 1, zero padding k/2, on NCHW float32:
// out[n,c,y,x] = bias[c] + sum_{i,j} w[c,0,i,j] * x[n,c,y+i-k/2,x+j-k/2]; bias may be NULL.
//
// Versions:
//   v1  depthwise_conv2d_v1: plain port of DepthwiseConv2dCpu, one thread per output, taps from global
//       memory (neighbours are shared through L1). Launch: block 256, grid min(ceil(total/256), 65535)
//       (grid-stride).
//   v2  depthwise_conv2d_v2: a (32, 8) block per 32x8 output tile of one plane; the tile and its k/2 halo
//       ((8+k-1) x (32+k-1) floats) and the channel's k*k taps are staged in dynamic shared memory.
//       Launch: block (32, 8), grid (ceil(W/32), ceil(H/8), planes) with planes <= 65535 per launch,
//       shared ((8+k-1)*(32+k-1) + k*k) * 4 bytes.
//   H100 time at the benchmark shape: not yet measured (no GPU run so far).

extern "C" __global__ void depthwise_conv2d_v1(float* __restrict__ out, const float* __restrict__ x,
                                               const float* __restrict__ w, const float* __restrict__ bias,
                                               int C, int H, int W, int K, int total) {
    int pad = K / 2;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
        int xx = i % W;
        int t = i / W;
        int y = t % H;
        int plane = t / H;
        int c = plane % C;
        const float* p = x + (size_t) plane * H * W;
        const float* wc = w + c * K * K;
        float s = 0.0f;
        for (int ky = 0; ky < K; ky++) {
            int iy = y + ky - pad;
            if (iy < 0 || iy >= H) {
                continue;
            }
            for (int kx = 0; kx < K; kx++) {
                int ix = xx + kx - pad;
                if (ix >= 0 && ix < W) {
                    s += wc[ky * K + kx] * p[iy * W + ix];
                }
            }
        }
        out[i] = bias != 0 ? s + bias[c] : s;
    }
}

extern "C" __global__ void __launch_bounds__(256)
depthwise_conv2d_v2(float* __restrict__ out, const float* __restrict__ x, const float* __restrict__ w,
                    const float* __restrict__ bias, int C, int H, int W, int K, int plane0) {
    extern __shared__ float dw_smem[];
    int pad = K / 2;
    int tw = 32 + K - 1;
    int th = 8 + K - 1;
    float* tile = dw_smem;
    float* taps = dw_smem + th * tw;
    int plane = plane0 + blockIdx.z;
    int c = plane % C;
    const float* p = x + (size_t) plane * H * W;
    int x0 = blockIdx.x * 32 - pad;
    int y0 = blockIdx.y * 8 - pad;
    int tid = threadIdx.y * 32 + threadIdx.x;
    for (int j = tid; j < th * tw; j += 256) {
        int ty = j / tw;
        int tx = j % tw;
        int iy = y0 + ty;
        int ix = x0 + tx;
        tile[j] = (iy >= 0 && iy < H && ix >= 0 && ix < W) ? p[iy * W + ix] : 0.0f;
    }
    for (int j = tid; j < K * K; j += 256) {
        taps[j] = w[c * K * K + j];
    }
    __syncthreads();
    int ox = blockIdx.x * 32 + threadIdx.x;
    int oy = blockIdx.y * 8 + threadIdx.y;
    if (ox >= W || oy >= H) {
        return;
    }
    float s = 0.0f;
    for (int ky = 0; ky < K; ky++) {
        const float* row = tile + (threadIdx.y + ky) * tw + threadIdx.x;
        for (int kx = 0; kx < K; kx++) {
            s += taps[ky * K + kx] * row[kx];
        }
    }
    out[(size_t) plane * H * W + oy * W + ox] = bias != 0 ? s + bias[c] : s;
}
