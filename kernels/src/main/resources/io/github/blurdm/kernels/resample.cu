// resample.cu: data movement over NCHW float32 tensors: downsample_nearest2, upsample_nearest2,
// resize_bilinear, pixel_unshuffle, pixel_shuffle, reflect_pad and channel_copy (which serves both
// concat, one launch per input, and slice_channels).
//
// Versions (v1 only: each is one read and one write per output element, one thread per output,
// consecutive threads writing consecutive addresses, which is what a copy needs; a faster version
// is added only when a benchmark shows one pays):
//   v1  downsample_nearest2_v1   out[n,c,i,j] = x[n,c,2i,2j]
//       upsample_nearest2_v1     out[n,c,y,x] = x[n,c,y/2,x/2]
//       resize_bilinear_v1       PyTorch align_corners=False, indices and weights computed in the
//                                kernel exactly as ResizeBilinearCpu does (round-to-nearest
//                                intrinsics, so no fma contraction changes an index)
//       pixel_unshuffle_v1       out[n, c*r*r + i*r + j, y, x] = x[n, c, r*y+i, r*x+j]
//       pixel_shuffle_v1         out[n, c, r*y+i, r*x+j] = x[n, c*r*r + i*r + j, y, x]
//       reflect_pad_v1           last two dims mirrored without repeating the edge; any rank >= 2
//                                (planes = product of the leading dims)
//       channel_copy_v1          dst[n, dstOff + c, q] = src[n, srcOff + c, q] for c < C
//   Launch (all): block 256, grid min(ceil(outputs/256), 65535) (grid-stride).
//   H100 time at the benchmark shape: not yet measured (no GPU run so far).

extern "C" __global__ void downsample_nearest2_v1(float* __restrict__ out, const float* __restrict__ x,
                                                  int planes, int H, int W, int Ho, int Wo) {
    int total = planes * Ho * Wo;
    for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
        int j = idx % Wo;
        int t = idx / Wo;
        int i = t % Ho;
        int nc = t / Ho;
        out[idx] = x[(nc * H + 2 * i) * W + 2 * j];
    }
}

extern "C" __global__ void upsample_nearest2_v1(float* __restrict__ out, const float* __restrict__ x,
                                                int planes, int H, int W) {
    int Wo = 2 * W;
    int Ho = 2 * H;
    int total = planes * Ho * Wo;
    for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
        int ox = idx % Wo;
        int t = idx / Wo;
        int oy = t % Ho;
        int nc = t / Ho;
        out[idx] = x[(nc * H + (oy >> 1)) * W + (ox >> 1)];
    }
}

// One axis of ResizeBilinearCpu.weights: lower index, upper index, upper weight (lower = 1 - it).
__device__ __forceinline__ void bilinear_axis(float ratio, int d, int inSize, int* i0, int* i1, float* l1) {
    float src = __fadd_rn(__fmul_rn(ratio, __fadd_rn((float) d, 0.5f)), -0.5f);
    if (src < 0.0f) {
        src = 0.0f;
    }
    int lo = (int) src;
    if (lo > inSize - 1) {
        lo = inSize - 1;
    }
    *i0 = lo;
    *i1 = lo + (lo < inSize - 1 ? 1 : 0);
    *l1 = __fsub_rn(src, (float) lo);
}

extern "C" __global__ void resize_bilinear_v1(float* __restrict__ out, const float* __restrict__ x,
                                              int planes, int H, int W, int Ho, int Wo, float ratioH, float ratioW) {
    int total = planes * Ho * Wo;
    for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
        int j = idx % Wo;
        int t = idx / Wo;
        int i = t % Ho;
        int nc = t / Ho;
        int y0;
        int y1;
        int x0;
        int x1;
        float wy1;
        float wx1;
        bilinear_axis(ratioH, i, H, &y0, &y1, &wy1);
        bilinear_axis(ratioW, j, W, &x0, &x1, &wx1);
        float wy0 = __fsub_rn(1.0f, wy1);
        float wx0 = __fsub_rn(1.0f, wx1);
        const float* r0 = x + (nc * H + y0) * W;
        const float* r1 = x + (nc * H + y1) * W;
        float top = __fadd_rn(__fmul_rn(wx0, r0[x0]), __fmul_rn(wx1, r0[x1]));
        float bottom = __fadd_rn(__fmul_rn(wx0, r1[x0]), __fmul_rn(wx1, r1[x1]));
        out[idx] = __fadd_rn(__fmul_rn(wy0, top), __fmul_rn(wy1, bottom));
    }
}

// x [N,C,H,W] -> out [N,C*r*r,H/r,W/r]
extern "C" __global__ void pixel_unshuffle_v1(float* __restrict__ out, const float* __restrict__ x,
                                              int N, int C, int H, int W, int r) {
    int Ho = H / r;
    int Wo = W / r;
    int Co = C * r * r;
    int total = N * Co * Ho * Wo;
    for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
        int xx = idx % Wo;
        int t = idx / Wo;
        int y = t % Ho;
        t /= Ho;
        int oc = t % Co;
        int n = t / Co;
        int ic = oc / (r * r);
        int i = (oc / r) % r;
        int j = oc % r;
        out[idx] = x[((n * C + ic) * H + r * y + i) * W + r * xx + j];
    }
}

// x [N,C*r*r,H,W] -> out [N,C,H*r,W*r]
extern "C" __global__ void pixel_shuffle_v1(float* __restrict__ out, const float* __restrict__ x,
                                            int N, int Cin, int H, int W, int r) {
    int C = Cin / (r * r);
    int Ho = H * r;
    int Wo = W * r;
    int total = N * C * Ho * Wo;
    for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
        int ox = idx % Wo;
        int t = idx / Wo;
        int oy = t % Ho;
        t /= Ho;
        int c = t % C;
        int n = t / C;
        int i = oy % r;
        int j = ox % r;
        int ic = c * r * r + i * r + j;
        out[idx] = x[((n * Cin + ic) * H + oy / r) * W + ox / r];
    }
}

__device__ __forceinline__ int reflect_index(int i, int n) {
    if (i < 0) {
        return -i;
    }
    return i >= n ? 2 * (n - 1) - i : i;
}

extern "C" __global__ void reflect_pad_v1(float* __restrict__ out, const float* __restrict__ x,
                                          int planes, int H, int W, int Ho, int Wo, int top, int left) {
    int total = planes * Ho * Wo;
    for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
        int j = idx % Wo;
        int t = idx / Wo;
        int i = t % Ho;
        int p = t / Ho;
        out[idx] = x[(p * H + reflect_index(i - top, H)) * W + reflect_index(j - left, W)];
    }
}

// C channels of `plane` elements per image copied between channel ranges of two [N, *, plane]
// tensors. concat: src = input k, srcC = C = C_k, srcOff = 0, dst = out, dstOff = sum of C_<k;
// slice_channels: src = x, srcOff = start, dst = out, dstOff = 0.
extern "C" __global__ void channel_copy_v1(float* __restrict__ dst, const float* __restrict__ src,
                                           int N, int C, int plane, int dstC, int dstOff, int srcC, int srcOff) {
    int per = C * plane;
    int total = N * per;
    for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
        int n = idx / per;
        int r = idx - n * per;
        dst[(n * dstC + dstOff) * plane + r] = src[(n * srcC + srcOff) * plane + r];
    }
}
