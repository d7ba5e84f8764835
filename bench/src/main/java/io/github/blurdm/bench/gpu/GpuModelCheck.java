package io.github.blurdm.bench.gpu;

import io.github.blurdm.bench.model.ModelProfile;
import io.github.blurdm.blurdm.backbone.mimo.MimoConfig;
import io.github.blurdm.blurdm.backbone.mimo.MimoUNet;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.blurdm.prior.PriorConfig;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.runtime.cuda.CudaBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The whole model on the GPU: the paper's MIMO-UNet+ with the BlurDM prior (random weights, the same
 * on both backends), (1) GPU vs CPU rel-L2 of the prior and of the backbone output at a check size,
 * (2) GPU latency of prior + backbone at 1280x720 (CUDA events, warm-up, median), peak pool memory.
 * Writes one JSON object to {@code --out FILE}.
 *
 * <pre>GpuModelCheck --out gpu_model.json [--check 256x256] [--size 1280x720] [--runs 5]</pre>
 */
public final class GpuModelCheck {
    private GpuModelCheck() {
    }

    static int[] size(String s) {
        String[] p = s.split("x");
        return new int[] {Integer.parseInt(p[1]), Integer.parseInt(p[0])};
    }

    static double relL2(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - (double) b[i];
            num += Float.isFinite(a[i]) ? d * d : Double.POSITIVE_INFINITY;
            den += b[i] * (double) b[i];
        }
        return Math.sqrt(num / den);
    }

    static Tensor image(int h, int w) {
        Random r = new Random(7);
        float[] v = new float[3 * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() - 0.5f;
        }
        return Tensor.of(v, 1, 3, h, w);
    }

    public static void main(String[] args) throws IOException {
        Path out = null;
        int[] check = {256, 256};
        int[] full = {720, 1280};
        int runs = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--check" -> check = size(args[++i]);
                case "--size" -> full = size(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        StringBuilder json = new StringBuilder("{\"model\":\"mimo_unet_plus_prior (paper size, random weights)\"");
        try (CudaBackend gpu = new CudaBackend(0); CpuBackend cpu = new CpuBackend()) {
            json.append(String.format(Locale.ROOT, ",\"device\":\"%s\"", gpu.name()));
            // (1) parity at the check size: the same seeded weights on both backends
            float[][] results = new float[2][];
            float[][] priors = new float[2][];
            int k = 0;
            for (io.github.blurdm.runtime.Backend b : new io.github.blurdm.runtime.Backend[] {gpu, cpu}) {
                MimoUNet net = new MimoUNet(MimoConfig.PLUS_PRIOR);
                LatentExposureDiffusion dm = new LatentExposureDiffusion(PriorConfig.PAPER);
                ModelProfile.randomWeights(net, b, 1);
                ModelProfile.randomWeights(dm, b, 2);
                Ops ops = new Ops(b);
                Tensor x = b.upload(image(check[0], check[1]));
                Tensor p = dm.sample(ops, x, LatentExposureDiffusion.Noise.philox(2023, 0), null);
                priors[k] = b.download(p).data();
                results[k] = b.download(net.forward(ops, x, p, null)).data();
                k++;
            }
            double priorErr = relL2(priors[0], priors[1]);
            double outErr = relL2(results[0], results[1]);
            System.out.printf(Locale.ROOT, "parity %dx%d: prior rel-L2 %.3g, output rel-L2 %.3g (GPU vs CPU)%n",
                    check[1], check[0], priorErr, outErr);
            json.append(String.format(Locale.ROOT, ",\"check\":\"%dx%d\",\"prior_rel_l2\":%.6g,\"output_rel_l2\":%.6g",
                    check[1], check[0], priorErr, outErr));
            // (2) latency at the full size
            MimoUNet net = new MimoUNet(MimoConfig.PLUS_PRIOR);
            LatentExposureDiffusion dm = new LatentExposureDiffusion(PriorConfig.PAPER);
            ModelProfile.randomWeights(net, gpu, 1);
            ModelProfile.randomWeights(dm, gpu, 2);
            Ops ops = new Ops(gpu);
            Tensor x = gpu.upload(image(full[0], full[1]));
            float[] ms = new float[runs];
            for (int i = -1; i < runs; i++) {
                float t = gpu.timeMillis(() -> {
                    Tensor p = dm.sample(ops, x, LatentExposureDiffusion.Noise.philox(2023, 0), null);
                    Tensor y = net.forward(ops, x, p, null);
                    gpu.release(y);
                    gpu.release(p);
                });
                if (i >= 0) {
                    ms[i] = t;
                }
            }
            Arrays.sort(ms);
            float median = ms[runs / 2];
            System.out.printf(Locale.ROOT, "latency %dx%d: median %.2f ms over %d runs (prior + backbone, CUDA events)%n",
                    full[1], full[0], median, runs);
            System.out.println("memory: " + gpu.memoryStats());
            json.append(String.format(Locale.ROOT, ",\"size\":\"%dx%d\",\"latency_ms\":%.3f,\"runs\":%d", full[1], full[0],
                    median, runs));
        }
        json.append("}\n");
        if (out != null) {
            Files.writeString(out, json.toString(), StandardCharsets.UTF_8);
        }
    }
}
