package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Gelu;
import io.github.blurdm.runtime.Tensor;

/**
 * gelu_gate: out[n,c,...] = GELU(x[n,c,...]) * x[n,c+C,...] for x [N,2C,...] (FFTformer's DFFN gate after
 * its chunk), GELU the exact erf form ({@link Gelu#apply}). The plain reference loop; parallel over (n, c).
 */
public final class GeluGateCpu {
    private GeluGateCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#geluGate} on the CPU: the scalar reference loop. */
    public static void forward(Parallel par, Tensor out, Tensor x) {
        final float[] o = out.data();
        final float[] in = x.data();
        final int c = out.dim(1);
        final int inner = out.size() / (out.dim(0) * c);
        par.forEach(out.dim(0) * c, job -> {
            int n = job / c;
            int ch = job % c;
            int src = (n * 2 * c + ch) * inner;
            int gate = src + c * inner;
            int dst = job * inner;
            for (int i = 0; i < inner; i++) {
                o[dst + i] = Gelu.apply(in[src + i]) * in[gate + i];
            }
        });
    }
}
