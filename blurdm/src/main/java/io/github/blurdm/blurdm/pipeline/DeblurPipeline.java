package io.github.blurdm.blurdm.pipeline;

import io.github.blurdm.blurdm.backbone.BackboneFamily;
import io.github.blurdm.blurdm.backbone.BackboneNetwork;
import io.github.blurdm.blurdm.prior.LatentEncoder;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * The inference pipeline of spec sections 1 and 8, the same for every backbone: normalise and pad as the
 * {@link Conventions} say, the prior on the padded image, the backbone's output (the one its family declares),
 * crop, clamp, de-normalise and quantise as the conventions say. What differs between backbones comes from
 * their declaration ({@link BackboneFamily}): the sides the network takes, the smallest image, the tiling.
 * Images are interleaved 8-bit RGB as float values 0..255, row-major [H,W,3].
 *
 * <p>Large images run in tiles ({@link TileRule#BLENDED_WHOLE_IMAGE_PRIOR}): the prior's encoder on
 * non-overlapping tiles extended by its receptive radius, so the pooled latent is the whole image's (up to
 * summation order); the backbone on overlapping tiles blended with linear ramps.
 */
public final class DeblurPipeline {
    /** Reports progress after each unit of work; returning false cancels the run. */
    @FunctionalInterface
    public interface Progress {
        boolean step(int done, int total);

        Progress NONE = (done, total) -> true;
    }

    /** Receives the prior of each image, [rows, latent] on the host: one row, or one per tile. */
    @FunctionalInterface
    public interface PriorSink {
        void accept(Tensor prior);
    }

    private DeblurPipeline() {
    }

    /** The whole image at once (no tiling; backbones whose rule is always tiling take their own tiles). */
    public static Tensor deblur(Ops ops, BackboneNetwork backbone, LatentExposureDiffusion prior,
                                Conventions conventions, Tensor rgb, LatentExposureDiffusion.Noise noise) {
        boolean fixed = backbone.backbone().family().tiling() == TileRule.FIXED_TILES_PRIOR_PER_TILE;
        return deblur(ops, backbone, prior, conventions, rgb, noise, fixed ? 0 : Integer.MAX_VALUE / 2 / 8 * 8, 0,
                Progress.NONE);
    }

    /** {@link #deblur(Ops, BackboneNetwork, LatentExposureDiffusion, Conventions, Tensor,
     * LatentExposureDiffusion.Noise, int, int, TileMerge, PriorSink, Progress)} with the official merge, no sink. */
    public static Tensor deblur(Ops ops, BackboneNetwork backbone, LatentExposureDiffusion prior,
                                Conventions conventions, Tensor rgb, LatentExposureDiffusion.Noise noise, int tile,
                                int overlap, Progress progress) {
        return deblur(ops, backbone, prior, conventions, rgb, noise, tile, overlap, TileMerge.OFFICIAL, null, progress);
    }

    /**
     * @param rgb         [H,W,3] values 0..255 on the host
     * @param prior       the prior generator, or null for a backbone without prior
     * @param conventions normalisation, padding and quantisation (the file's origin decides them); their
     *                    padding multiple must be a multiple of the backbone's side multiple
     * @param noise       the prior's initial noise (ignored without prior)
     * @param tile        tile side in pixels (images that fit run whole); rounded down to a multiple of the
     *                    padding multiple. Under {@link TileRule#FIXED_TILES_PRIOR_PER_TILE}: 0 for the family's
     *                    tile side, else a multiple of its side multiple above its overlap
     * @param overlap     tile overlap in pixels, smaller than {@code tile}; rounded up to a multiple of the
     *                    padding multiple. Ignored under {@link TileRule#FIXED_TILES_PRIOR_PER_TILE} (the family's)
     * @param merge       how {@link TileRule#FIXED_TILES_PRIOR_PER_TILE} blends its tiles (the other rules ignore it)
     * @param priorSink   receives the prior ([1, latent], or [tiles, latent] with a prior per tile), or null
     * @return [H,W,3] quantised values 0..255 on the host
     * @throws CancellationException when {@code progress} returns false
     */
    public static Tensor deblur(Ops ops, BackboneNetwork backbone, LatentExposureDiffusion prior,
                                Conventions conventions, Tensor rgb, LatentExposureDiffusion.Noise noise, int tile,
                                int overlap, TileMerge merge, PriorSink priorSink, Progress progress) {
        if (rgb.rank() != 3 || rgb.dim(2) != 3) {
            throw new IllegalArgumentException("image must be [H,W,3] RGB, found " + java.util.Arrays.toString(rgb.shape()));
        }
        BackboneFamily family = backbone.backbone().family();
        int h = rgb.dim(0);
        int w = rgb.dim(1);
        int align = conventions.padMultiple();
        // reflect padding needs each pad smaller than the side it mirrors
        int minSide = Math.max(family.minSide(), align / 2 + 1);
        if (h < minSide || w < minSide) {
            throw new IllegalArgumentException("image is " + w + "x" + h + " pixels; " + family.displayName()
                    + " needs at least " + minSide + "x" + minSide
                    + (minSide > family.minSide() ? " with padding to a multiple of " + align : ""));
        }
        if (family.tiling() == TileRule.FIXED_TILES_PRIOR_PER_TILE) {
            return PerTilePrior.deblur(ops, backbone, prior, conventions, rgb, noise, tile, merge, priorSink, progress);
        }
        if (align % family.sideMultiple() != 0) {
            throw new IllegalArgumentException(family.displayName() + " takes sides that are multiples of "
                    + family.sideMultiple() + "; these conventions pad to multiples of " + align);
        }
        requireOneNoiseRow(noise, prior);
        int tileA = Math.max(align, tile / align * align);
        int overlapA = Math.min((overlap + align - 1) / align * align, tileA - align);
        Tensor xp = conventions.pad(conventions.normalise(rgb));
        int hp = xp.dim(2);
        int wp = xp.dim(3);
        boolean whole = hp <= tileA && wp <= tileA;
        // tiles start at multiples of the padding multiple, so each has sides the network takes
        List<Tiling.Tile> tiles = whole ? List.of(new Tiling.Tile(0, hp, 0, wp))
                : Tiling.tiles(hp, wp, tileA, overlapA, align);
        List<Tiling.Tile> encoderTiles = Tiling.partition(hp / 4, wp / 4, Math.max(1, tileA / 4));
        int total = (prior == null || whole ? 0 : encoderTiles.size()) + tiles.size();
        int[] done = {0};
        // Backend tensors are released as soon as they are downloaded: on a GPU they go back to the pool.
        Tensor p = null;
        Tensor xWhole = whole ? ops.backend().upload(xp) : null;
        try {
            if (prior != null) {
                if (whole) {
                    p = prior.sample(ops, xWhole, noise, null);
                } else {
                    Tensor zb = encodeTiled(ops, prior.encoder(), xp, encoderTiles,
                            () -> report(progress, ++done[0], total));
                    p = prior.sampleFromLatent(ops, zb, noise, null);
                    ops.release(zb);
                }
                if (priorSink != null) {
                    priorSink.accept(ops.backend().download(p));
                }
            }
            if (whole) {
                Tensor y = backbone.forward(ops, xWhole, p);
                Tensor out = ops.backend().download(y);
                ops.release(y);
                report(progress, ++done[0], total);
                return conventions.quantise(out, h, w);
            }
            float[] acc = new float[3 * hp * wp];
            float[] wsum = new float[hp * wp];
            for (Tiling.Tile t : tiles) {
                Tensor xt = ops.backend().upload(crop(xp, t.y0(), t.y1(), t.x0(), t.x1()));
                Tensor yt = backbone.forward(ops, xt, p);
                Tensor y = ops.backend().download(yt);
                ops.release(xt, yt);
                blend(acc, wsum, y.data(), t, hp, wp, overlapA);
                report(progress, ++done[0], total);
            }
            return blended(acc, wsum, hp, wp, h, w, conventions);
        } finally {
            ops.release(xWhole, p);
        }
    }

    private static void requireOneNoiseRow(LatentExposureDiffusion.Noise noise, LatentExposureDiffusion prior) {
        Tensor v = noise == null ? null : noise.values();
        if (prior != null && v != null && (v.rank() != 2 || v.dim(0) != 1 || v.dim(1) != prior.config().latent())) {
            throw new IllegalArgumentException("noise: expected [1, " + prior.config().latent()
                    + "] (one prior per image), found " + java.util.Arrays.toString(v.shape()));
        }
    }

    static void report(Progress progress, int done, int total) {
        if (!progress.step(done, total)) {
            throw new CancellationException("deblurring cancelled after " + done + " of " + total + " steps");
        }
    }

    private static Tensor blended(float[] acc, float[] wsum, int hp, int wp, int h, int w, Conventions conventions) {
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < hp * wp; i++) {
                acc[c * hp * wp + i] /= wsum[i];
            }
        }
        return conventions.quantise(Tensor.of(acc, 1, 3, hp, wp), h, w);
    }

    /**
     * The encoder's pooled latent from non-overlapping quarter-scale tiles, each computed on the tile
     * extended by the receptive radius (clipped at the image border) and cropped back, so every
     * feature equals the whole-image one; the mean is taken in double.
     */
    static Tensor encodeTiled(Ops ops, LatentEncoder enc, Tensor xp, List<Tiling.Tile> quarterTiles, Runnable tick) {
        int h4 = xp.dim(2) / 4;
        int w4 = xp.dim(3) / 4;
        int r = enc.receptiveRadius();
        double[] sum = null;
        for (Tiling.Tile t : quarterTiles) {
            int ey0 = Math.max(0, t.y0() - r);
            int ey1 = Math.min(h4, t.y1() + r);
            int ex0 = Math.max(0, t.x0() - r);
            int ex1 = Math.min(w4, t.x1() + r);
            Tensor x = ops.backend().upload(crop(xp, 4 * ey0, 4 * ey1, 4 * ex0, 4 * ex1));
            Tensor fd = enc.features(ops, x, x);
            Tensor f = ops.backend().download(fd);
            ops.release(x, fd);
            int l = f.dim(1);
            int fh = f.dim(2);
            int fw = f.dim(3);
            if (sum == null) {
                sum = new double[l];
            }
            float[] d = f.data();
            for (int c = 0; c < l; c++) {
                double s = 0;
                for (int y = t.y0() - ey0; y < t.y1() - ey0; y++) {
                    for (int xx = t.x0() - ex0; xx < t.x1() - ex0; xx++) {
                        s += d[(c * fh + y) * fw + xx];
                    }
                }
                sum[c] += s;
            }
            tick.run();
        }
        float[] mean = new float[sum.length];
        for (int c = 0; c < mean.length; c++) {
            mean[c] = (float) (sum[c] / ((double) h4 * w4));
        }
        Tensor pooled = ops.backend().upload(Tensor.of(mean, 1, mean.length));
        Tensor zb = enc.head(ops, pooled);
        ops.release(pooled);
        return zb;
    }

    private static void blend(float[] acc, float[] wsum, float[] y, Tiling.Tile t, int hp, int wp, int ramp) {
        int th = t.height();
        int tw = t.width();
        for (int yy = 0; yy < th; yy++) {
            float wy = Tiling.weight(t.y0() + yy, t.y0(), t.y1(), hp, ramp);
            for (int xx = 0; xx < tw; xx++) {
                float wgt = wy * Tiling.weight(t.x0() + xx, t.x0(), t.x1(), wp, ramp);
                int dst = (t.y0() + yy) * wp + t.x0() + xx;
                wsum[dst] += wgt;
                for (int c = 0; c < 3; c++) {
                    acc[c * hp * wp + dst] += wgt * y[(c * th + yy) * tw + xx];
                }
            }
        }
    }

    /** [1,C,H,W] host tensor rows [y0,y1) x columns [x0,x1). */
    static Tensor crop(Tensor x, int y0, int y1, int x0, int x1) {
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        float[] in = x.data();
        int ch = y1 - y0;
        int cw = x1 - x0;
        float[] out = new float[c * ch * cw];
        for (int k = 0; k < c; k++) {
            for (int y = 0; y < ch; y++) {
                System.arraycopy(in, (k * h + y0 + y) * w + x0, out, (k * ch + y) * cw, cw);
            }
        }
        return Tensor.of(out, 1, c, ch, cw);
    }
}
