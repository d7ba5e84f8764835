// emu_checks.cu: small kernels with planted bugs and known answers, for EmulatedDeviceTest: the
// emulated device must catch each bug and name it, and compute each answer as a GPU does.

// Writes one element past the end of out (n elements).
extern "C" __global__ void write_past_end(float* out, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i <= n) {
        out[i] = 1.0f;
    }
}

// Writes far outside every allocation.
extern "C" __global__ void wild_write(float* out) {
    out[threadIdx.x + (1 << 28)] = 1.0f;
}

// Block sum through shared memory; without -DWITH_BARRIER the barrier between the writes and the
// reads is missing.
extern "C" __global__ void block_sum(float* out, const float* x) {
    __shared__ float part[128];
    part[threadIdx.x] = x[blockIdx.x * 128 + threadIdx.x];
#ifdef WITH_BARRIER
    __syncthreads();
#endif
    if (threadIdx.x == 0) {
        float s = 0.0f;
        for (int i = 0; i < 128; i++) {
            s += part[i];
        }
        out[blockIdx.x] = s;
    }
}

// Reads shared memory nobody wrote.
extern "C" __global__ void read_unwritten_shared(float* out) {
    __shared__ float s[64];
    out[threadIdx.x] = s[threadIdx.x];
}

// Dynamic shared memory: each thread writes its slot, then reads its neighbour's.
extern "C" __global__ void dynamic_rotate(float* out, const float* x) {
    extern __shared__ float dyn[];
    dyn[threadIdx.x] = x[threadIdx.x];
    __syncthreads();
    out[threadIdx.x] = dyn[(threadIdx.x + 1) % blockDim.x];
}

// Lanes 16..31 exit, lanes 0..15 then shuffle over the full warp.
extern "C" __global__ void shuffle_after_exit(float* out) {
    if (threadIdx.x >= 16) {
        return;
    }
    out[threadIdx.x] = __shfl_xor_sync(0xffffffffu, (float) threadIdx.x, 1);
}

// Half a warp waits at a barrier while the other half waits for it at a shuffle.
extern "C" __global__ void barrier_shuffle_deadlock(float* out) {
    float v = (float) threadIdx.x;
    if (threadIdx.x < 16) {
        __syncthreads();
    } else {
        v = __shfl_xor_sync(0xffffffffu, v, 1);
    }
    out[threadIdx.x] = v;
}

// A mask that leaves out the calling lane.
extern "C" __global__ void mask_without_caller(float* out) {
    out[threadIdx.x] = __shfl_sync(0x1u, 1.0f, 0);
}

// Shuffles, votes: xor (butterfly), down with width 8, up, broadcast, ballot.
extern "C" __global__ void warp_ops(int* out) {
    int lane = threadIdx.x & 31;
    int base = (threadIdx.x >> 5) * 5 * 32;
    out[base + lane] = __shfl_xor_sync(0xffffffffu, lane * 10, 3);
    out[base + 32 + lane] = __shfl_down_sync(0xffffffffu, lane * 10, 2, 8);
    out[base + 64 + lane] = __shfl_up_sync(0xffffffffu, lane * 10, 5);
    out[base + 96 + lane] = __shfl_sync(0xffffffffu, lane * 10, 7);
    out[base + 128 + lane] = (int) __ballot_sync(0xffffffffu, lane % 3 == 0);
}

// The order blocks start in: order[k] = the k-th block to run.
extern "C" __global__ void block_order(int* counter, int* order) {
    if (threadIdx.x == 0) {
        order[atomicAdd(counter, 1)] = blockIdx.x;
    }
}

// The order threads of one block run their first segment in.
extern "C" __global__ void thread_order(int* order) {
    __shared__ int next;
    if (threadIdx.x == 0) {
        next = 0;
    }
    __syncthreads();
    int k = next;     // a plain read-modify-write: fibers switch only at barriers, so it is exact here
    next = k + 1;
    order[k] = threadIdx.x;
}

// 2 threads per block, but bounded to 64 and launched with more by the test.
extern "C" __global__ void __launch_bounds__(64) bounded(float* out) {
    out[threadIdx.x] = 1.0f;
}

// Takes an int; the test passes a long.
extern "C" __global__ void takes_int(float* out, int n) {
    out[0] = (float) n;
}

// cvt.rna.tf32.f32 of each input.
extern "C" __global__ void tf32_round(unsigned* out, const float* x, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        out[i] = blurdm_cvt_rna_tf32(x[i]);
    }
}

// One warp: D (16x8) = A (16x8, row-major) * B (8x8, row-major k x n) + C, through the fragment
// layout of mma.m16n8k8 as conv2d.cu's comment gives it.
extern "C" __global__ void mma_tile(float* d, const float* a, const float* b, const float* c) {
    int lane = threadIdx.x;
    int gid = lane >> 2;
    int tig = lane & 3;
    unsigned af[4] = {blurdm_cvt_rna_tf32(a[gid * 8 + tig]), blurdm_cvt_rna_tf32(a[(gid + 8) * 8 + tig]),
                      blurdm_cvt_rna_tf32(a[gid * 8 + tig + 4]), blurdm_cvt_rna_tf32(a[(gid + 8) * 8 + tig + 4])};
    unsigned bf[2] = {blurdm_cvt_rna_tf32(b[tig * 8 + gid]), blurdm_cvt_rna_tf32(b[(tig + 4) * 8 + gid])};
    float acc[4] = {c[gid * 8 + 2 * tig], c[gid * 8 + 2 * tig + 1], c[(gid + 8) * 8 + 2 * tig],
                    c[(gid + 8) * 8 + 2 * tig + 1]};
    blurdm_mma_m16n8k8_tf32(acc, af, bf, acc);
    d[gid * 8 + 2 * tig] = acc[0];
    d[gid * 8 + 2 * tig + 1] = acc[1];
    d[(gid + 8) * 8 + 2 * tig] = acc[2];
    d[(gid + 8) * 8 + 2 * tig + 1] = acc[3];
}
