package io.github.blurdm.bench.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.blurdm.bench.model.ModelProfile;
import io.github.blurdm.blurdm.ConventionRules;
import io.github.blurdm.blurdm.Origin;
import io.github.blurdm.blurdm.backbone.BackboneNetwork;
import io.github.blurdm.blurdm.backbone.fftformer.Fftformer;
import io.github.blurdm.blurdm.backbone.fftformer.FftformerConfig;
import io.github.blurdm.blurdm.backbone.loformer.LoFormer;
import io.github.blurdm.blurdm.backbone.loformer.LoFormerConfig;
import io.github.blurdm.blurdm.backbone.mimo.MimoConfig;
import io.github.blurdm.blurdm.backbone.mimo.MimoUNet;
import io.github.blurdm.blurdm.backbone.stripformer.Stripformer;
import io.github.blurdm.blurdm.backbone.stripformer.StripformerConfig;
import io.github.blurdm.blurdm.pipeline.Conventions;
import io.github.blurdm.blurdm.pipeline.DeblurPipeline;
import io.github.blurdm.blurdm.pipeline.PerTilePrior;
import io.github.blurdm.blurdm.pipeline.TileMerge;
import io.github.blurdm.blurdm.pipeline.TileRule;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.blurdm.prior.PriorConfig;
import io.github.blurdm.layers.Parameter;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.runtime.cuda.CudaBackend;
import io.github.blurdm.runtime.cuda.CudaSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

/**
 * One whole model on the GPU: a backbone with the BlurDM prior (the paper's prior generator), seeded random
 * weights, the same on both backends. (1) GPU vs CPU rel-L2 of the prior and of the backbone output at a small
 * check size (the CPU side is the reference, so the size is kept small); (2) GPU latency at a full size: prior +
 * backbone on the image padded as BlurDM's files pad it (CUDA events, warm-up, median), or for LoFormer its
 * per-tile pipeline ({@link PerTilePrior}: 384x384 tiles overlapping by 32, a prior per tile, host merge; wall
 * clock, uploads and downloads included); peak pool memory.
 *
 * <p>Models: {@code mimo} (MIMO-UNet+), {@code stripformer} (the paper's Stripformer), {@code fftformer} (the
 * paper's FFTformer, dim 48, [6,6,12], 4 refinement blocks), {@code loformer} (LoFormer-S). The result is one
 * entry, under {@code models.<id>}, of the JSON object in {@code --out FILE}: other models' entries in the file
 * are kept (each run.sh step adds its own); it is written after the check and again after the timing, so a
 * timeout leaves what was measured.
 *
 * <pre>GpuModelCheck --model mimo|stripformer|fftformer|loformer --out gpu_model.json [--check WxH] [--size WxH]
 *     [--runs N] [--tile N] [--budget-s S] [--cpu-check | --emulated]</pre>
 *
 * <p>Check sizes by default: 256x256 for MIMO-UNet+, 128x128 for the others (rounded up to the padding multiple);
 * {@code --tile}: LoFormer's tile side (default its 384; smaller ones make several tiles of a small image).
 * {@code --budget-s}: the timed runs' budget (default 30 s): fewer runs than {@code --runs} (one at least) when
 * the warm-up run says they would take longer.
 *
 * <p>{@code --cpu-check} needs no GPU: the CPU backend stands in for the GPU (both sides then agree exactly),
 * at whatever sizes are given, one timed run; it checks the model's setup and this program. {@code --emulated}
 * runs the GPU side on the emulated CUDA device (the real kernels, on the CPU; slow: tiny sizes only). Exit
 * status 2 when CUDA is not usable here (without either flag), 1 on an error.
 */
public final class GpuModelCheck {
    private GpuModelCheck() {
    }

    /** A backbone with the BlurDM prior, as built for this check. */
    enum Model {
        MIMO("mimo_unet_plus", "MIMO-UNet+ with the BlurDM prior", "256x256",
                () -> new MimoUNet(MimoConfig.PLUS_PRIOR)),
        STRIPFORMER("stripformer", "Stripformer with the BlurDM prior", "128x128",
                () -> new Stripformer(StripformerConfig.PAPER_PRIOR)),
        FFTFORMER("fftformer", "FFTformer (dim 48, [6,6,12], 4 refinement) with the BlurDM prior", "128x128",
                () -> new Fftformer(FftformerConfig.paper(true))),
        LOFORMER("loformer_s", "LoFormer-S with the BlurDM prior (per-tile pipeline)", "128x128",
                () -> new LoFormer(LoFormerConfig.S_PRIOR));

        final String id;
        final String description;
        final String defaultCheck;
        final Supplier<BackboneNetwork> build;

        Model(String id, String description, String defaultCheck, Supplier<BackboneNetwork> build) {
            this.id = id;
            this.description = description;
            this.defaultCheck = defaultCheck;
            this.build = build;
        }

        static Model of(String name) {
            for (Model m : values()) {
                if (m.id.equals(name) || m.name().toLowerCase(Locale.ROOT).equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown model '" + name + "'; one of mimo, stripformer, fftformer, loformer");
        }
    }

    /** "WxH" as {height, width}. */
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

    /** Seeded uniform [-0.5, 0.5) values, [1,3,h,w]. */
    static Tensor image(int h, int w) {
        Random r = new Random(7);
        float[] v = new float[3 * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() - 0.5f;
        }
        return Tensor.of(v, 1, 3, h, w);
    }

    /** Seeded 8-bit values as floats 0..255, [h,w,3] (the pipeline's input). */
    static Tensor rgb(int h, int w) {
        Random r = new Random(3);
        float[] v = new float[h * w * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(256);
        }
        return Tensor.of(v, h, w, 3);
    }

    static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    public static void main(String[] args) throws IOException {
        Path out = null;
        Model model = Model.MIMO;
        String check = null;
        int[] full = {720, 1280};
        int runs = 5;
        int tile = 0;
        double budgetMs = 30_000;
        boolean cpuCheck = false;
        boolean emulated = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = Model.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--check" -> check = args[++i];
                case "--size" -> full = size(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--tile" -> tile = Integer.parseInt(args[++i]);
                case "--budget-s" -> budgetMs = 1000 * Double.parseDouble(args[++i]);
                case "--cpu-check" -> cpuCheck = true;
                case "--emulated" -> emulated = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: --model "
                        + "mimo|stripformer|fftformer|loformer --out FILE [--check WxH] [--size WxH] [--runs N] [--tile N] "
                        + "[--budget-s S] [--cpu-check | --emulated]");
            }
        }
        ObjectNode entry = new ObjectMapper().createObjectNode();
        entry.put("model", model.description + " (paper size, random weights)");
        if (!cpuCheck && !emulated) {
            CudaSupport.Status status = CudaSupport.status();
            if (!status.usable()) {
                System.out.println("GpuModelCheck: NO GPU: CUDA is not usable here: " + status.reason());
                entry.put("error", "CUDA is not usable here: " + status.reason());
                write(out, model, entry);
                System.exit(2);
            }
        }
        Backend dev = cpuCheck ? new CpuBackend() : emulated ? CudaBackend.emulated() : new CudaBackend(0);
        try (dev; CpuBackend cpu = new CpuBackend()) {
            run(model, dev, cpu, size(check != null ? check : model.defaultCheck), full, runs, tile, budgetMs, entry,
                    out);
        } catch (RuntimeException | Error e) {
            entry.put("error", e.toString());
            write(out, model, entry);
            throw e;
        }
    }

    private static void run(Model model, Backend dev, CpuBackend cpu, int[] check, int[] full, int runs, int tile,
                            double budgetMs, ObjectNode entry, Path out) throws IOException {
        String devName = dev instanceof CudaBackend g ? g.name() : "CPU backend (--cpu-check: nothing about a GPU)";
        entry.put("device", devName);
        BackboneNetwork probe = model.build.get();
        Conventions conventions = ConventionRules.conventions(probe.backbone(), Origin.BLURDM);
        boolean perTile = probe.backbone().family().tiling() == TileRule.FIXED_TILES_PRIOR_PER_TILE;
        long params = 0;
        for (Parameter p : probe.module().namedParameters().values()) {
            params += Tensor.checkedSize(p.shape());
        }
        LatentExposureDiffusion probeDm = new LatentExposureDiffusion(PriorConfig.PAPER);
        for (Parameter p : probeDm.namedParameters().values()) {
            params += Tensor.checkedSize(p.shape());
        }
        entry.put("params", params);
        System.out.printf(Locale.ROOT, "GpuModelCheck %s: %s, %,d parameters; on %s%n", model.id,
                probe.displayName(), params, devName);

        // (1) parity at the check size: the same seeded weights on both backends, the image padded as the files pad
        int m = conventions.padMultiple();
        int ch = roundUp(check[0], m);
        int cw = roundUp(check[1], m);
        float[][] priors = new float[2][];
        float[][] outputs = new float[2][];
        BackboneNetwork devNet = null;
        LatentExposureDiffusion devDm = null;
        Backend[] sides = {dev, cpu};
        for (int k = 0; k < 2; k++) {
            Backend b = sides[k];
            long t0 = System.nanoTime();
            BackboneNetwork net = k == 0 ? probe : model.build.get();
            LatentExposureDiffusion dm = k == 0 ? probeDm : new LatentExposureDiffusion(PriorConfig.PAPER);
            ModelProfile.randomWeights(net.module(), b, 1);
            ModelProfile.randomWeights(dm, b, 2);
            Ops ops = new Ops(b);
            Tensor x = b.upload(image(ch, cw));
            Tensor p = dm.sample(ops, x, LatentExposureDiffusion.Noise.philox(2023, 0), null);
            Tensor y = net.forward(ops, x, p);
            priors[k] = b.download(p).data();
            outputs[k] = b.download(y).data();
            ops.release(x, p, y);
            System.out.printf(Locale.ROOT, "  check %dx%d on %s: %.1f s (weights, first run)%n", cw, ch,
                    k == 0 ? "the device" : "the CPU", (System.nanoTime() - t0) / 1e9);
            if (k == 0) {
                devNet = net;
                devDm = dm;
            }
        }
        double priorErr = relL2(priors[0], priors[1]);
        double outErr = relL2(outputs[0], outputs[1]);
        System.out.printf(Locale.ROOT, "parity %dx%d: prior rel-L2 %.3g, output rel-L2 %.3g (device vs CPU)%n", cw, ch,
                priorErr, outErr);
        entry.put("check", cw + "x" + ch);
        entry.put("prior_rel_l2", priorErr);
        entry.put("output_rel_l2", outErr);
        write(out, model, entry);

        // (2) latency at the full size
        Ops ops = new Ops(dev);
        BackboneNetwork net = devNet;
        LatentExposureDiffusion dm = devDm;
        String what;
        float[] ms;
        if (perTile) {
            Tensor img = rgb(full[0], full[1]);
            int[] tiles = {0};
            DeblurPipeline.PriorSink sink = prior -> tiles[0] = prior.dim(0);
            ms = sample(runs, budgetMs, () -> {
                long t0 = System.nanoTime();
                PerTilePrior.output(ops, net, dm, conventions, img, LatentExposureDiffusion.Noise.philox(2023, 0),
                        tile, TileMerge.OFFICIAL, sink, DeblurPipeline.Progress.NONE);
                return (System.nanoTime() - t0) / 1e6f;
            });
            int side = tile > 0 ? tile : net.backbone().family().tileSide();
            what = "per-tile pipeline: " + tiles[0] + " tiles (" + side + " pixels at most a side, overlapping by "
                    + net.backbone().family().tileOverlap() + "), a prior each, one at a time; wall clock, transfers "
                    + "and host merge included";
            entry.put("tiles", tiles[0]);
            entry.put("tile", side);
        } else {
            int hp = roundUp(full[0], m);
            int wp = roundUp(full[1], m);
            Tensor x = dev.upload(image(hp, wp));
            ms = sample(runs, budgetMs, () -> time(dev, () -> {
                Tensor p = dm.sample(ops, x, LatentExposureDiffusion.Noise.philox(2023, 0), null);
                Tensor y = net.forward(ops, x, p);
                ops.release(y, p);
            }));
            ops.release(x);
            what = "prior + backbone on the image padded to " + wp + "x" + hp + (dev instanceof CudaBackend
                    ? ", CUDA events" : ", wall clock");
            entry.put("padded", wp + "x" + hp);
        }
        float[] sorted = ms.clone();
        Arrays.sort(sorted);
        float median = sorted[sorted.length / 2];
        System.out.printf(Locale.ROOT, "latency %dx%d: median %.2f ms, min %.2f ms over %d runs (%s)%n", full[1], full[0],
                median, sorted[0], sorted.length, what);
        entry.put("size", full[1] + "x" + full[0]);
        entry.put("latency_ms", median);
        entry.put("min_ms", sorted[0]);
        entry.put("runs", ms.length);
        entry.put("timed", what);
        if (dev instanceof CudaBackend g) {
            System.out.println("memory: " + g.memoryStats());
            entry.put("peak_pool_mib", g.memoryStats().peakBytes() / (1024.0 * 1024.0));
        }
        write(out, model, entry);
    }

    /**
     * One warm-up run, then {@code runs} timed ones, fewer when the warm-up says they would take over
     * {@code budgetMs} (one at least): a slow model still finishes within its step's limit.
     */
    static float[] sample(int runs, double budgetMs, java.util.function.Supplier<Float> once) {
        float warm = once.get();
        int n = (int) Math.max(1, Math.min(runs, Math.floor(budgetMs / Math.max(warm, 1e-3))));
        if (n < runs) {
            System.out.printf(Locale.ROOT, "  warm-up run %.0f ms: %d timed runs instead of %d (budget %.1f s)%n", warm,
                    n, runs, budgetMs / 1000);
        }
        float[] ms = new float[n];
        for (int i = 0; i < n; i++) {
            ms[i] = once.get();
        }
        return ms;
    }

    private static float time(Backend b, Runnable work) {
        if (b instanceof CudaBackend g) {
            return g.timeMillis(work);
        }
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e6f;
    }

    /** Sets models.&lt;id&gt; in {@code out}, keeping the other models' entries; written whole, then renamed. */
    static void write(Path out, Model model, ObjectNode entry) throws IOException {
        if (out == null) {
            return;
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = null;
        if (Files.exists(out)) {
            try {
                JsonNode old = json.readTree(out.toFile());
                root = old instanceof ObjectNode o && old.path("models").isObject() ? o : null;
            } catch (IOException e) {
                root = null;                       // unreadable: start afresh
            }
        }
        if (root == null) {
            root = json.createObjectNode();
        }
        root.with("models").set(model.id, entry.deepCopy());
        Path abs = out.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        json.writeValue(tmp.toFile(), root);
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
