package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * permute (rank up to 6): launcher for permute.cu: v1 one thread per output element, v2 32 x 32 shared-memory
 * tiles when x's last dimension moves. v2 runs v1 when x's last dimension stays last (v1 is coalesced both
 * ways then) or when the dimensions other than the two tiled ones number more than the grid's z limit.
 */
final class PermuteCuda {
    /** v2 by design (coalesced reads and writes for transposes); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;
    private static final int MAX_GRID = 65535;

    private PermuteCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x, int[] dims) {
        int r = dims.length;
        int[] o = new int[6];
        long[] s = new long[6];
        long[] xs = new long[r];
        for (int k = r - 1, st = 1; k >= 0; k--) {
            xs[k] = st;
            st *= x.dim(k);
        }
        int lead = 6 - r;
        for (int k = 0; k < 6; k++) {
            o[k] = k < lead ? 1 : out.dim(k - lead);
            s[k] = k < lead ? 0 : xs[dims[k - lead]];
        }
        int p = -1;
        for (int k = 0; k < r; k++) {
            if (dims[k] == r - 1) {
                p = k + lead;
            }
        }
        long rest = 1;
        for (int k = 0; k < 5; k++) {
            rest *= k == p ? 1 : o[k];
        }
        if (version == 2 && p != 5 && rest <= MAX_GRID) {
            b.launch("permute.cu", List.of(), "permute_v2", (o[5] + 31) / 32, (o[p] + 31) / 32, (int) rest, 32, 8, 1, out,
                    x, p, o[0], o[1], o[2], o[3], o[4], o[5], s[0], s[1], s[2], s[3], s[4], s[5]);
            return;
        }
        long n = out.size();
        b.launch("permute.cu", List.of(), "permute_v1", CudaBackend.blocks(n, 256, MAX_GRID), 1, 1, 256, 1, 1, out, x, n,
                o[0], o[1], o[2], o[3], o[4], o[5], s[0], s[1], s[2], s[3], s[4], s[5]);
    }
}
