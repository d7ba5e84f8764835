package io.github.blurdm.blurdm.synth;

import java.util.SplittableRandom;

/**
 * Depth of field in the scene, before the camera moves: part of the scene is out of focus, blurred by
 * a disk (pillbox) point-spread function of {@code radius} pixels in linear light, and blended with the
 * in-focus scene by a focus weight that is 0 where the scene is sharp and 1 where it is fully defocused.
 * The weight is either 1 everywhere ({@code wholeFrame}) or a ramp across the crop, a depth gradient
 * (foreground sharp, background soft) in a random direction. Because the defocus belongs to the scene,
 * the sharp target keeps it: a model trained on such pairs learns to leave optical softness alone and
 * remove only the motion. Coordinates are the crop's pixels in the scene frame. Immutable.
 *
 * @param radius     disk radius, pixels (the edge is anti-aliased over one pixel)
 * @param wholeFrame true: the whole scene is defocused; false: the ramp below
 * @param centreX    ramp centre (weight 1/2), crop pixels
 * @param centreY    ramp centre, crop pixels
 * @param angle      ramp direction, radians: the weight grows along (cos, sin)
 * @param rampWidth  distance over which the weight goes from 0 to 1, pixels
 */
public record Defocus(double radius, boolean wholeFrame, double centreX, double centreY, double angle,
                      double rampWidth) {
    /** Smallest radius drawn: below about a pixel a disk blur is lost in the 8-bit quantisation. */
    public static final double MIN_RADIUS = 1.0;
    /** Largest radius allowed: beyond it a crop-sized scene is a flat colour and the disk costs O(r^2). */
    public static final double MAX_RADIUS = 64.0;

    public Defocus {
        if (!(radius > 0) || !(rampWidth > 0)) {
            throw new IllegalArgumentException("defocus needs radius > 0 and ramp width > 0, got " + radius
                    + ", " + rampWidth);
        }
    }

    /** Draws a defocus for a w x h crop: radius uniform in [1, maxRadius], whole frame 40% of the time. */
    static Defocus random(SplittableRandom rng, double maxRadius, int w, int h) {
        double radius = MIN_RADIUS + (maxRadius - MIN_RADIUS) * rng.nextDouble();
        boolean whole = rng.nextDouble() < 0.4;
        double cx = w * rng.nextDouble();
        double cy = h * rng.nextDouble();
        double angle = 2 * Math.PI * rng.nextDouble();
        double width = Math.min(w, h) * (0.1 + 0.5 * rng.nextDouble());
        return new Defocus(radius, whole, cx, cy, angle, width);
    }

    /** Focus weight at crop point (x, y): 0 in focus, 1 fully defocused. */
    public double weight(double x, double y) {
        if (wholeFrame) {
            return 1;
        }
        double along = (x - centreX) * Math.cos(angle) + (y - centreY) * Math.sin(angle);
        return Math.max(0.0, Math.min(1.0, along / rampWidth + 0.5));
    }

    /**
     * The scene region [x0, x0 + w) x [y0, y0 + h) of photo (photo pixels, may reach past its edges,
     * which replicate) with this defocus applied; the crop's origin is at photo pixel (cropX, cropY).
     */
    LinearImage applyTo(LinearImage photo, int x0, int y0, int w, int h, int cropX, int cropY) {
        int reach = (int) Math.ceil(radius + 0.5);
        int side = 2 * reach + 1;
        float[] kernel = new float[side * side];
        double sum = 0;
        for (int dy = -reach; dy <= reach; dy++) {
            for (int dx = -reach; dx <= reach; dx++) {
                double k = Math.max(0.0, Math.min(1.0, radius + 0.5 - Math.hypot(dx, dy)));
                kernel[(dy + reach) * side + dx + reach] = (float) k;
                sum += k;
            }
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = (float) (kernel[i] / sum);
        }
        float[] src = photo.data();
        int pw = photo.width();
        int ph = photo.height();
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        for (int y = 0; y < h; y++) {
            int py = y0 + y;
            for (int x = 0; x < w; x++) {
                int px = x0 + x;
                int o = (y * w + x) * 3;
                int at = (clamp(py, ph) * pw + clamp(px, pw)) * 3;
                float wt = (float) weight(px - cropX, py - cropY);
                float r = src[at] * (1 - wt);
                float g = src[at + 1] * (1 - wt);
                float b = src[at + 2] * (1 - wt);
                if (wt > 0) {
                    float br = 0;
                    float bg = 0;
                    float bb = 0;
                    for (int dy = -reach; dy <= reach; dy++) {
                        int row = clamp(py + dy, ph) * pw;
                        int krow = (dy + reach) * side + reach;
                        for (int dx = -reach; dx <= reach; dx++) {
                            float k = kernel[krow + dx];
                            if (k == 0) {
                                continue;
                            }
                            int s = (row + clamp(px + dx, pw)) * 3;
                            br += k * src[s];
                            bg += k * src[s + 1];
                            bb += k * src[s + 2];
                        }
                    }
                    r += wt * br;
                    g += wt * bg;
                    b += wt * bb;
                }
                out[o] = r;
                out[o + 1] = g;
                out[o + 2] = b;
            }
        }
        return new LinearImage(w, h, out);
    }

    private static int clamp(int v, int size) {
        return v < 0 ? 0 : v >= size ? size - 1 : v;
    }
}
