package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;

/** slice_channels: out[n, 0:Co, ...] = x[n, start:start+Co, ...], one contiguous copy per image. */
public final class SliceChannelsCpu {
    private SliceChannelsCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#sliceChannels} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor x, int start) {
        final int n = x.dim(0);
        final int plane = x.size() / (n * x.dim(1));
        final int len = out.dim(1) * plane;
        final int xPerImage = x.size() / n;
        par.forEach(n, img -> System.arraycopy(x.data(), img * xPerImage + start * plane, out.data(), img * len, len));
    }
}
