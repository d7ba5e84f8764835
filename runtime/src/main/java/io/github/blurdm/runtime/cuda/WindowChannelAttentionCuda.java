package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.OpShapes;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * window_channel_attention of qkv [N,3C,H,W]: launcher for window_attention.cu. v1 one thread per (n, window,
 * head, row of S); v2 one block per (n, window, head) with the window's k, v and S in dynamic shared memory,
 * for heads of d <= {@link #V2_MAX_HEAD} channels (48 KiB); larger heads run v1 whatever the version. Batch x
 * heads beyond the grid's y/z limit run as several launches over offset pointers.
 */
final class WindowChannelAttentionCuda {
    /** v2 by design (shared k, v and S); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;
    /** The largest head v2 takes: (128 d + d^2) floats of shared memory must fit 48 KiB. */
    static final int V2_MAX_HEAD = 64;
    private static final int MAX_GRID_YZ = 65535;

    private WindowChannelAttentionCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor qkv, Tensor temperature, Tensor mlpWeight,
                       Tensor mlpBias) {
        int n = qkv.dim(0);
        int c = qkv.dim(1) / 3;
        int h = qkv.dim(2);
        int w = qkv.dim(3);
        int heads = temperature.dim(0);
        int d = c / heads;
        int ws = OpShapes.ATTENTION_WINDOW;
        int windows = ((h + ws - 1) / ws) * ((w + ws - 1) / ws);
        long plane = (long) h * w;
        // whole images per launch, so the heads of one image stay in one grid
        int perLaunch = Math.max(1, MAX_GRID_YZ / heads);
        for (int n0 = 0; n0 < n; n0 += perLaunch) {
            int count = Math.min(perLaunch, n - n0);
            DevicePointer o = CudaBackend.ptr(out).withByteOffset((long) n0 * c * plane * 4);
            DevicePointer x = CudaBackend.ptr(qkv).withByteOffset((long) n0 * 3 * c * plane * 4);
            if (version == 2 && d <= V2_MAX_HEAD) {
                int threads = (d + 31) / 32 * 32;
                int shared = (2 * 64 * d + d * d) * 4;
                b.launchShared("window_attention.cu", List.of(), "window_channel_attention_v2", windows,
                        count * heads, 1, threads, 1, 1, shared, o, x, temperature, mlpWeight, mlpBias, c, h, w,
                        heads);
            } else {
                b.launch("window_attention.cu", List.of(), "window_channel_attention_v1", windows, (d + 63) / 64,
                        count * heads, 64, 1, 1, o, x, temperature, mlpWeight, mlpBias, c, h, w, heads);
            }
        }
    }
}
