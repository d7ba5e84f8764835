package io.github.blurdm.bench.model;

import io.github.blurdm.blurdm.backbone.fftformer.Fftformer;
import io.github.blurdm.blurdm.backbone.fftformer.FftformerConfig;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.blurdm.prior.PriorConfig;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import java.util.Map;
import java.util.Random;

/**
 * Where FFTformer's time goes on the CPU: the paper's network (dim 48, [6, 6, 12], 4 refinement) with the
 * paper's prior, random weights, one padded image of W x H (multiples of 32) run {@code runs} times; the op
 * times of the last run (each backend call timed on its own).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp ... io.github.blurdm.bench.model.FftformerProfile 1280 736 2</pre>
 */
public final class FftformerProfile {
    private FftformerProfile() {
    }

    public static void main(String[] args) {
        int w = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int h = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        CpuBackend cpu = new CpuBackend();
        try (TimingBackend tb = new TimingBackend(cpu)) {
            Fftformer net = new Fftformer(FftformerConfig.paper(true));
            LatentExposureDiffusion dm = new LatentExposureDiffusion(PriorConfig.PAPER);
            ModelProfile.randomWeights(net, tb, 1);
            ModelProfile.randomWeights(dm, tb, 2);
            Random r = new Random(3);
            float[] img = new float[3 * h * w];
            for (int i = 0; i < img.length; i++) {
                img[i] = r.nextFloat();
            }
            Ops ops = new Ops(tb);
            for (int i = 0; i < runs; i++) {
                tb.reset();
                long t0 = System.nanoTime();
                Tensor x = tb.upload(Tensor.of(img, 1, 3, h, w));
                Tensor prior = dm.sample(ops, x, LatentExposureDiffusion.Noise.philox(1, 0), null);
                Tensor out = net.forward(ops, x, prior, null);
                ops.release(x, prior, out);
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
