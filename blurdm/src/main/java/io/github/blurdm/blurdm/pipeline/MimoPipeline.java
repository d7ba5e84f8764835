package io.github.blurdm.blurdm.pipeline;

import io.github.blurdm.blurdm.backbone.MimoUNet;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * The MIMO-UNet+ inference pipeline of spec section 8: v/255 - 0.5, reflect pad right/bottom to a
 * multiple of 8, the prior on the padded image, the backbone's full-resolution output, crop, clamp to
 * [-0.5, 0.5], +0.5, then {@code uint8(clamp(v*255 + 0.5, 0, 255))} (torchvision's save_image).
 * Images are interleaved 8-bit RGB as float values 0..255, row-major [H,W,3].
 */
public final class MimoPipeline {
    /** The smallest side the reflect padding supports. */
    public static final int MIN_SIDE = 8;

    private MimoPipeline() {
    }

    /**
     * @param rgb   [H,W,3] values 0..255 on the host
     * @param prior the prior generator, or null for a backbone without prior
     * @param noise the prior's initial noise (ignored without prior)
     * @return [H,W,3] quantised values 0..255 on the host
     */
    public static Tensor deblur(Ops ops, MimoUNet backbone, LatentExposureDiffusion prior, Tensor rgb,
                                LatentExposureDiffusion.Noise noise) {
        if (rgb.rank() != 3 || rgb.dim(2) != 3) {
            throw new IllegalArgumentException("image must be [H,W,3] RGB, found " + java.util.Arrays.toString(rgb.shape()));
        }
        int h = rgb.dim(0);
        int w = rgb.dim(1);
        if (h < MIN_SIDE || w < MIN_SIDE) {
            throw new IllegalArgumentException("image is " + w + "x" + h + " pixels; MIMO-UNet needs at least "
                    + MIN_SIDE + "x" + MIN_SIDE);
        }
        Tensor x = ops.backend().upload(normalise(rgb));
        int ph = (8 - h % 8) % 8;
        int pw = (8 - w % 8) % 8;
        Tensor xp = ph == 0 && pw == 0 ? x : ops.reflectPad(x, 0, ph, 0, pw);
        Tensor p = prior == null ? null : prior.sample(ops, xp, noise, null);
        Tensor out = ops.backend().download(backbone.forward(ops, xp, p, null));
        return quantise(out, h, w);
    }

    /** [H,W,3] 0..255 -> [1,3,H,W] v/255 - 0.5 (float32, rounded after each operation). */
    public static Tensor normalise(Tensor rgb) {
        int h = rgb.dim(0);
        int w = rgb.dim(1);
        float[] in = rgb.data();
        float[] out = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < h * w; i++) {
                out[c * h * w + i] = in[i * 3 + c] / 255f - 0.5f;
            }
        }
        return Tensor.of(out, 1, 3, h, w);
    }

    /** Crop [1,3,Hp,Wp] to h x w, clamp, shift, quantise as save_image does; returns [h,w,3]. */
    public static Tensor quantise(Tensor out, int h, int w) {
        int hp = out.dim(2);
        int wp = out.dim(3);
        float[] o = out.data();
        float[] q = new float[h * w * 3];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = Math.min(0.5f, Math.max(-0.5f, o[(c * hp + y) * wp + x])) + 0.5f;
                    float s = Math.min(255f, Math.max(0f, v * 255f + 0.5f));
                    q[(y * w + x) * 3 + c] = (int) s;
                }
            }
        }
        return Tensor.of(q, h, w, 3);
    }
}
