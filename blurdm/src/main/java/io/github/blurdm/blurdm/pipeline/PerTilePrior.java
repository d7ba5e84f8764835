package io.github.blurdm.blurdm.pipeline;

import io.github.blurdm.blurdm.backbone.BackboneFamily;
import io.github.blurdm.blurdm.backbone.BackboneNetwork;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.Arrays;

/**
 * {@link DeblurPipeline}'s {@link TileRule#FIXED_TILES_PRIOR_PER_TILE}: normalise; reflect-pad the sides the
 * network cannot take ({@link FixedTiling#paddedSide}); cut the family's tiles; per tile the prior (noise row n,
 * or Philox stream stream0 + n) and the network's residual map; merge ({@link TileMerge}), crop, add the
 * normalised image, clamp and quantise as the conventions say. Tiles run one at a time, so the working memory
 * is one tile's whatever the image size.
 */
public final class PerTilePrior {
    private PerTilePrior() {
    }

    static Tensor deblur(Ops ops, BackboneNetwork backbone, LatentExposureDiffusion prior, Conventions conventions,
                         Tensor rgb, LatentExposureDiffusion.Noise noise, int tile, TileMerge merge,
                         DeblurPipeline.PriorSink sink, DeblurPipeline.Progress progress) {
        Tensor out = output(ops, backbone, prior, conventions, rgb, noise, tile, merge, sink, progress);
        return conventions.quantise(out, rgb.dim(0), rgb.dim(1));
    }

    /**
     * The merged output before clamping and quantisation, [1,3,H,W] on the host (for parity checks and callers
     * who quantise themselves); the arguments as {@link DeblurPipeline#deblur(Ops, BackboneNetwork,
     * LatentExposureDiffusion, Conventions, Tensor, LatentExposureDiffusion.Noise, int, int, TileMerge,
     * DeblurPipeline.PriorSink, DeblurPipeline.Progress)} takes them.
     */
    public static Tensor output(Ops ops, BackboneNetwork backbone, LatentExposureDiffusion prior,
                                Conventions conventions, Tensor rgb, LatentExposureDiffusion.Noise noise, int tile,
                                TileMerge merge, DeblurPipeline.PriorSink sink, DeblurPipeline.Progress progress) {
        BackboneFamily family = backbone.backbone().family();
        int side = tile > 0 ? tile : family.tileSide();
        int overlap = family.tileOverlap();
        if (side % family.sideMultiple() != 0 || side <= overlap || side < family.minTileSide()) {
            throw new IllegalArgumentException(family.displayName() + " tiles: the tile side must be a multiple of "
                    + family.sideMultiple() + " of at least " + Math.max(overlap + 1, family.minTileSide())
                    + ", found " + side);
        }
        int h = rgb.dim(0);
        int w = rgb.dim(1);
        FixedTiling grid = new FixedTiling(FixedTiling.paddedSide(h, side, family.sideMultiple(), family.minTileSide()),
                FixedTiling.paddedSide(w, side, family.sideMultiple(), family.minTileSide()), side, overlap);
        int tiles = grid.count();
        int latent = prior == null ? 0 : prior.config().latent();
        Tensor given = prior == null || noise == null ? null : noise.values();
        float[] rows = null;
        if (given != null) {
            if (given.rank() != 2 || given.dim(0) != tiles || given.dim(1) != latent) {
                throw new IllegalArgumentException("noise: expected [" + tiles + ", " + latent + "] (one row per tile of "
                        + "the " + grid.width() + "x" + grid.height() + " image's " + tiles + " tiles, row-major), found "
                        + Arrays.toString(given.shape()));
            }
            rows = ops.backend().download(given).data();
        }
        Tensor x = conventions.normalise(rgb);
        float[] padded = reflectPad(x.data(), h, w, grid.height(), grid.width());
        int th = grid.tileHeight();
        int tw = grid.tileWidth();
        float[][] maps = new float[tiles][];
        float[] priors = prior == null ? null : new float[tiles * latent];
        float[] buf = new float[3 * th * tw];
        for (int n = 0; n < tiles; n++) {
            grid.cut(padded, 3, n, buf, 0);
            Tensor xt = ops.backend().upload(Tensor.of(buf, 1, 3, th, tw));
            Tensor p = null;
            Tensor eps = null;
            try {
                if (prior != null) {
                    LatentExposureDiffusion.Noise tn;
                    if (rows != null) {
                        eps = ops.backend().upload(Tensor.of(Arrays.copyOfRange(rows, n * latent, (n + 1) * latent),
                                1, latent));
                        tn = LatentExposureDiffusion.Noise.of(eps);
                    } else {
                        tn = LatentExposureDiffusion.Noise.philox(noise.seed(), noise.stream0() + n);
                    }
                    p = prior.sample(ops, xt, tn, null);
                    System.arraycopy(ops.backend().download(p).data(), 0, priors, n * latent, latent);
                }
                Tensor y = backbone.forward(ops, xt, p);
                maps[n] = ops.backend().download(y).data();
                ops.release(y);
            } finally {
                ops.release(xt, p, eps);
            }
            DeblurPipeline.report(progress, n + 1, tiles);
        }
        if (sink != null && priors != null) {
            sink.accept(Tensor.of(priors, tiles, latent));
        }
        float[] merged = grid.merge(maps, 3, merge);
        float[] in = x.data();
        float[] out = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < h; r++) {
                int src = (c * grid.height() + r) * grid.width();
                int dst = (c * h + r) * w;
                for (int q = 0; q < w; q++) {
                    out[dst + q] = merged[src + q] + in[dst + q];
                }
            }
        }
        return Tensor.of(out, 1, 3, h, w);
    }

    /** [3,h,w] mirrored at the bottom and right (without repeating the edge, as often as needed) to [3,hp,wp]. */
    static float[] reflectPad(float[] x, int h, int w, int hp, int wp) {
        if (hp == h && wp == w) {
            return x;
        }
        float[] out = new float[3 * hp * wp];
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < hp; r++) {
                int sr = reflect(r, h);
                for (int q = 0; q < wp; q++) {
                    out[(c * hp + r) * wp + q] = x[(c * h + sr) * w + reflect(q, w)];
                }
            }
        }
        return out;
    }

    static int reflect(int i, int size) {
        if (size == 1) {
            return 0;
        }
        int period = 2 * size - 2;
        int m = i % period;
        return m < size ? m : period - m;
    }
}
