package io.github.blurdm.blurdm.synth;

/**
 * An object layer that moves on its own during the exposure, on top of the camera motion: an ellipse
 * (anti-aliased edge, about one pixel wide) textured with another region of the same photo, travelling
 * in a straight line at constant speed, centred on the middle of the exposure. Coordinates are in the
 * crop's pixels (scene frame, before the camera warp). Immutable.
 *
 * @param centreX  ellipse centre at t = 1/2, crop pixels
 * @param centreY  ellipse centre at t = 1/2, crop pixels
 * @param radiusX  semi-axis along x, pixels
 * @param radiusY  semi-axis along y, pixels
 * @param textureX photo coordinates that show at the ellipse centre (its texture source)
 * @param textureY photo coordinates that show at the ellipse centre
 * @param moveX    total displacement over the exposure, pixels
 * @param moveY    total displacement over the exposure, pixels
 */
public record MovingObject(double centreX, double centreY, double radiusX, double radiusY,
                           double textureX, double textureY, double moveX, double moveY) {
    /** Coverage in [0, 1] of scene point (x, y) at time t; texture point written to tex[0..1]. */
    double coverage(double x, double y, double t, double[] tex) {
        double ox = x - centreX - moveX * (t - 0.5);
        double oy = y - centreY - moveY * (t - 0.5);
        tex[0] = textureX + ox;
        tex[1] = textureY + oy;
        double nx = ox / radiusX;
        double ny = oy / radiusY;
        double r = Math.sqrt(nx * nx + ny * ny);
        // signed distance to the edge, approximately in pixels
        double d = (1 - r) * Math.min(radiusX, radiusY);
        return Math.max(0.0, Math.min(1.0, d + 0.5));
    }
}
