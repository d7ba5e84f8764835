package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/**
 * channel_affine (BlurDM's prior modulation): out[n,c,...] = x[n,c,...] * scale[n,c] + shift[n,c].
 * The product is rounded before the sum, as PyTorch's {@code x * k + v} does. Parallel over (n, c) planes.
 */
public final class ChannelAffineCpu {
    private ChannelAffineCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#channelAffine} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x, Tensor scale, Tensor shift) {
        final float[] o = out.data();
        final float[] in = x.data();
        final float[] k = scale.data();
        final float[] v = shift.data();
        final int planes = x.dim(0) * x.dim(1);
        final int plane = x.size() / planes;
        par.forEach(planes, nc -> {
            float kk = k[nc];
            float vv = v[nc];
            int base = nc * plane;
            for (int i = base; i < base + plane; i++) {
                o[i] = in[i] * kk + vv;
            }
        });
    }
}
