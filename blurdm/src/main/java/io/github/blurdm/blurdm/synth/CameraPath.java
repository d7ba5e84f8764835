package io.github.blurdm.blurdm.synth;

import java.util.SplittableRandom;

/**
 * A smooth camera motion over one exposure, t in [0, 1]: a translation along a cubic Bezier curve
 * (pixels, image axes: x right, y down), traversed with a smooth non-uniform speed, and a small in-plane
 * rotation (radians) about the crop centre that grows linearly with the same warped time. The path is
 * centred on the middle of the exposure: at t = 1/2 the displacement and the angle are zero, so the sharp
 * target (the middle sub-frame) is the unwarped photo.
 *
 * <p>Random paths ({@link #random}) draw a chord length L uniformly in [minLength, maxLength], a direction
 * uniformly on the circle, the two inner Bezier control points from the chord's thirds pushed sideways by
 * N(0, 0.3)·L each (clamped to ±0.6·L: arcs and S-curves), a time warp u(t) = t + a·t·(1 − t) with a
 * uniform in [−0.6, 0.6] (accelerating or decelerating hand shake; monotone since |a| &lt; 1) and a total
 * rotation uniform in [−maxRotation, maxRotation]. Immutable and thread-safe.
 */
public final class CameraPath {
    private final double[] px;   // control points P0..P3, x
    private final double[] py;   // control points P0..P3, y
    private final double warp;   // a in u(t) = t + a t (1 - t)
    private final double rotation; // total angle over the exposure, radians
    private final double cx;     // displacement at t = 1/2 (subtracted)
    private final double cy;
    private final double uMid;

    private CameraPath(double[] px, double[] py, double warp, double rotation) {
        if (Math.abs(warp) >= 1) {
            throw new IllegalArgumentException("time warp must be in (-1, 1), got " + warp);
        }
        this.px = px.clone();
        this.py = py.clone();
        this.warp = warp;
        this.rotation = rotation;
        this.uMid = 0.5 + warp * 0.25;
        this.cx = bezier(this.px, uMid);
        this.cy = bezier(this.py, uMid);
    }

    /** No motion: every sub-frame is the sharp frame. */
    public static CameraPath still() {
        return straight(0, 0);
    }

    /** A straight translation by (dx, dy) pixels over the exposure at constant speed, no rotation. */
    public static CameraPath straight(double dx, double dy) {
        return new CameraPath(new double[] {0, dx / 3, 2 * dx / 3, dx}, new double[] {0, dy / 3, 2 * dy / 3, dy},
                0, 0);
    }

    /** A general path from its Bezier control points, time warp a (|a| &lt; 1) and total rotation (radians). */
    public static CameraPath of(double[] controlX, double[] controlY, double warp, double rotation) {
        if (controlX.length != 4 || controlY.length != 4) {
            throw new IllegalArgumentException("a cubic Bezier needs 4 control points");
        }
        return new CameraPath(controlX, controlY, warp, rotation);
    }

    /** A random smooth path (see the class comment); lengths in pixels, maxRotation in radians. */
    public static CameraPath random(SplittableRandom rng, double minLength, double maxLength, double maxRotation) {
        double len = minLength + (maxLength - minLength) * rng.nextDouble();
        double dir = 2 * Math.PI * rng.nextDouble();
        double ux = Math.cos(dir);
        double uy = Math.sin(dir);
        double s1 = clamp(gaussian(rng) * 0.3, 0.6) * len;
        double s2 = clamp(gaussian(rng) * 0.3, 0.6) * len;
        double[] x = {0, ux * len / 3 - uy * s1, ux * 2 * len / 3 - uy * s2, ux * len};
        double[] y = {0, uy * len / 3 + ux * s1, uy * 2 * len / 3 + ux * s2, uy * len};
        double warp = (rng.nextDouble() * 2 - 1) * 0.6;
        double rot = (rng.nextDouble() * 2 - 1) * maxRotation;
        return new CameraPath(x, y, warp, rot);
    }

    static double gaussian(SplittableRandom rng) {
        // Box-Muller from two uniforms, so the stream depends only on SplittableRandom's documented output.
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static double clamp(double v, double m) {
        return Math.max(-m, Math.min(m, v));
    }

    private static double bezier(double[] p, double u) {
        double v = 1 - u;
        return v * v * v * p[0] + 3 * v * v * u * p[1] + 3 * v * u * u * p[2] + u * u * u * p[3];
    }

    private double warped(double t) {
        return t + warp * t * (1 - t);
    }

    /** Horizontal displacement in pixels at time t (0 at t = 1/2). */
    public double dx(double t) {
        return bezier(px, warped(t)) - cx;
    }

    /** Vertical displacement in pixels at time t (0 at t = 1/2). */
    public double dy(double t) {
        return bezier(py, warped(t)) - cy;
    }

    /** Rotation about the crop centre in radians at time t (0 at t = 1/2). */
    public double angle(double t) {
        return rotation * (warped(t) - uMid);
    }

    /** Straight-line distance between the start and the end of the translation, pixels. */
    public double chordLength() {
        return Math.hypot(px[3] - px[0], py[3] - py[0]);
    }

    /** Length of the translation path, pixels (256-segment polyline). */
    public double arcLength() {
        double len = 0;
        double x = dx(0);
        double y = dy(0);
        for (int i = 1; i <= 256; i++) {
            double t = i / 256.0;
            double nx = dx(t);
            double ny = dy(t);
            len += Math.hypot(nx - x, ny - y);
            x = nx;
            y = ny;
        }
        return len;
    }

    /** Direction of the chord in degrees (0 = right, 90 = down). */
    public double directionDegrees() {
        return Math.toDegrees(Math.atan2(py[3] - py[0], px[3] - px[0]));
    }

    /** Total rotation over the exposure, degrees. */
    public double rotationDegrees() {
        return Math.toDegrees(rotation);
    }

    /** The time warp a in u(t) = t + a t (1 - t). */
    public double warp() {
        return warp;
    }

    /** Largest displacement of any point within {@code radius} pixels of the crop centre, over the exposure. */
    public double maxExtent(double radius) {
        double m = 0;
        for (int i = 0; i <= 64; i++) {
            double t = i / 64.0;
            m = Math.max(m, Math.hypot(dx(t), dy(t)) + Math.abs(angle(t)) * radius);
        }
        return m;
    }
}
