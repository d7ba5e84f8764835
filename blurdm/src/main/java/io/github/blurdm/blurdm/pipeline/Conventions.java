package io.github.blurdm.blurdm.pipeline;

import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import java.util.Locale;

/**
 * How images go into a network and come back out (spec section 8.2): the part of inference that differs
 * between a backbone's original release and its BlurDM variant, so the same network runs either way.
 * Every step is done in float32 in the order the reference scripts do it:
 * <ol>
 * <li>normalise: {@code v/255 + offset} (0 for inputs in [0, 1], -0.5 for [-0.5, 0.5]);</li>
 * <li>pad: reflect (without repeating the edge) at the right and bottom up to the next multiple of
 *     {@code padMultiple}; sides already multiples are not padded at all;</li>
 * <li>after the network, crop back, clamp to [{@code clampLow}, {@code clampHigh}], subtract
 *     {@code offset} (so the value is in [0, 1]) and quantise with {@code quantisation}.</li>
 * </ol>
 * Which network output is used is the backbone's own (its family's {@code output()}, e.g. MIMO-UNet's
 * {@code out[2]}, whatever the origin), so it is not part of this value. {@link ConventionRules} (package
 * {@code blurdm}) holds the rows. Immutable.
 *
 * @param offset       added after dividing by 255
 * @param padMultiple  the sides the network needs are multiples of this (>= 1)
 * @param clampLow     lower clamp of the network output
 * @param clampHigh    upper clamp of the network output
 * @param quantisation how [0, 1] becomes 8 bits
 */
public record Conventions(float offset, int padMultiple, float clampLow, float clampHigh, Quantisation quantisation) {
    public Conventions {
        if (padMultiple < 1 || !(clampLow < clampHigh) || quantisation == null) {
            throw new IllegalArgumentException("conventions need padMultiple >= 1, clampLow < clampHigh and a "
                    + "quantisation; found " + padMultiple + ", [" + clampLow + ", " + clampHigh + "], " + quantisation);
        }
    }

    /** [H,W,3] 0..255 -> [1,3,H,W] {@code v/255 + offset} (float32, rounded after each operation). */
    public Tensor normalise(Tensor rgb) {
        int h = rgb.dim(0);
        int w = rgb.dim(1);
        float[] in = rgb.data();
        float[] out = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < h * w; i++) {
                out[c * h * w + i] = in[i * 3 + c] / 255f + offset;
            }
        }
        return Tensor.of(out, 1, 3, h, w);
    }

    /** Reflect padding right and bottom to multiples of {@link #padMultiple}, on the host; x itself when none is needed. */
    public Tensor pad(Tensor x) {
        int ph = padding(x.dim(2));
        int pw = padding(x.dim(3));
        if (ph == 0 && pw == 0) {
            return x;
        }
        try (CpuBackend host = new CpuBackend(1, false)) {
            return new Ops(host).reflectPad(x, 0, ph, 0, pw);
        }
    }

    /** Rows or columns added to a side of n pixels. */
    public int padding(int n) {
        return (padMultiple - n % padMultiple) % padMultiple;
    }

    /** Crop [1,3,Hp,Wp] to h x w, clamp, remove the offset, quantise; returns [h,w,3] 8-bit values as floats. */
    public Tensor quantise(Tensor out, int h, int w) {
        int hp = out.dim(2);
        int wp = out.dim(3);
        float[] o = out.data();
        float[] q = new float[h * w * 3];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = Math.min(clampHigh, Math.max(clampLow, o[(c * hp + y) * wp + x])) - offset;
                    q[(y * w + x) * 3 + c] = quantisation.level(v);
                }
            }
        }
        return Tensor.of(q, h, w, 3);
    }

    /** One line for logs: e.g. "v/255 - 0.5; reflect pad to a multiple of 8; clamp [-0.5, 0.5] + 0.5; ...". */
    public String describe() {
        String norm = offset == 0 ? "v/255" : String.format(Locale.ROOT, "v/255 %s %s", offset < 0 ? "-" : "+",
                num(Math.abs(offset)));
        String pad = padMultiple == 1 ? "no padding" : "reflect pad right/bottom to a multiple of " + padMultiple;
        String clamp = "clamp [" + num(clampLow) + ", " + num(clampHigh) + "]" + (offset == 0 ? ""
                : String.format(Locale.ROOT, " %s %s", offset < 0 ? "+" : "-", num(Math.abs(offset))));
        return norm + "; " + pad + "; " + clamp + "; " + quantisation.description();
    }

    private static String num(float f) {
        return f == Math.rint(f) ? String.valueOf((int) f) : String.valueOf(f);
    }
}
