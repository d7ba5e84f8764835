package io.github.blurdm.blurdm;

import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.pipeline.Images;
import io.github.blurdm.blurdm.pipeline.DeblurPipeline;
import io.github.blurdm.blurdm.pipeline.TileMerge;
import io.github.blurdm.blurdm.pipeline.TileRule;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion.Noise;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.BackendChoice;
import io.github.blurdm.runtime.Backends;
import io.github.blurdm.runtime.Device;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.weights.WeightsException;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deblurs images with a BlurDM model (any backbone the engine runs, {@link Backbone}). The library's entry point:
 *
 * <pre>{@code
 * try (Deblurrer d = Deblurrer.builder().weights(Path.of("blurdm-small.safetensors")).build()) {
 *     BufferedImage sharp = d.deblur(blurry);
 * }
 * }</pre>
 *
 * <p>Thread safety: a Deblurrer may be shared by many threads; calls <b>queue</b> (one runs at a time),
 * because each already uses every thread of the CPU backend or the whole GPU. For parallel calls,
 * build one Deblurrer per thread.
 *
 * <p>Noise: the prior's initial noise is drawn from Philox4x32-10 with the builder's seed and stream 0,
 * so a result depends only on the image, the weights and the seed (not on call order), on CPU and GPU
 * alike; {@link #deblur(Tensor, Tensor, DeblurPipeline.Progress)} takes explicit noise instead.
 *
 * <p>Conventions: images are normalised, padded and quantised as the weights' origin was trained and
 * evaluated ({@link ConventionRules}; one log line says which and why when it is built);
 * {@link Builder#conventions(Origin)} overrides.
 */
public final class Deblurrer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Deblurrer.class);

    private final Backend backend;
    private final BlurdmModel model;
    private final long seed;
    private final int tile;
    private final int overlap;
    private final TileMerge tileMerge;
    private boolean closed;

    private Deblurrer(Backend backend, BlurdmModel model, long seed, int tile, int overlap, TileMerge tileMerge) {
        this.backend = backend;
        this.model = model;
        this.seed = seed;
        this.tile = tile;
        this.overlap = overlap;
        this.tileMerge = tileMerge;
    }

    /** A builder; {@link Builder#weights(Path)} is required, everything else has a default. */
    public static Builder builder() {
        return new Builder();
    }

    /** The device the model runs on. */
    public Device device() {
        return backend.device();
    }

    /** The backend's name ("cpu", "cuda:0"). */
    public String backendName() {
        return backend.name();
    }

    /** The loaded model. */
    public BlurdmModel model() {
        return model;
    }

    /**
     * Deblurs an image of any type Java reads. The result is 8-bit RGB ({@code TYPE_INT_RGB}), or
     * {@code TYPE_INT_ARGB} carrying the input's alpha channel unchanged when it has one (the colour is
     * deblurred as stored, ignoring alpha); grayscale is deblurred and returned as RGB; 16-bit samples
     * are reduced to 8 bits first (see {@link Images}).
     */
    public BufferedImage deblur(BufferedImage image) {
        return deblur(image, DeblurPipeline.Progress.NONE);
    }

    /**
     * Deblurs an image, reporting progress after each tile.
     *
     * @throws CancellationException when {@code progress} returns false
     */
    public BufferedImage deblur(BufferedImage image, DeblurPipeline.Progress progress) {
        Objects.requireNonNull(image, "image");
        return Images.fromRgb(deblur(Images.toRgb(image), null, progress), Images.alpha(image));
    }

    /**
     * The float entry point for embedding: {@code rgb} is [H,W,3] with values 0..255 (need not be
     * integers) on the host; the result is [H,W,3] 8-bit values as floats.
     *
     * @param noise the prior's initial noise on the host, or null for the builder's seed: [1, latent], or for a
     *              backbone with a prior per tile (LoFormer) [tiles, latent], tile n taking row n
     */
    public synchronized Tensor deblur(Tensor rgb, Tensor noise, DeblurPipeline.Progress progress) {
        return deblur(rgb, noise, null, progress);
    }

    /**
     * As {@link #deblur(Tensor, Tensor, DeblurPipeline.Progress)}, handing the prior the image was deblurred with
     * ([1, latent], or [tiles, latent] with a prior per tile, on the host) to {@code priorSink} when not null.
     */
    public synchronized Tensor deblur(Tensor rgb, Tensor noise, DeblurPipeline.PriorSink priorSink,
                                      DeblurPipeline.Progress progress) {
        if (closed) {
            throw new IllegalStateException("this Deblurrer is closed");
        }
        Tensor eps = noise == null ? null : backend.upload(noise);
        try {
            Noise n = eps == null ? Noise.philox(seed, 0) : Noise.of(eps);
            // a family that always tiles takes its own tile side unless one was set
            boolean fixed = model.backbone().backbone().family().tiling() == TileRule.FIXED_TILES_PRIOR_PER_TILE;
            return DeblurPipeline.deblur(new Ops(backend), model.backbone(), model.prior(),
                    model.conventions().conventions(), rgb, n,
                    fixed || tile > 0 ? tile : autoTile(rgb.dim(0), rgb.dim(1)), overlap, tileMerge, priorSink,
                    progress == null ? DeblurPipeline.Progress.NONE : progress);
        } finally {
            backend.release(eps);
        }
    }

    /**
     * Side of the image {@link #warmUp} deblurs. Measured before a 1280x720 image (5 alternated cold JVMs,
     * warm-up plus image, two batches): 32x32 4.3-5.9 s, 64x64 5.2-5.8, a 320x64 strip 5.3-6.2, a 1280x32 strip
     * 4.8-6.3, none 5.7-6.3.
     */
    static final int WARM_UP_SIDE = 32;

    /**
     * Deblurs a small seeded image ({@value #WARM_UP_SIDE} pixels square) and drops the result, so that
     * the JIT has compiled the CPU backend's kernels before a large image arrives: the first large image
     * of a process otherwise runs them interpreted and in unoptimised code for its first second or so.
     * Results of later calls are unchanged (the prior's noise depends on the seed, not on earlier calls).
     */
    public void warmUp() {
        java.util.Random rnd = new java.util.Random(WARM_UP_SIDE);
        float[] px = new float[WARM_UP_SIDE * WARM_UP_SIDE * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = rnd.nextInt(256);
        }
        deblur(Tensor.of(px, WARM_UP_SIDE, WARM_UP_SIDE, 3), null, DeblurPipeline.Progress.NONE);
    }

    /**
     * The tile side for an image: the whole image when its estimated working memory fits the budget,
     * else the largest multiple of 64 that does.
     */
    int autoTile(int h, int w) {
        long budget = MemoryBudget.bytes(backend);
        // room for the padding, and a whole-image tile on the padding grid
        int margin = Math.max(8, model.conventions().conventions().padMultiple());
        int whole = Math.max(h, w) + margin;
        if (MemoryBudget.estimate(model, h + margin, w + margin) <= budget) {
            return (whole + margin - 1) / margin * margin;
        }
        int t = 64;
        while (t + 64 < whole && MemoryBudget.estimate(model, t + 64, t + 64) <= budget) {
            t += 64;
        }
        return Math.max(t, overlap + 64);
    }

    /** Releases the backend (threads, device memory). Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            backend.close();
        }
    }

    /**
     * Configures a {@link Deblurrer}: {@link #weights(Path)} is required; the rest is optional
     * ({@code opt*} in DJL's terms) and documents its default.
     */
    public static final class Builder {
        private Path weights;
        private Path prior;
        private BackendChoice backend;
        private long seed = 2023;
        private int tile;
        private int overlap = 64;
        private Origin conventions;
        private int cudaDevice;
        private int cpuThreads;
        private Backbone architecture;
        private TileMerge tileMerge = TileMerge.OFFICIAL;

        private Builder() {
        }

        /**
         * Optional: how a backbone that always runs in its own tiles (LoFormer: 384x384, overlap 32, a prior per
         * tile) blends them: OFFICIAL reproduces the official code's ramps, quirks included (with one tile along
         * a side its first 32 rows or columns are faded); SEAMLESS ramps over the overlaps only and sums to 1.
         * Other backbones ignore it. Default OFFICIAL.
         */
        public Builder tileMerge(TileMerge merge) {
            this.tileMerge = Objects.requireNonNull(merge, "tileMerge");
            return this;
        }

        /** Required: the model weights (this project's safetensors, an official .pth, or a state dict). */
        public Builder weights(Path path) {
            this.weights = Objects.requireNonNull(path, "weights");
            return this;
        }

        /** Optional: the prior generator in a separate file. Default: read from the weights file. */
        public Builder prior(Path path) {
            this.prior = path;
            return this;
        }

        /**
         * Optional: AUTO (CUDA when usable, else the CPU, logging why), CPU or CUDA. Default: the
         * {@code blurdm.backend} property or {@code BLURDM_BACKEND} variable, else AUTO.
         */
        public Builder backend(BackendChoice choice) {
            this.backend = Objects.requireNonNull(choice, "backend");
            return this;
        }

        /**
         * Optional: run with the conventions of this origin (ORIGINAL_RELEASE: the authors' eval.py; BLURDM:
         * BlurDM's scripts) whatever the file says; null restores the default. Default: decided from the
         * file ({@link ConventionRules}).
         */
        public Builder conventions(Origin origin) {
            this.conventions = origin;
            return this;
        }

        /**
         * Optional: the CUDA device to run on when the backend is CUDA (or AUTO finds CUDA usable), as the
         * driver numbers them. Default 0.
         */
        public Builder cudaDevice(int index) {
            if (index < 0) {
                throw new IllegalArgumentException("CUDA device index must be >= 0, got " + index);
            }
            this.cudaDevice = index;
            return this;
        }

        /**
         * Optional: worker threads of the CPU backend, when it is the one used; 0 restores the default.
         * Default: the {@code blurdm.threads} property, else the available processors.
         */
        public Builder cpuThreads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("CPU threads must be >= 1 (or 0 for the default), got " + threads);
            }
            this.cpuThreads = threads;
            return this;
        }

        /**
         * Optional: read the backbone as this family whatever its names say; a file that does not fit it fails
         * with every missing, unexpected and mis-shaped name listed. null restores the default. Default: the
         * family the file records, else the one its names show ({@link Backbone#detect}).
         */
        public Builder architecture(Backbone family) {
            this.architecture = family;
            return this;
        }

        /** Optional: the seed of the prior's noise. Default 2023 (the official scripts' seed). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Optional: tile side in pixels (a multiple of 8, at least 64) for images too large to run
         * whole; 0 picks automatically from the memory budget. A backbone that always runs in its own tiles
         * (LoFormer) takes it instead of its official side (results then differ from the official code's).
         * Default 0.
         */
        public Builder tileSize(int pixels) {
            if (pixels != 0 && (pixels < 64 || pixels % 8 != 0)) {
                throw new IllegalArgumentException("tile size must be 0 (automatic) or a multiple of 8 >= 64, got "
                        + pixels);
            }
            this.tile = pixels;
            return this;
        }

        /** Optional: overlap of neighbouring tiles in pixels (a multiple of 8). Default 64. */
        public Builder overlap(int pixels) {
            if (pixels < 0 || pixels % 8 != 0) {
                throw new IllegalArgumentException("overlap must be a multiple of 8 >= 0, got " + pixels);
            }
            this.overlap = pixels;
            return this;
        }

        /**
         * Loads the model on the chosen backend.
         *
         * @throws IllegalStateException naming the missing setting, or when CUDA was asked for and is not usable
         * @throws WeightsException      when the weights cannot be read or do not fit the model
         */
        public Deblurrer build() throws WeightsException {
            if (weights == null) {
                throw new IllegalStateException("Deblurrer.builder(): weights(Path) is required");
            }
            if (tile != 0 && overlap >= tile) {
                throw new IllegalStateException("overlap " + overlap + " must be smaller than the tile size " + tile);
            }
            Backend b = Backends.create(backend != null ? backend : BackendChoice.configured(), cudaDevice,
                    cpuThreads > 0 ? cpuThreads : CpuBackend.defaultThreads());
            try {
                BlurdmModel model = BlurdmModel.load(weights, prior, b, conventions, architecture);
                LOG.info("{}: {}", weights.getFileName(), model.conventions().describe());
                return new Deblurrer(b, model, seed, tile, overlap, tileMerge);
            } catch (WeightsException | RuntimeException e) {
                b.close();
                throw e;
            }
        }
    }
}
