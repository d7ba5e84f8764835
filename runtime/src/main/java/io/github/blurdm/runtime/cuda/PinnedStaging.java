package io.github.blurdm.runtime.cuda;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * Host-device copies through two pinned (page-locked) staging chunks, so the Java-side copy of one
 * chunk overlaps the DMA of the other. Uploads return once the data is in pinned memory (the copy
 * to the device continues on the stream); downloads return when the data is in the array. Not
 * thread-safe: the backend serialises calls.
 */
final class PinnedStaging {
    static final int CHUNK_FLOATS = 1 << 20;   // 4 MiB per chunk

    private final CUstream stream;
    private final Pointer[] host = new Pointer[2];
    private final FloatBuffer[] view = new FloatBuffer[2];
    private final CUevent[] done = new CUevent[2];
    private final boolean[] pending = new boolean[2];

    PinnedStaging(CUstream stream) {
        this.stream = stream;
    }

    private void ensure() {
        if (host[0] != null) {
            return;
        }
        for (int i = 0; i < 2; i++) {
            host[i] = new Pointer();
            Cu.check(JCudaDriver.cuMemAllocHost(host[i], (long) CHUNK_FLOATS * 4), "cuMemAllocHost(staging)");
            view[i] = host[i].getByteBuffer(0, (long) CHUNK_FLOATS * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            done[i] = new CUevent();
            Cu.check(JCudaDriver.cuEventCreate(done[i], 0), "cuEventCreate(staging)");
        }
    }

    private void waitFor(int b) {
        if (pending[b]) {
            Cu.check(JCudaDriver.cuEventSynchronize(done[b]), "cuEventSynchronize(staging)");
            pending[b] = false;
        }
    }

    void upload(float[] src, int n, CUdeviceptr dst) {
        ensure();
        int chunk = 0;
        for (int off = 0; off < n; off += CHUNK_FLOATS, chunk++) {
            int b = chunk & 1;
            int len = Math.min(CHUNK_FLOATS, n - off);
            waitFor(b);
            view[b].clear();
            view[b].put(src, off, len);
            Cu.check(JCudaDriver.cuMemcpyHtoDAsync(dst.withByteOffset((long) off * 4), host[b], (long) len * 4, stream),
                    "cuMemcpyHtoDAsync(" + len + " floats at " + off + ")");
            Cu.check(JCudaDriver.cuEventRecord(done[b], stream), "cuEventRecord(staging)");
            pending[b] = true;
        }
    }

    void download(CUdeviceptr src, int n, float[] dst) {
        ensure();
        int chunks = (n + CHUNK_FLOATS - 1) / CHUNK_FLOATS;
        for (int c = 0; c <= chunks; c++) {
            if (c < chunks) {
                int b = c & 1;
                waitFor(b);
                int off = c * CHUNK_FLOATS;
                int len = Math.min(CHUNK_FLOATS, n - off);
                Cu.check(JCudaDriver.cuMemcpyDtoHAsync(host[b], src.withByteOffset((long) off * 4), (long) len * 4,
                        stream), "cuMemcpyDtoHAsync(" + len + " floats at " + off + ")");
                Cu.check(JCudaDriver.cuEventRecord(done[b], stream), "cuEventRecord(staging)");
                pending[b] = true;
            }
            if (c > 0) {
                int p = (c - 1) & 1;
                waitFor(p);
                int off = (c - 1) * CHUNK_FLOATS;
                int len = Math.min(CHUNK_FLOATS, n - off);
                view[p].clear();
                view[p].get(dst, off, len);
            }
        }
    }

    void close() {
        for (int i = 0; i < 2; i++) {
            if (host[i] != null) {
                waitFor(i);
                JCudaDriver.cuMemFreeHost(host[i]);
                JCudaDriver.cuEventDestroy(done[i]);
                host[i] = null;
            }
        }
    }
}
