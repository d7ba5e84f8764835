package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * conv_transpose2d: launcher for conv_transpose2d.cu: v1 gather over every tap (any parameters),
 * v2 phase-decomposed gather (kernel size and stride compiled in; dilation 1 only, v1 otherwise).
 * Both one thread per output, block 256, grid-stride.
 */
final class ConvTranspose2dCuda {
    /** v2 by design (visits only the taps that hit an input); not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 2;

    private ConvTranspose2dCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x, Tensor w, Tensor bias,
                       ConvTranspose2dParams p) {
        int n = x.dim(0);
        int cin = x.dim(1);
        int h = x.dim(2);
        int wd = x.dim(3);
        int cout = out.dim(1);
        int ho = out.dim(2);
        int wo = out.dim(3);
        int kh = w.dim(2);
        int kw = w.dim(3);
        String act = ActivationCode.define(p.activation());
        float slope = p.activation().slope();
        int grid = CudaBackend.blocks((long) n * cout * ho * wo, 256, 65535);
        if (version == 2 && p.dilationH() == 1 && p.dilationW() == 1) {
            b.launch("conv_transpose2d.cu", List.of(act, "-DKH=" + kh, "-DKW=" + kw, "-DSH=" + p.strideH(),
                    "-DSW=" + p.strideW()), "conv_transpose2d_v2", grid, 1, 1, 256, 1, 1, out, x, w, bias, n, cin, h,
                    wd, cout, ho, wo, p.padH(), p.padW(), p.groups(), slope);
            return;
        }
        b.launch("conv_transpose2d.cu", List.of(act), "conv_transpose2d_v1", grid, 1, 1, 256, 1, 1, out, x, w, bias, n,
                cin, h, wd, cout, ho, wo, kh, kw, p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(),
                p.dilationW(), p.groups(), slope);
    }
}
