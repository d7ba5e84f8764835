package io.github.blurdm.bench.model;

import io.github.blurdm.blurdm.BlurdmModel;
import io.github.blurdm.blurdm.pipeline.Images;
import io.github.blurdm.blurdm.pipeline.Conventions;
import io.github.blurdm.blurdm.pipeline.DeblurPipeline;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion.Noise;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.weights.NpyFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Our side of {@code bench/model_side_by_side.py}: loads an engine safetensors file with
 * {@link BlurdmModel#load}, the input PNG and the prior noise (.npy), then obeys one command per line
 * on stdin, answering one JSON line on stdout each:
 * <ul>
 * <li>{@code float}: prior + backbone on the (reflect-padded) normalised image, untimed, writes
 *     {@code <outdir>/ours_float.bin} (out1 [1,3,Hp,Wp], little-endian float32); doubles as a warm-up;</li>
 * <li>{@code run}: one timed {@link DeblurPipeline#deblur} (whole image, given noise); answers seconds;</li>
 * <li>{@code quit}: writes the last run's 8-bit image to {@code <outdir>/ours_u8.bin} (H,W,3 bytes),
 *     answers VmHWM and VmRSS of this process (kB) and exits.</li>
 * </ul>
 * Threads: {@code -Dblurdm.threads}.
 *
 * <pre>java --add-modules jdk.incubator.vector -Dblurdm.threads=2 -cp 'bench/target/blurdm-bench.jar:bench/target/lib/*' \
 *   io.github.blurdm.bench.model.SideBySide model.safetensors input.png noise.npy outdir</pre>
 */
public final class SideBySide {
    private SideBySide() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: SideBySide model.safetensors input.png noise.npy outdir");
            System.exit(2);
        }
        Path outDir = Path.of(args[3]);
        long t0 = System.nanoTime();
        try (CpuBackend b = new CpuBackend()) {
            BlurdmModel model = BlurdmModel.load(Path.of(args[0]), b);
            Tensor rgb = Images.toRgb(Images.read(Path.of(args[1])));
            NpyFile npy = NpyFile.read(Path.of(args[2]));
            float[] noise = npy.values();
            int latent = model.prior().config().latent();
            if (noise.length != latent) {
                throw new IllegalArgumentException("noise has " + noise.length + " values, latent is " + latent);
            }
            Ops ops = new Ops(b);
            System.out.printf("{\"ready\": true, \"load_s\": %.3f, \"threads\": %d, \"rss_kb\": %d}%n",
                    (System.nanoTime() - t0) / 1e9, b.threads(), status("VmRSS"));
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            Tensor last = null;
            for (String line; (line = in.readLine()) != null; ) {
                switch (line.trim()) {
                    case "float" -> {
                        long s = System.nanoTime();
                        Conventions conv = model.conventions().conventions();
                        Tensor x = conv.normalise(rgb);
                        int ph = conv.padding(x.dim(2));
                        int pw = conv.padding(x.dim(3));
                        if (ph != 0 || pw != 0) {
                            x = ops.reflectPad(b.upload(x), 0, ph, 0, pw);
                        } else {
                            x = b.upload(x);
                        }
                        Tensor p = model.prior().sample(ops, x, Noise.of(b.upload(Tensor.of(noise.clone(), 1, latent))), null);
                        Tensor out = b.download(model.backbone().forward(ops, x, p));
                        writeFloats(outDir.resolve("ours_float.bin"), out.data());
                        System.out.printf("{\"float_s\": %.4f}%n", (System.nanoTime() - s) / 1e9);
                    }
                    case "run" -> {
                        Tensor nz = b.upload(Tensor.of(noise.clone(), 1, latent));
                        long s = System.nanoTime();
                        last = DeblurPipeline.deblur(ops, model.backbone(), model.prior(), model.conventions().conventions(),
                                rgb, Noise.of(nz));
                        System.out.printf("{\"s\": %.4f}%n", (System.nanoTime() - s) / 1e9);
                    }
                    case "quit" -> {
                        if (last != null) {
                            float[] d = last.data();
                            byte[] u8 = new byte[d.length];
                            for (int i = 0; i < d.length; i++) {
                                u8[i] = (byte) (int) d[i];
                            }
                            Files.write(outDir.resolve("ours_u8.bin"), u8);
                        }
                        System.out.printf("{\"vmhwm_kb\": %d, \"rss_kb\": %d, \"heap_max_mb\": %d, \"pool\": \"%s\"}%n",
                                status("VmHWM"), status("VmRSS"), Runtime.getRuntime().maxMemory() >> 20, b.poolStats());
                        System.out.flush();
                        return;
                    }
                    default -> System.out.println("{\"error\": \"unknown command\"}");
                }
                System.out.flush();
            }
        }
    }

    private static void writeFloats(Path p, float[] v) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(v);
        Files.write(p, bb.array());
    }

    /** A kB field of /proc/self/status, or -1. */
    static long status(String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(field + ":")) {
                    return Long.parseLong(l.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
