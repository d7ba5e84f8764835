package io.github.blurdm.bench.model;

import io.github.blurdm.blurdm.ConventionRules;
import io.github.blurdm.blurdm.Origin;
import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.backbone.mimo.MimoConfig;
import io.github.blurdm.blurdm.backbone.mimo.MimoUNet;
import io.github.blurdm.blurdm.pipeline.Conventions;
import io.github.blurdm.blurdm.pipeline.DeblurPipeline;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.blurdm.prior.PriorConfig;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End-to-end CPU deblur, prior + backbone through {@link DeblurPipeline#deblur} (whole image, no
 * tiling) on a seeded random 8-bit image, with seeded random weights ({@link ModelProfile#randomWeights}).
 *
 * <ul>
 * <li>model {@code small}: backbone base 16, 3 ResBlocks, latent 64; prior 32 features, 2 encoder
 *     ResBlocks, 5 denoiser blocks, T = 5 (the shipped small model's configuration);</li>
 * <li>model {@code paper}: {@link MimoConfig#PLUS_PRIOR} (MIMO-UNet+, 20 ResBlocks) with
 *     {@link PriorConfig#PAPER}.</li>
 * </ul>
 * Single-shot timing: one deblur per iteration (a call takes from about 0.1 s to over 30 s), 1 warm-up
 * and 3 measured iterations, so even paper@1280x720 (about 30 s a call on 2 cores) costs about 2
 * minutes and the whole default set about 3. Pick combinations with {@code -p}:
 *
 * <pre>java --add-modules jdk.incubator.vector -Dblurdm.threads=2 -cp 'bench/target/blurdm-bench.jar:bench/target/lib/*' \
 *   org.openjdk.jmh.Main model.DeblurBench                                  # all four combinations
 * ... org.openjdk.jmh.Main model.DeblurBench -p model=small -wi 2 -i 10        # the small model only, more shots
 * ... org.openjdk.jmh.Main model.DeblurBench -p model=paper -p size=256x256</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class DeblurBench {
    /** The pipeline as BlurDM files run (the timings in bench/RESULTS.md). */
    static final Conventions BLURDM = ConventionRules.conventions(Backbone.MIMO_UNET, Origin.BLURDM);

    /** WxH of the image. */
    @Param({"256x256", "1280x720"})
    public String size;

    /** small or paper. */
    @Param({"small", "paper"})
    public String model;

    private CpuBackend be;
    private Ops ops;
    private MimoUNet net;
    private LatentExposureDiffusion dm;
    private Tensor rgb;

    @Setup(Level.Trial)
    public void setUp() {
        int w = Integer.parseInt(size.substring(0, size.indexOf('x')));
        int h = Integer.parseInt(size.substring(size.indexOf('x') + 1));
        be = new CpuBackend();
        ops = new Ops(be);
        net = new MimoUNet(config(model));
        dm = new LatentExposureDiffusion(priorConfig(model));
        ModelProfile.randomWeights(net, be, 1);
        ModelProfile.randomWeights(dm, be, 2);
        rgb = image(h, w, 3);
    }

    static MimoConfig config(String m) {
        return switch (m) {
            case "small" -> new MimoConfig(16, 3, true, 64);
            case "paper" -> MimoConfig.PLUS_PRIOR;
            default -> throw new IllegalArgumentException("model must be small or paper: " + m);
        };
    }

    static PriorConfig priorConfig(String m) {
        return switch (m) {
            case "small" -> new PriorConfig(32, 2, 64, 5, 5);
            case "paper" -> PriorConfig.PAPER;
            default -> throw new IllegalArgumentException("model must be small or paper: " + m);
        };
    }

    /** Seeded random [H,W,3] 8-bit values. */
    static Tensor image(int h, int w, long seed) {
        Random r = new Random(seed);
        float[] img = new float[h * w * 3];
        for (int i = 0; i < img.length; i++) {
            img[i] = r.nextInt(256);
        }
        return Tensor.of(img, h, w, 3);
    }

    @Benchmark
    public Tensor deblur() {
        return DeblurPipeline.deblur(ops, net, dm, BLURDM, rgb, LatentExposureDiffusion.Noise.philox(1, 0));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        be.close();
    }
}
