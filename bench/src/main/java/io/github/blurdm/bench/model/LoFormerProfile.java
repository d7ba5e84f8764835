package io.github.blurdm.bench.model;

import io.github.blurdm.blurdm.ConventionRules;
import io.github.blurdm.blurdm.Origin;
import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.backbone.loformer.LoFormer;
import io.github.blurdm.blurdm.backbone.loformer.LoFormerConfig;
import io.github.blurdm.blurdm.pipeline.DeblurPipeline;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.blurdm.prior.PriorConfig;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import java.util.Map;
import java.util.Random;

/**
 * Where LoFormer's time goes: LoFormer-S with the paper's prior generator (random weights, as
 * {@link ModelProfile#randomWeights}) on a random image through the pipeline's per-tile inference, each backend
 * call timed ({@link TimingBackend}); prints the per-op table of the last run and the conv shapes.
 * Args: [width] [height] [runs] (default 384 384 1).
 */
public final class LoFormerProfile {
    private LoFormerProfile() {
    }

    public static void main(String[] args) {
        int w = args.length > 0 ? Integer.parseInt(args[0]) : 384;
        int h = args.length > 1 ? Integer.parseInt(args[1]) : 384;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        LoFormerConfig c = LoFormerConfig.S_PRIOR;
        CpuBackend cpu = new CpuBackend();
        try (TimingBackend tb = new TimingBackend(cpu)) {
            LoFormer net = new LoFormer(c);
            LatentExposureDiffusion dm = new LatentExposureDiffusion(PriorConfig.PAPER);
            ModelProfile.randomWeights(net, tb, 1);
            ModelProfile.randomWeights(dm, tb, 2);
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
                DeblurPipeline.deblur(ops, net, dm, ConventionRules.conventions(Backbone.LOFORMER, Origin.BLURDM), rgb,
                        LatentExposureDiffusion.Noise.philox(1, 0));
                System.out.printf("run %d: %.2f s (array pool: %s)%n", i, (System.nanoTime() - t0) / 1e9,
                        cpu.poolStats());
            }
            long total = 0;
            for (long[] v : tb.times().values()) {
                total += v[0];
            }
            System.out.printf("%-26s %10s %8s %6s%n", "op", "ms", "calls", "%");
            for (Map.Entry<Op, long[]> e : tb.times().entrySet()) {
                System.out.printf("%-26s %10.1f %8d %5.1f%%%n", e.getKey().id(), e.getValue()[0] / 1e6,
                        e.getValue()[1], 100.0 * e.getValue()[0] / total);
            }
            System.out.printf("%nconv2d by shape (last run):%n%-50s %9s %6s %8s%n", "shape", "ms", "calls", "GFLOP/s");
            for (Map.Entry<String, long[]> e : tb.convShapes().entrySet()) {
                long[] v = e.getValue();
                System.out.printf("%-50s %9.1f %6d %8.1f%n", e.getKey(), v[0] / 1e6, v[1], 2.0 * v[2] * v[1] / v[0]);
            }
        }
    }
}
