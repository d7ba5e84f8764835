// permute.cu: out = x with its dimensions reordered, dense (PyTorch's x.permute(dims).contiguous()), rank up
// to 6. The launcher passes the output's shape as o0..o5 and, for each output dimension, the stride of
// the x dimension it comes from as s0..s5 (missing leading dimensions: size 1, stride 0).
//
// Versions:
//   v1  permute_v1: plain port of PermuteCpu: one thread per output element (grid-stride), its x index
//       from the output coordinates and the strides: coalesced writes; reads coalesced only when x's
//       last dimension stays last.
//       Launch: block 256, grid min(ceil(n/256), 65535).
//   v2  permute_v2: 32 x 32 tiles through shared memory (the classic transpose) when x's last dimension
//       moves: a tile spans 32 values of the output's last dimension (dimension 5) and 32 of the output
//       dimension P that x's last dimension went to; threads read along x's last dimension and write
//       along the output's, both coalesced; the tile is padded to 33 columns (no bank conflicts). The
//       other output dimensions are enumerated by blockIdx.z. When x's last dimension stays last the
//       launcher runs v1 (already coalesced both ways).
//       Launch: block (32, 8), grid (ceil(o5/32), ceil(oP/32), the product of the other dimensions).
//   H100 time at the benchmark shape: not yet measured (no GPU run so far).

extern "C" __global__ void __launch_bounds__(256)
permute_v1(float* __restrict__ out, const float* __restrict__ x, long long n, int o0, int o1, int o2, int o3,
           int o4, int o5, long long s0, long long s1, long long s2, long long s3, long long s4, long long s5) {
    for (long long e = blockIdx.x * 256LL + threadIdx.x; e < n; e += (long long) gridDim.x * 256) {
        long long r = e;
        long long src = (r % o5) * s5;
        r /= o5;
        src += (r % o4) * s4;
        r /= o4;
        src += (r % o3) * s3;
        r /= o3;
        src += (r % o2) * s2;
        r /= o2;
        src += (r % o1) * s1;
        r /= o1;
        src += r * s0;
        out[e] = x[src];
    }
}

extern "C" __global__ void __launch_bounds__(256)
permute_v2(float* __restrict__ out, const float* __restrict__ x, int p, int o0, int o1, int o2, int o3, int o4,
           int o5, long long s0, long long s1, long long s2, long long s3, long long s4, long long s5) {
    __shared__ float tile[32][33];
    int o[6] = {o0, o1, o2, o3, o4, o5};
    long long s[6] = {s0, s1, s2, s3, s4, s5};
    // output strides (dense)
    long long os[6];
    os[5] = 1;
    for (int k = 4; k >= 0; k--) {
        os[k] = os[k + 1] * o[k + 1];
    }
    // the block's coordinates in the dimensions other than 5 and p
    long long src = 0;
    long long dst = 0;
    long long z = blockIdx.z;
    for (int k = 4; k >= 0; k--) {
        if (k == p) {
            continue;
        }
        long long c = z % o[k];
        z /= o[k];
        src += c * s[k];
        dst += c * os[k];
    }
    int op = o[p];
    long long osp = os[p];   // x's stride along output dimension p is 1: it is x's last dimension
    int a0 = blockIdx.x * 32;   // along output dimension 5 (x's stride s5)
    int b0 = blockIdx.y * 32;   // along output dimension p
    // read: threadIdx.x runs along x's last dimension (output dimension p)
    for (int r = threadIdx.y; r < 32; r += 8) {
        int a = a0 + r;
        int bb = b0 + threadIdx.x;
        if (a < o5 && bb < op) {
            tile[r][threadIdx.x] = x[src + a * s5 + bb];
        }
    }
    __syncthreads();
    // write: threadIdx.x runs along output dimension 5
    for (int r = threadIdx.y; r < 32; r += 8) {
        int bb = b0 + r;
        int a = a0 + threadIdx.x;
        if (a < o5 && bb < op) {
            out[dst + (long long) bb * osp + a] = tile[threadIdx.x][r];
        }
    }
}
