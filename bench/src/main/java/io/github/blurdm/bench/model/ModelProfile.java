package io.github.blurdm.bench.model;

import io.github.blurdm.blurdm.BlurdmModel;
import io.github.blurdm.blurdm.ConventionRules;
import io.github.blurdm.blurdm.Origin;
import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.backbone.BackboneNetwork;
import io.github.blurdm.blurdm.backbone.stripformer.Stripformer;
import io.github.blurdm.blurdm.backbone.stripformer.StripformerConfig;
import io.github.blurdm.blurdm.backbone.mimo.MimoConfig;
import io.github.blurdm.blurdm.backbone.mimo.MimoUNet;
import io.github.blurdm.blurdm.pipeline.Conventions;
import io.github.blurdm.blurdm.pipeline.DeblurPipeline;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.blurdm.prior.PriorConfig;
import io.github.blurdm.layers.Module;
import io.github.blurdm.layers.Parameter;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import java.util.Map;
import java.util.Random;

/**
 * Whole-model CPU profile: a backbone with the BlurDM prior at a given image size, one image; prints the
 * wall time of each run and the per-op and per-conv-shape breakdowns of the last. Models: {@code small} and
 * {@code paper} (MIMO-UNet+, random weights), {@code stripformer} (the paper's Stripformer and prior, random
 * weights), or the path of a weights file (run with its own conventions).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp 'bench/target/blurdm-bench.jar:bench/target/lib/*' \
 *   io.github.blurdm.bench.model.ModelProfile [small|paper|stripformer|FILE] [W] [H] [runs]</pre>
 */
public final class ModelProfile {
    /** The pipeline as BlurDM files run. */
    private static final Conventions BLURDM = ConventionRules.conventions(Backbone.MIMO_UNET, Origin.BLURDM);

    private ModelProfile() {
    }

    /** Fills every parameter with seeded values scaled by 1/sqrt(fan-in) (buffers get the schedule). */
    public static void randomWeights(Module m, Backend b, long seed) {
        Random r = new Random(seed);
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
            int[] s = e.getValue().shape();
            float[] v = new float[(int) Tensor.checkedSize(s)];
            String k = e.getKey();
            if (k.equals("alphas")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = 1f + i / (float) (v.length - 1);
                }
            } else if (k.equals("betas_bar")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = 0.04f * i;
                }
            } else if (k.equals("time_stamps_list")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = v.length - i;
                }
            } else {
                int fanIn = s.length > 1 ? v.length / s[0] : v.length;
                float scale = (float) (1.0 / Math.sqrt(fanIn));
                for (int i = 0; i < v.length; i++) {
                    v[i] = (r.nextFloat() * 2 - 1) * scale;
                }
            }
            e.getValue().set(b.upload(Tensor.of(v, s)));
        }
    }

    public static void main(String[] args) {
        String size = args.length > 0 ? args[0] : "small";
        int w = args.length > 1 ? Integer.parseInt(args[1]) : 1280;
        int h = args.length > 2 ? Integer.parseInt(args[2]) : 720;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        MimoConfig mc = size.equals("paper") ? MimoConfig.PLUS_PRIOR : new MimoConfig(16, 3, true, 64);
        PriorConfig pc = size.equals("small") ? new PriorConfig(32, 2, 64, 5, 5) : PriorConfig.PAPER;
        CpuBackend cpu = new CpuBackend();
        try (TimingBackend tb = new TimingBackend(cpu)) {
            BackboneNetwork net;
            LatentExposureDiffusion dm;
            Conventions conventions = BLURDM;
            if (size.equals("small") || size.equals("paper") || size.equals("stripformer")) {
                net = size.equals("stripformer") ? new Stripformer(StripformerConfig.PAPER_PRIOR) : new MimoUNet(mc);
                dm = new LatentExposureDiffusion(pc);
                randomWeights(net.module(), tb, 1);
                randomWeights(dm, tb, 2);
                conventions = ConventionRules.conventions(net.backbone(), Origin.BLURDM);
            } else {
                try {
                    BlurdmModel model = BlurdmModel.load(java.nio.file.Path.of(size), tb);
                    net = model.backbone();
                    dm = model.prior();
                    conventions = model.conventions().conventions();
                } catch (io.github.blurdm.weights.WeightsException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            Random r = new Random(3);
            float[] img = new float[h * w * 3];
            for (int i = 0; i < img.length; i++) {
                img[i] = r.nextInt(256);
            }
            Tensor rgb = Tensor.of(img, h, w, 3);
            Ops ops = new Ops(tb);
            for (int i = 0; i < runs; i++) {
                tb.reset();
                long t0 = System.nanoTime();
                DeblurPipeline.deblur(ops, net, dm, conventions, rgb, LatentExposureDiffusion.Noise.philox(1, 0));
                System.out.printf("run %d: %.2f s (array pool: %s)%n", i, (System.nanoTime() - t0) / 1e9,
                        cpu.poolStats());
            }
            long total = 0;
            for (long[] v : tb.times().values()) {
                total += v[0];
            }
            System.out.printf("%-22s %10s %8s %6s%n", "op", "ms", "calls", "%");
            for (Map.Entry<Op, long[]> e : tb.times().entrySet()) {
                System.out.printf("%-22s %10.1f %8d %5.1f%%%n", e.getKey().id(), e.getValue()[0] / 1e6,
                        e.getValue()[1], 100.0 * e.getValue()[0] / total);
            }
            System.out.printf("%-22s %10.1f%n", "allocation", tb.allocationNanos() / 1e6);
            System.out.printf("%nconv2d by shape (last run):%n%-50s %9s %6s %8s%n", "shape", "ms", "calls", "GFLOP/s");
            for (Map.Entry<String, long[]> e : tb.convShapes().entrySet()) {
                long[] v = e.getValue();
                System.out.printf("%-50s %9.1f %6d %8.1f%n", e.getKey(), v[0] / 1e6, v[1], 2.0 * v[2] * v[1] / v[0]);
            }
        }
    }
}
