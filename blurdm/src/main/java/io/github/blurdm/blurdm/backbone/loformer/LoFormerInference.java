package io.github.blurdm.blurdm.backbone.loformer;

import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.Arrays;

/**
 * LoFormer's tiled inference with a prior per tile (spec 5.4.6), as the official code runs it: sides it cannot
 * run are reflect-padded first ({@link LoFormerTiling#paddedSide}); the image is cut into tiles; each tile gets
 * its own prior from the prior generator (tile n takes noise row n) and its own residual map; the maps are
 * merged ({@link LoFormerTiling.Merge}), cropped and added to the image. Tiles run one at a time, so memory is
 * one tile's whatever the image size. Stateless apart from its settings; thread-safe if the backend is used by
 * one thread at a time.
 */
public final class LoFormerInference {
    private final LoFormer net;
    private final LatentExposureDiffusion prior;
    private final int tile;
    private final int overlap;
    private final LoFormerTiling.Merge merge;

    /**
     * @param prior the prior generator, or null for a network without prior
     * @param tile  the tile side (official: 384); the overlap is 32 ({@link LoFormerTiling#OVERLAP})
     */
    public LoFormerInference(LoFormer net, LatentExposureDiffusion prior, int tile, int overlap,
                             LoFormerTiling.Merge merge) {
        if (net.config().withPrior() != (prior != null)) {
            throw new IllegalArgumentException(net.config().displayName() + (prior == null ? " needs" : " takes no")
                    + " prior generator");
        }
        if (tile % LoFormer.SIDE_MULTIPLE != 0) {
            throw new IllegalArgumentException("LoFormer tile side must be a multiple of " + LoFormer.SIDE_MULTIPLE
                    + ", found " + tile);
        }
        this.net = net;
        this.prior = prior;
        this.tile = tile;
        this.overlap = overlap;
        this.merge = merge;
    }

    /** The grid an image of h x w runs on (after padding). */
    public LoFormerTiling tiling(int h, int w) {
        return new LoFormerTiling(LoFormerTiling.paddedSide(h, tile), LoFormerTiling.paddedSide(w, tile), tile,
                overlap);
    }

    /** Receives each tile's prior [1,latent] (host copies), for --save-prior and tests. */
    @FunctionalInterface
    public interface PriorSink {
        void accept(int tile, Tensor prior);
    }

    /**
     * The network's output for one image, before clamping.
     *
     * @param image [1,3,H,W] host tensor, v/255
     * @param noise the prior's initial noise: values [tiles, latent] (host), or Philox draws (tile n uses stream
     *              stream0 + n); ignored without prior
     * @param sink  receives each tile's prior, or null
     * @return [1,3,H,W] host tensor: merged residual + image
     */
    public Tensor run(Backend backend, Tensor image, LatentExposureDiffusion.Noise noise, PriorSink sink) {
        if (image.rank() != 4 || image.dim(0) != 1 || image.dim(1) != 3) {
            throw new IllegalArgumentException("LoFormer: image must be [1,3,H,W], found "
                    + Arrays.toString(image.shape()));
        }
        int h = image.dim(2);
        int w = image.dim(3);
        LoFormerTiling grid = tiling(h, w);
        int tiles = grid.count();
        if (prior != null && noise.values() != null) {
            Tensor v = noise.values();
            if (v.rank() != 2 || v.dim(0) != tiles || v.dim(1) != net.config().latent()) {
                throw new IllegalArgumentException("LoFormer noise: expected [" + tiles + ", " + net.config().latent()
                        + "] (one row per tile of the " + grid.height() + "x" + grid.width() + " grid), found "
                        + Arrays.toString(v.shape()));
            }
        }
        float[] padded = reflectPad(image.data(), h, w, grid.height(), grid.width());
        Ops ops = new Ops(backend);
        int th = grid.tileHeight();
        int tw = grid.tileWidth();
        float[][] maps = new float[tiles][];
        float[] buf = new float[3 * th * tw];
        for (int n = 0; n < tiles; n++) {
            grid.cut(padded, 3, n, buf, 0);
            Tensor x = backend.upload(Tensor.of(buf, 1, 3, th, tw));
            Tensor p = null;
            if (prior != null) {
                LatentExposureDiffusion.Noise tn = tileNoise(backend, noise, n);
                p = prior.sample(ops, x, tn, null);
                if (tn.values() != null) {
                    ops.release(tn.values());
                }
                if (sink != null) {
                    sink.accept(n, backend.download(p));
                }
            }
            Tensor out = net.forward(ops, x, p);
            maps[n] = backend.download(out).data();
            ops.release(x, p, out);
        }
        float[] merged = grid.merge(maps, 3, merge);
        float[] in = image.data();
        float[] result = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int r = 0; r < h; r++) {
                int src = (c * grid.height() + r) * grid.width();
                int dst = (c * h + r) * w;
                for (int q = 0; q < w; q++) {
                    result[dst + q] = merged[src + q] + in[dst + q];
                }
            }
        }
        return Tensor.of(result, 1, 3, h, w);
    }

    private LatentExposureDiffusion.Noise tileNoise(Backend backend, LatentExposureDiffusion.Noise noise, int n) {
        if (noise.values() == null) {
            return LatentExposureDiffusion.Noise.philox(noise.seed(), noise.stream0() + n);
        }
        int latent = net.config().latent();
        float[] row = Arrays.copyOfRange(noise.values().data(), n * latent, (n + 1) * latent);
        return LatentExposureDiffusion.Noise.of(backend.upload(Tensor.of(row, 1, latent)));
    }

    /** [3,h,w] mirrored (without repeating the edge, as often as needed) to [3,hp,wp] at the bottom and right. */
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
