package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * conv2d: out[N,Cout,Ho,Wo] = act(conv(x[N,Cin,H,W], w[Cout,Cin/g,kH,kW]) + bias). Launcher for
 * conv2d.cu: v1 direct (one thread per output, run-time sizes), v2 implicit GEMM fp32 (kernel size
 * and stride compiled in, 64 pixels x BM output channels per block of 256 threads, BM = 64, 32 or
 * 16 by Cout/groups), v3 TF32 tensor cores (about 1e-3 relative error; only when asked for).
 */
final class Conv2dCuda {
    /** v2: the exact fp32 implicit GEMM, by design; not yet timed on a GPU. v3 is never a default (TF32). */
    static final int DEFAULT_VERSION = 2;
    static final int VERSIONS = 3;

    private Conv2dCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
        int n = x.dim(0);
        int cin = x.dim(1);
        int h = x.dim(2);
        int wd = x.dim(3);
        int cout = out.dim(1);
        int ho = out.dim(2);
        int wo = out.dim(3);
        int kh = w.dim(2);
        int kw = w.dim(3);
        int g = p.groups();
        float slope = p.activation().slope();
        String act = ActivationCode.define(p.activation());
        if (version == 1 || g > 65535) {
            b.launch("conv2d.cu", List.of(act), "conv2d_v1", CudaBackend.blocks((long) n * cout * ho * wo, 256, 65535), 1,
                    1, 256, 1, 1, out, x, w, bias, n, cin, h, wd, cout, ho, wo, kh, kw, p.strideH(), p.strideW(), p.padH(),
                    p.padW(), p.dilationH(), p.dilationW(), g, slope);
            return;
        }
        int coutG = cout / g;
        List<String> defs = new ArrayList<>(List.of(act, "-DKH=" + kh, "-DKW=" + kw, "-DSH=" + p.strideH(),
                "-DSW=" + p.strideW()));
        int bm = 64;
        if (version == 2) {
            bm = coutG >= 64 ? 64 : coutG >= 32 ? 32 : 16;
            if (bm != 64) {
                defs.add("-DBM=" + bm);
                defs.add("-DTM=" + bm / 16);
            }
        }
        long pixels = (long) n * ho * wo;
        b.launch("conv2d.cu", defs, "conv2d_v" + version, (int) ((pixels + 63) / 64), (coutG + bm - 1) / bm, g, 256, 1, 1,
                out, x, w, bias, n, cin, h, wd, cout, ho, wo, p.padH(), p.padW(), p.dilationH(), p.dilationW(), g, slope);
    }
}
