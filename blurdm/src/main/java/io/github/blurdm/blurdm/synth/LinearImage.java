package io.github.blurdm.blurdm.synth;

import java.awt.image.BufferedImage;

/**
 * An RGB image in linear light: [H,W,3] interleaved floats, 0..1, decoded from 8-bit sRGB with the exact
 * IEC 61966-2-1 transfer function. Encoding back rounds to the nearest 8-bit code, so an sRGB image that
 * is decoded and encoded again comes back bit for bit. Not thread-safe for writing; reading (sampling)
 * from several threads is safe.
 */
public final class LinearImage {
    private static final float[] DECODE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            DECODE[i] = (float) srgbToLinear(i / 255.0);
        }
    }

    private final int width;
    private final int height;
    private final float[] rgb;

    public LinearImage(int width, int height) {
        this(width, height, new float[Math.multiplyExact(Math.multiplyExact(width, height), 3)]);
    }

    /** Wraps {@code rgb} ([H,W,3] interleaved, linear light) without copying. */
    public LinearImage(int width, int height, float[] rgb) {
        if (width <= 0 || height <= 0 || rgb.length != width * height * 3) {
            throw new IllegalArgumentException("linear image: " + width + "x" + height + " needs "
                    + (long) width * height * 3 + " floats, got " + rgb.length);
        }
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The backing array, [H,W,3] interleaved. */
    public float[] data() {
        return rgb;
    }

    /** sRGB electro-optical transfer function, v in 0..1. */
    public static double srgbToLinear(double v) {
        return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }

    /** Inverse of {@link #srgbToLinear}, x in 0..1 (clamped). */
    public static double linearToSrgb(double x) {
        x = Math.max(0.0, Math.min(1.0, x));
        return x <= 0.0031308 ? 12.92 * x : 1.055 * Math.pow(x, 1 / 2.4) - 0.055;
    }

    /** The 8-bit sRGB code nearest to the linear value x. */
    public static int encode8(double x) {
        return (int) Math.round(linearToSrgb(x) * 255.0);
    }

    /** Linear value of an 8-bit sRGB code. */
    public static float decode8(int code) {
        return DECODE[code];
    }

    /** Decodes any image Java reads (through getRGB, i.e. as 8-bit sRGB, alpha dropped). */
    public static LinearImage fromSrgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[] v = new float[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            v[3 * i] = DECODE[(p >> 16) & 0xff];
            v[3 * i + 1] = DECODE[(p >> 8) & 0xff];
            v[3 * i + 2] = DECODE[p & 0xff];
        }
        return new LinearImage(w, h, v);
    }

    /** Gamma-encodes and quantises to an 8-bit RGB image. */
    public BufferedImage toSrgb() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[width * height];
        for (int i = 0; i < px.length; i++) {
            px[i] = (encode8(rgb[3 * i]) << 16) | (encode8(rgb[3 * i + 1]) << 8) | encode8(rgb[3 * i + 2]);
        }
        img.setRGB(0, 0, width, height, px, 0, width);
        return img;
    }

    /**
     * Area (box) downscale by an integer factor k, averaging in linear light; the last partial rows and
     * columns are dropped. k = 1 returns this image.
     */
    public LinearImage downscale(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("downscale factor must be >= 1, got " + k);
        }
        if (k == 1) {
            return this;
        }
        int w = width / k;
        int h = height / k;
        float[] out = new float[w * h * 3];
        float inv = 1f / (k * k);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int dy = 0; dy < k; dy++) {
                    int row = ((y * k + dy) * width + x * k) * 3;
                    for (int dx = 0; dx < k; dx++) {
                        r += rgb[row + 3 * dx];
                        g += rgb[row + 3 * dx + 1];
                        b += rgb[row + 3 * dx + 2];
                    }
                }
                int o = (y * w + x) * 3;
                out[o] = r * inv;
                out[o + 1] = g * inv;
                out[o + 2] = b * inv;
            }
        }
        return new LinearImage(w, h, out);
    }

    /**
     * Bilinear sample at continuous pixel coordinates (pixel centres at integers), edges replicated;
     * adds weight times the sampled colour to acc[o..o+2].
     */
    public void sampleAdd(double x, double y, float weight, float[] acc, int o) {
        x = Math.max(0.0, Math.min(width - 1.0, x));
        y = Math.max(0.0, Math.min(height - 1.0, y));
        int x0 = Math.min((int) x, width - 2 < 0 ? 0 : width - 2);
        int y0 = Math.min((int) y, height - 2 < 0 ? 0 : height - 2);
        int x1 = Math.min(x0 + 1, width - 1);
        int y1 = Math.min(y0 + 1, height - 1);
        float fx = (float) (x - x0);
        float fy = (float) (y - y0);
        float w00 = (1 - fx) * (1 - fy) * weight;
        float w01 = fx * (1 - fy) * weight;
        float w10 = (1 - fx) * fy * weight;
        float w11 = fx * fy * weight;
        int i00 = (y0 * width + x0) * 3;
        int i01 = (y0 * width + x1) * 3;
        int i10 = (y1 * width + x0) * 3;
        int i11 = (y1 * width + x1) * 3;
        for (int c = 0; c < 3; c++) {
            acc[o + c] += w00 * rgb[i00 + c] + w01 * rgb[i01 + c] + w10 * rgb[i10 + c] + w11 * rgb[i11 + c];
        }
    }
}
