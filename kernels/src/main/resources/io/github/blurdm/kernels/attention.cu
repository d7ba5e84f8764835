// attention.cu: softmax attention over tokens packed as qkv[B,T,3F] = [q | k | v] along the last dim
// (PyTorch's qkv.chunk(3, -1)), F = heads * D with heads contiguous chunks of D features; out[B,T,F]:
// out[b,t,h*D + i] = sum_s softmax_s(scale * q[b,t,h] . k[b,s,h]) v[b,s,h*D + i].
// Stripformer's two shapes: intra-strip (T = a row or column, up to a few hundred; D = 32) and inter-strip
// (T = the rows or columns themselves, D = 32 W or 32 H: few tokens, very long vectors).
//
// Versions:
//   v1  attention_v1: plain port of AttentionCpu: one block per (query, head, batch item); the block's
//       threads compute the T scores (each a serial dot over D) into dynamic shared memory, the block's
//       maximum and sum (float, shuffles then shared memory), then each thread the output features
//       i = tid, tid + 128, ... as sum_s p_s v_s[i] / sum.
//       Launch: block 128, grid (T, heads, min(B, 65535)), shared T floats; B beyond 65535 in several launches.
//   v2  attention_v2: flash attention for heads of up to 64 features (HEAD_D, compiled in): one thread per
//       query, ATT_Q queries per block; K and V streamed through shared memory in tiles of ATT_KT keys;
//       online softmax (running maximum m, sum l and the D accumulators in registers, rescaled by
//       exp(m_old - m_new) when the maximum grows): no score matrix anywhere, every K/V element read from
//       global memory once per block. Longer heads run v3.
//       Launch: block ATT_Q (128), grid (ceil(T/ATT_Q), heads, min(B, 65535)).
//   v3  split reduction for long heads (the inter-strip shape), three kernels over a workspace:
//       attention_scores_v3: partial dot products of 16 x 16 (query, key) tiles, each over one of S slices
//         of D, 32 features at a time staged in shared memory (k rows padded to 33 floats: no bank
//         conflicts), into partial[S][B*heads][T][T].
//         Launch: block (16, 16), grid (ceil(T/16) key tiles, ceil(T/16) query tiles, B*heads*S).
//       attention_softmax_v3: one warp per (b, head, query) row: sums the S slices, scales, softmax over the
//         keys; writes P[B*heads][T][T].
//         Launch: block 256 (8 rows), grid ceil(B*heads*T / 8).
//       attention_values_v3: out = P V: a thread per feature i (coalesced) and ATT_VQ = 8 queries, P's
//         rows for those queries staged in shared memory ATT_VK keys at a time.
//         Launch: block 256, grid (ceil(D/256), ceil(T/8), B*heads).
//   H100 time at the benchmark shapes: not yet measured (no GPU run so far).
//
// Compile-time options: HEAD_D (v2's head size, 32; the launcher compiles one per head size), ATT_Q (v2 queries per block, 128),
// ATT_KT (v2 keys per tile, 32).

#ifndef HEAD_D
#define HEAD_D 32
#endif
#ifndef ATT_Q
#define ATT_Q 128
#endif
#ifndef ATT_KT
#define ATT_KT 32
#endif
#define ATT_VQ 8
#define ATT_VK 64
#define ATT_NEG_INF __uint_as_float(0xff800000u)

__device__ __forceinline__ float att_warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, o);
    }
    return v;
}

__device__ __forceinline__ float att_warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    }
    return v;
}

// Reduces v over the 128 threads of the block (max when is_max, else sum); every thread gets the result.
__device__ __forceinline__ float att_block_reduce(float v, bool is_max, float* red) {
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    v = is_max ? att_warp_max(v) : att_warp_sum(v);
    __syncthreads();   // red may still be read by an earlier reduction
    if (lane == 0) {
        red[warp] = v;
    }
    __syncthreads();
    float r = red[0];
    for (int w = 1; w < 4; w++) {
        r = is_max ? fmaxf(r, red[w]) : r + red[w];
    }
    return r;
}

extern "C" __global__ void __launch_bounds__(128)
attention_v1(float* __restrict__ out, const float* __restrict__ qkv, int t, int f, int d, float scale) {
    extern __shared__ float s[];
    __shared__ float red[4];
    int q = blockIdx.x;
    int h = blockIdx.y;
    long long img = blockIdx.z;
    const float* base = qkv + img * t * 3LL * f;
    const float* qrow = base + (long long) q * 3 * f + h * d;
    float mx = ATT_NEG_INF;
    for (int j = threadIdx.x; j < t; j += 128) {
        const float* krow = base + (long long) j * 3 * f + f + h * d;
        float dot = 0.0f;
        for (int i = 0; i < d; i++) {
            dot += qrow[i] * krow[i];
        }
        s[j] = dot * scale;
        mx = fmaxf(mx, s[j]);
    }
    mx = att_block_reduce(mx, true, red);
    float sum = 0.0f;
    for (int j = threadIdx.x; j < t; j += 128) {
        float e = expf(s[j] - mx);
        s[j] = e;
        sum += e;
    }
    sum = att_block_reduce(sum, false, red);   // its barriers also publish every s[j]
    float inv = 1.0f / sum;
    float* orow = out + (img * t + q) * (long long) f + h * d;
    for (int i = threadIdx.x; i < d; i += 128) {
        const float* v = base + 2 * f + h * d + i;
        float acc = 0.0f;
        for (int j = 0; j < t; j++) {
            acc += s[j] * v[(long long) j * 3 * f];
        }
        orow[i] = acc * inv;
    }
}

extern "C" __global__ void __launch_bounds__(ATT_Q)
attention_v2(float* __restrict__ out, const float* __restrict__ qkv, int t, int f, float scale) {
    __shared__ float ks[ATT_KT][HEAD_D];
    __shared__ float vs[ATT_KT][HEAD_D];
    int h = blockIdx.y;
    long long img = blockIdx.z;
    int q = blockIdx.x * ATT_Q + threadIdx.x;
    const float* base = qkv + img * t * 3LL * f;
    bool live = q < t;
    float qv[HEAD_D];
    float acc[HEAD_D];
    const float* qrow = base + (long long) (live ? q : 0) * 3 * f + h * HEAD_D;
#pragma unroll
    for (int i = 0; i < HEAD_D; i++) {
        qv[i] = qrow[i] * scale;   // the scale folded into q once: one multiply per score fewer
        acc[i] = 0.0f;
    }
    float m = ATT_NEG_INF;
    float l = 0.0f;
    for (int j0 = 0; j0 < t; j0 += ATT_KT) {
        int keys = min(ATT_KT, t - j0);
        __syncthreads();   // the previous tile is no longer read
        for (int e = threadIdx.x; e < keys * HEAD_D; e += ATT_Q) {
            int jj = e / HEAD_D;
            int i = e - jj * HEAD_D;
            const float* row = base + (long long) (j0 + jj) * 3 * f + h * HEAD_D + i;
            ks[jj][i] = row[f];
            vs[jj][i] = row[2 * f];
        }
        __syncthreads();
        float sc[ATT_KT];
        float tile_max = ATT_NEG_INF;
#pragma unroll
        for (int jj = 0; jj < ATT_KT; jj++) {
            float dot = 0.0f;
            if (jj < keys) {
#pragma unroll
                for (int i = 0; i < HEAD_D; i++) {
                    dot += qv[i] * ks[jj][i];
                }
            }
            sc[jj] = jj < keys ? dot : ATT_NEG_INF;
            tile_max = fmaxf(tile_max, sc[jj]);
        }
        float m_new = fmaxf(m, tile_max);
        float corr = expf(m - m_new);   // 0 on the first tile (m = -inf)
        l *= corr;
#pragma unroll
        for (int i = 0; i < HEAD_D; i++) {
            acc[i] *= corr;
        }
#pragma unroll
        for (int jj = 0; jj < ATT_KT; jj++) {
            if (jj < keys) {
                float p = expf(sc[jj] - m_new);
                l += p;
#pragma unroll
                for (int i = 0; i < HEAD_D; i++) {
                    acc[i] += p * vs[jj][i];
                }
            }
        }
        m = m_new;
    }
    if (live) {
        float inv = 1.0f / l;
        float* orow = out + (img * t + q) * (long long) f + h * HEAD_D;
#pragma unroll
        for (int i = 0; i < HEAD_D; i++) {
            orow[i] = acc[i] * inv;
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
attention_scores_v3(float* __restrict__ partial, const float* __restrict__ qkv, int b, int heads, int t, int f,
                    int d, int splits) {
    __shared__ float qs[16][32];
    __shared__ float ks[16][33];
    int tx = threadIdx.x;
    int ty = threadIdx.y;
    int j0 = blockIdx.x * 16;
    int i0 = blockIdx.y * 16;
    int z = blockIdx.z;
    int split = z % splits;
    int bh = z / splits;
    int h = bh % heads;
    long long img = bh / heads;
    int per = (d + splits - 1) / splits;
    int c0 = split * per;
    int c1 = min(d, c0 + per);
    const float* base = qkv + img * t * 3LL * f + h * d;
    float acc = 0.0f;
    int lin = ty * 16 + tx;   // 0..255: loads two of the 512 tile elements each
    for (int c = c0; c < c1; c += 32) {
        for (int e = lin; e < 512; e += 256) {
            int r = e >> 5;
            int cc = e & 31;
            bool in = c + cc < c1;
            qs[r][cc] = in && i0 + r < t ? base[(long long) (i0 + r) * 3 * f + c + cc] : 0.0f;
            ks[r][cc] = in && j0 + r < t ? base[(long long) (j0 + r) * 3 * f + f + c + cc] : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int cc = 0; cc < 32; cc++) {
            acc += qs[ty][cc] * ks[tx][cc];
        }
        __syncthreads();
    }
    if (i0 + ty < t && j0 + tx < t) {
        partial[(((long long) split * b * heads + bh) * t + i0 + ty) * t + j0 + tx] = acc;
    }
}

extern "C" __global__ void __launch_bounds__(256)
attention_softmax_v3(float* __restrict__ p, const float* __restrict__ partial, int rows, int t, int splits,
                     float scale) {
    int r = blockIdx.x * 8 + (threadIdx.x >> 5);
    int lane = threadIdx.x & 31;
    if (r >= rows) {
        return;   // whole warps leave together: no shuffle is left waiting
    }
    long long slice = (long long) rows * t;
    float mx = ATT_NEG_INF;
    for (int j = lane; j < t; j += 32) {
        float s = 0.0f;
        for (int k = 0; k < splits; k++) {
            s += partial[k * slice + (long long) r * t + j];
        }
        s *= scale;
        p[(long long) r * t + j] = s;
        mx = fmaxf(mx, s);
    }
    mx = att_warp_max(mx);
    float sum = 0.0f;
    for (int j = lane; j < t; j += 32) {
        float e = expf(p[(long long) r * t + j] - mx);
        p[(long long) r * t + j] = e;
        sum += e;
    }
    float inv = 1.0f / att_warp_sum(sum);
    for (int j = lane; j < t; j += 32) {
        p[(long long) r * t + j] *= inv;
    }
}

extern "C" __global__ void __launch_bounds__(256)
attention_values_v3(float* __restrict__ out, const float* __restrict__ p, const float* __restrict__ qkv,
                    int heads, int t, int f, int d) {
    __shared__ float ps[ATT_VQ][ATT_VK];
    int i = blockIdx.x * 256 + threadIdx.x;
    int q0 = blockIdx.y * ATT_VQ;
    int bh = blockIdx.z;
    int h = bh % heads;
    long long img = bh / heads;
    const float* v = qkv + img * t * 3LL * f + 2 * f + h * d + i;
    const float* prow = p + (long long) bh * t * t;
    float acc[ATT_VQ];
#pragma unroll
    for (int r = 0; r < ATT_VQ; r++) {
        acc[r] = 0.0f;
    }
    for (int j0 = 0; j0 < t; j0 += ATT_VK) {
        int keys = min(ATT_VK, t - j0);
        __syncthreads();
        for (int e = threadIdx.x; e < ATT_VQ * ATT_VK; e += 256) {
            int r = e / ATT_VK;
            int jj = e - r * ATT_VK;
            ps[r][jj] = q0 + r < t && jj < keys ? prow[(long long) (q0 + r) * t + j0 + jj] : 0.0f;
        }
        __syncthreads();
        if (i < d) {
            for (int jj = 0; jj < keys; jj++) {
                float vv = v[(long long) (j0 + jj) * 3 * f];
#pragma unroll
                for (int r = 0; r < ATT_VQ; r++) {
                    acc[r] += ps[r][jj] * vv;
                }
            }
        }
    }
    if (i < d) {
#pragma unroll
        for (int r = 0; r < ATT_VQ; r++) {
            if (q0 + r < t) {
                out[(img * t + q0 + r) * (long long) f + h * d + i] = acc[r];
            }
        }
    }
}
