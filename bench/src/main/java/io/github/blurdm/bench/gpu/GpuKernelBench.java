package io.github.blurdm.bench.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.OpShapes;
import io.github.blurdm.runtime.PriorSamplerParams;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.runtime.cuda.CudaBackend;
import io.github.blurdm.runtime.cuda.CudaSupport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times every CUDA kernel version of each op at the shapes MIMO-UNet+ and the BlurDM prior run, and at
 * FFTformer's, Stripformer's and LoFormer-S's own ops' shapes
 * (read from {@code bench/gpu/cases.json}, which {@code bench/gpu/torch_ops.py} reads too), the
 * llm.c way: inputs seeded uniform in [-1,1], a few warm-up launches (NVRTC compiles and module
 * loads stay out), then the median of many samples, each timed with CUDA events on the backend's
 * stream ({@link CudaBackend#timeMillis}); before each sample a 256 MiB buffer is overwritten so
 * L2 starts cold, except for cases marked {@code "inner"}, whose samples time that many launches
 * back to back (small, launch-bound ops). Versions are chosen with {@link CudaBackend#useVersion},
 * the public override. Prints one line per case and version (ms, GFLOP/s, GB/s counting each input
 * read once and each output written once) and writes {@code gpu_kernels.json} and
 * {@code gpu_kernels.csv} into the output folder.
 *
 * <p>Usage: {@code GpuKernelBench [--cases FILE] [--out DIR] [--samples N] [--warmup N]
 * [--budget-ms MS] [--only TEXT] [--cpu-check]}. Exit status 2 when CUDA is not usable here (the
 * reason is printed), 1 when a case failed, 0 otherwise. {@code --cpu-check} needs no GPU: every
 * case at 1/8 of its spatial size (attention: 1/8 of its sequences), set up and run once on the CPU
 * backend, nothing timed.
 */
public final class GpuKernelBench {
    private static final long FLUSH_FLOATS = 64L << 20;       // 256 MiB, over 5x the H100's 50 MB L2

    private final Backend be;          // where inputs and outputs live: the GPU, or the CPU for --cpu-check
    private final CudaBackend gpu;     // null for --cpu-check
    private final boolean shrink;
    private final Tensor flush;
    private final int samples;
    private final int warmup;
    private final double budgetMs;
    private final Map<String, Tensor> inputs = new HashMap<>();
    private long seed = 1;

    private GpuKernelBench(Backend be, int samples, int warmup, double budgetMs) {
        this.be = be;
        this.gpu = be instanceof CudaBackend g ? g : null;
        this.shrink = gpu == null;
        this.samples = samples;
        this.warmup = warmup;
        this.budgetMs = budgetMs;
        this.flush = gpu == null ? null : gpu.allocate((int) FLUSH_FLOATS);
    }

    /** One timed case: what to launch, and the work it does. */
    private record Prepared(Op op, Runnable launch, double flops, double bytes, List<Tensor> owned) {
    }

    /** One kernel version's result. */
    record Result(String name, String op, int version, boolean isDefault, double medianMs, double minMs, int n,
                  double gflops, double gbps, String error) {
    }

    public static void main(String[] args) throws IOException {
        Path cases = Path.of("bench/gpu/cases.json");
        Path out = Path.of("bench/gpu/out");
        int samples = 25;
        int warmup = 3;
        double budgetMs = 2000;
        String only = null;
        boolean cpuCheck = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--cases": cases = Path.of(need(a, v)); i++; break;
                case "--out": out = Path.of(need(a, v)); i++; break;
                case "--samples": samples = Integer.parseInt(need(a, v)); i++; break;
                case "--warmup": warmup = Integer.parseInt(need(a, v)); i++; break;
                case "--budget-ms": budgetMs = Double.parseDouble(need(a, v)); i++; break;
                case "--only": only = need(a, v); i++; break;
                case "--cpu-check": cpuCheck = true; break;
                default:
                    System.err.println("GpuKernelBench: unknown argument " + a
                            + "; usage: [--cases FILE] [--out DIR] [--samples N] [--warmup N] [--budget-ms MS] [--only TEXT]"
                            + " [--cpu-check]");
                    System.exit(64);
            }
        }
        JsonNode spec = new ObjectMapper().readTree(cases.toFile());
        Files.createDirectories(out);
        if (cpuCheck) {
            System.exit(cpuCheck(spec, only));
        }
        CudaSupport.Status status = CudaSupport.status();
        if (!status.usable()) {
            System.out.println("GpuKernelBench: NO GPU: CUDA is not usable here: " + status.reason());
            ObjectNode root = new ObjectMapper().createObjectNode();
            root.put("error", "CUDA is not usable here: " + status.reason());
            write(out, root, List.of());
            System.exit(2);
        }
        List<Result> results = new ArrayList<>();
        ObjectNode root = new ObjectMapper().createObjectNode();
        try (CudaBackend gpu = new CudaBackend(0)) {
            System.out.printf("GpuKernelBench on %s, driver CUDA %d, NVRTC %s; %d samples (<= %.0f ms per version), "
                    + "%d warm-up%n", gpu.deviceInfo(), status.driverVersion(), status.nvrtcVersion(), samples, budgetMs,
                    warmup);
            root.put("device", gpu.deviceInfo().name());
            root.put("arch", gpu.deviceInfo().arch());
            root.put("driver", status.driverVersion());
            root.put("nvrtc", status.nvrtcVersion());
            root.put("java", System.getProperty("java.version"));
            GpuKernelBench bench = new GpuKernelBench(gpu, samples, warmup, budgetMs);
            for (JsonNode c : spec.get("cases")) {
                String name = c.get("name").asText();
                if (only != null && !name.contains(only) && !c.get("op").asText().equals(only)) {
                    continue;
                }
                results.addAll(bench.run(c));
                write(out, root, results);                // after every case: a timeout still leaves what was measured
            }
            bench.inputs.values().forEach(Tensor::close);
            bench.flush.close();
            root.put("memory", gpu.memoryStats().toString());
            root.put("kernel_cache", gpu.cacheStats().toString());
            System.out.println("GpuKernelBench: " + gpu.memoryStats() + "; " + gpu.cacheStats());
        }
        write(out, root, results);
        boolean failed = results.stream().anyMatch(r -> r.error() != null);
        System.exit(failed ? 1 : 0);
    }

    /** Sets up every case at 1/8 of its spatial size on the CPU and runs it once: checks cases.json and the setup code. */
    private static int cpuCheck(JsonNode spec, String only) {
        int failed = 0;
        try (CpuBackend cpu = new CpuBackend()) {
            GpuKernelBench bench = new GpuKernelBench(cpu, 1, 0, 0);
            for (JsonNode c : spec.get("cases")) {
                String name = c.get("name").asText();
                if (only != null && !name.contains(only) && !c.get("op").asText().equals(only)) {
                    continue;
                }
                try {
                    Prepared p = bench.prepare(opOf(c.get("op").asText()), c);
                    p.launch().run();
                    System.out.printf("%-40s %-16s cpu check ok%n", name, p.op().id());
                } catch (RuntimeException e) {
                    failed++;
                    System.out.printf("%-40s cpu check FAILED: %s%n", name, e);
                }
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private static String need(String flag, String v) {
        if (v == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return v;
    }

    private List<Result> run(JsonNode c) {
        String name = c.get("name").asText();
        Op op = opOf(c.get("op").asText());
        List<Result> rs = new ArrayList<>();
        Prepared p;
        try {
            p = prepare(op, c);
        } catch (RuntimeException e) {
            System.out.printf("%-40s %-16s  FAILED to set up: %s%n", name, op.id(), e);
            rs.add(new Result(name, op.id(), 0, false, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, e.toString()));
            return rs;
        }
        int inner = c.path("inner").asInt(1);
        boolean cold = inner == 1;
        int def = CudaBackend.defaultVersion(op);
        for (int v = 1; v <= CudaBackend.versions(op); v++) {
            try {
                gpu.useVersion(op, v);
                double[] ms = time(p.launch(), inner, cold);
                double med = median(ms);
                double min = Arrays.stream(ms).min().orElse(Double.NaN);
                Result r = new Result(name, op.id(), v, v == def, med, min, ms.length, p.flops() / med / 1e6,
                        p.bytes() / med / 1e6, null);
                rs.add(r);
                System.out.printf(Locale.ROOT, "%-40s %-16s v%d%s %9.4f ms (min %9.4f, n=%3d) %9.1f GFLOP/s %8.1f GB/s%n",
                        name, op.id(), v, v == def ? "*" : " ", med, min, ms.length, r.gflops(), r.gbps());
            } catch (RuntimeException e) {
                System.out.printf("%-40s %-16s v%d  FAILED: %s%n", name, op.id(), v, e);
                rs.add(new Result(name, op.id(), v, v == def, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN,
                        e.toString()));
            } finally {
                gpu.useVersion(op, 0);
            }
        }
        p.owned().forEach(Tensor::close);
        return rs;
    }

    /** Samples in ms per launch: warm-up first, then up to {@code samples} or until the budget is spent (3 at least). */
    private double[] time(Runnable launch, int inner, boolean cold) {
        Runnable batch = inner == 1 ? launch : () -> {
            for (int i = 0; i < inner; i++) {
                launch.run();
            }
        };
        for (int i = 0; i < warmup; i++) {
            batch.run();
        }
        gpu.synchronize();
        double[] ms = new double[samples];
        double spent = 0;
        int n = 0;
        while (n < samples && (n < 3 || spent < budgetMs)) {
            if (cold) {
                gpu.fill(flush, n);                       // overwrite 256 MiB: L2 holds none of the inputs
            }
            float t = gpu.timeMillis(batch);
            ms[n++] = t / inner;
            spent += t;
        }
        return Arrays.copyOf(ms, n);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static Op opOf(String id) {
        for (Op op : Op.values()) {
            if (op.id().equals(id)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown op '" + id + "' in cases file");
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }

    static Activation activation(String s) {
        if (s == null || s.equals("none")) {
            return Activation.NONE;
        }
        if (s.equals("relu")) {
            return Activation.RELU;
        }
        if (s.equals("gelu")) {
            return Activation.GELU;
        }
        if (s.startsWith("lrelu")) {
            return Activation.leakyRelu(Float.parseFloat(s.substring(5)));
        }
        throw new IllegalArgumentException("unknown activation '" + s + "'");
    }

    /** A device tensor of seeded uniform [-1,1] values, scaled; shared between cases by shape, slot and scale. */
    private Tensor input(String slot, float scale, int... shape) {
        String key = slot + Arrays.toString(shape) + "*" + scale;
        Tensor t = inputs.get(key);
        if (t == null) {
            float[] d = new float[(int) Tensor.checkedSize(shape)];
            long s = 0x9E3779B97F4A7C15L * (++seed);
            for (int i = 0; i < d.length; i++) {
                s ^= s << 13;
                s ^= s >>> 7;
                s ^= s << 17;
                d[i] = scale * (((s >>> 40) * 0x1.0p-24f) * 2f - 1f);
            }
            t = be.upload(Tensor.of(d, shape));
            inputs.put(key, t);
        }
        return t;
    }

    private static double bytes(Tensor... ts) {
        double b = 0;
        for (Tensor t : ts) {
            if (t != null) {
                b += 4.0 * t.size();
            }
        }
        return b;
    }

    private Prepared prepare(Op op, JsonNode c) {
        int[] xs = ints(c.get("x"));
        if (shrink && xs.length == 4) {
            xs = new int[] {xs[0], xs[1], Math.max(8, xs[2] / 64 * 8), Math.max(8, xs[3] / 64 * 8)};
        } else if (shrink && xs.length == 3) {
            xs = new int[] {Math.max(1, xs[0] / 8), xs[1], xs[2]};        // attention: 1/8 of the sequences
        }
        Tensor x = input("x", 1f, xs);
        List<Tensor> owned = new ArrayList<>();
        switch (op) {
            case CONV2D: {
                int cout = c.get("cout").asInt();
                int k = c.get("k").asInt();
                Tensor w = input("w", 0.1f, cout, xs[1], k, k);
                Tensor b = input("b", 1f, cout);
                Conv2dParams p = Conv2dParams.of(c.get("stride").asInt(), c.get("pad").asInt())
                        .withActivation(activation(c.path("act").asText("none")));
                Tensor out = own(owned, be.allocate(OpShapes.conv2d(x, w, b, p)));
                double flops = 2.0 * out.size() * xs[1] * k * k;
                return new Prepared(op, () -> be.conv2d(out, x, w, b, p), flops, bytes(x, w, b, out), owned);
            }
            case CONV_TRANSPOSE2D: {
                int cout = c.get("cout").asInt();
                int k = c.get("k").asInt();
                Tensor w = input("w", 0.1f, xs[1], cout, k, k);
                Tensor b = input("b", 1f, cout);
                ConvTranspose2dParams p = ConvTranspose2dParams.of(c.get("stride").asInt(), c.get("pad").asInt())
                        .withActivation(activation(c.path("act").asText("none")));
                Tensor out = own(owned, be.allocate(OpShapes.convTranspose2d(x, w, b, p)));
                double flops = 2.0 * x.size() * cout * k * k;
                return new Prepared(op, () -> be.convTranspose2d(out, x, w, b, p), flops, bytes(x, w, b, out), owned);
            }
            case ADD:
            case MUL: {
                Tensor y = input("y", 1f, xs);
                Tensor out = own(owned, be.allocate(xs));
                Runnable r = op == Op.ADD ? () -> be.add(out, x, y) : () -> be.mul(out, x, y);
                return new Prepared(op, r, x.size(), bytes(x, y, out), owned);
            }
            case RELU:
            case GELU:
            case LEAKY_RELU: {
                Tensor out = own(owned, be.allocate(xs));
                Runnable r = op == Op.RELU ? () -> be.relu(out, x)
                        : op == Op.GELU ? () -> be.gelu(out, x) : () -> be.leakyRelu(out, x, 0.1f);
                return new Prepared(op, r, x.size(), bytes(x, out), owned);
            }
            case CHANNEL_AFFINE: {
                Tensor scale = input("scale", 1f, xs[0], xs[1]);
                Tensor shift = input("shift", 1f, xs[0], xs[1]);
                Tensor out = own(owned, be.allocate(xs));
                return new Prepared(op, () -> be.channelAffine(out, x, scale, shift), 2.0 * x.size(),
                        bytes(x, scale, shift, out), owned);
            }
            case CONCAT: {
                int[] chans = ints(c.get("channels"));
                Tensor[] parts = new Tensor[chans.length];
                int total = 0;
                for (int i = 0; i < chans.length; i++) {
                    parts[i] = input("x", 1f, xs[0], chans[i], xs[2], xs[3]);
                    total += chans[i];
                }
                Tensor out = own(owned, be.allocate(xs[0], total, xs[2], xs[3]));
                return new Prepared(op, () -> be.concat(out, parts), 0, 2.0 * bytes(out), owned);
            }
            case DOWNSAMPLE_NEAREST2: {
                Tensor out = own(owned, be.allocate(OpShapes.downsampleNearest2(x)));
                return new Prepared(op, () -> be.downsampleNearest2(out, x), 0, 2.0 * bytes(out), owned);
            }
            case UPSAMPLE_NEAREST2: {
                Tensor out = own(owned, be.allocate(OpShapes.upsampleNearest2(x)));
                return new Prepared(op, () -> be.upsampleNearest2(out, x), 0, bytes(x, out), owned);
            }
            case PIXEL_UNSHUFFLE: {
                int r = c.get("r").asInt();
                Tensor out = own(owned, be.allocate(OpShapes.pixelUnshuffle(x, r)));
                return new Prepared(op, () -> be.pixelUnshuffle(out, x, r), 0, bytes(x, out), owned);
            }
            case GLOBAL_AVG_POOL: {
                Tensor out = own(owned, be.allocate(OpShapes.globalAvgPool(x)));
                return new Prepared(op, () -> be.globalAvgPool(out, x), x.size(), bytes(x, out), owned);
            }
            case LINEAR: {
                int cout = c.get("cout").asInt();
                int cin = xs[xs.length - 1];
                Tensor w = input("w", (float) (1 / Math.sqrt(cin)), cout, cin);
                Tensor b = input("b", 0.1f, cout);
                Activation act = activation(c.path("act").asText("none"));
                Tensor out = own(owned, be.allocate(OpShapes.linear(x, w, b)));
                return new Prepared(op, () -> be.linear(out, x, w, b, act), 2.0 * out.size() * cin,
                        bytes(x, w, b, out), owned);
            }
            case PRIOR_SAMPLER: {
                int l = c.get("latent").asInt();
                int steps = c.get("steps").asInt();
                PriorSamplerParams p = new PriorSamplerParams(l, c.get("blocks").asInt(), steps, 2023, 0);
                Tensor noise = input("noise", 1f, xs);
                float ws = (float) (1 / Math.sqrt(2.0 * l + 1));
                Tensor nm = input("noise_model", ws, (int) p.packedSize());
                Tensor lm = input("lcr_model", ws, (int) p.packedSize());
                Tensor sched = own(owned, be.upload(Tensor.of(schedule(steps), p.scheduleSize())));
                Tensor out = own(owned, be.allocate(xs));
                double perDenoiser = 2.0 * ((double) l * (2 * l + 1) + (double) p.denoiserBlocks() * l * l);
                double flops = xs[0] * steps * 2 * perDenoiser;
                return new Prepared(op, () -> be.priorSampler(out, x, noise, nm, lm, sched, p), flops,
                        bytes(x, noise, nm, lm, sched, out), owned);
            }
            case PATCH_FFT_FILTER: {
                Tensor filter = input("filter", 1f, xs[1], 8, 5);
                Tensor out = own(owned, be.allocate(xs));
                // the direct 8x8 circular convolution the kernels run: 64 multiply-adds per value
                return new Prepared(op, () -> be.patchFftFilter(out, x, filter), 128.0 * x.size(),
                        bytes(x, filter, out), owned);
            }
            case FSAS_ATTENTION: {
                Tensor k = input("k", 1f, xs);
                Tensor v = input("v", 1f, xs);
                Tensor w = input("w", 1f, xs[1]);
                Tensor b = input("b", 1f, xs[1]);
                Tensor out = own(owned, be.allocate(OpShapes.fsasAttention(x, k, v, w, b, 1e-5f)));
                return new Prepared(op, () -> be.fsasAttention(out, x, k, v, w, b, 1e-5f), 128.0 * out.size(),
                        bytes(x, k, v, w, b, out), owned);
            }
            case DEPTHWISE_CONV2D: {
                int k = c.get("k").asInt();
                Tensor w = input("w", 0.3f, xs[1], 1, k, k);
                Tensor out = own(owned, be.allocate(xs));
                return new Prepared(op, () -> be.depthwiseConv2d(out, x, w, null), 2.0 * k * k * x.size(),
                        bytes(x, w, out), owned);
            }
            case GELU_GATE: {
                Tensor out = own(owned, be.allocate(OpShapes.geluGate(x)));
                return new Prepared(op, () -> be.geluGate(out, x), out.size(), bytes(x, out), owned);
            }
            case BIAS_FREE_LAYER_NORM: {
                Tensor w = input("w", 1f, xs[1]);
                Tensor out = own(owned, be.allocate(xs));
                return new Prepared(op, () -> be.biasFreeLayerNorm(out, x, w, 1e-5f), 4.0 * x.size(),
                        bytes(x, w, out), owned);
            }
            case ATTENTION: {
                // x is qkv [B,T,3F]: F = heads * d features per token, scale 1/sqrt(d) as Stripformer's
                int heads = c.get("heads").asInt();
                int f = xs[2] / 3;
                float scale = (float) (1 / Math.sqrt((double) f / heads));
                Tensor out = own(owned, be.allocate(OpShapes.attention(x, heads, scale)));
                // q k^T and P v: 2 x (2 T^2 F) per sequence
                double flops = 4.0 * xs[0] * xs[1] * (double) xs[1] * f;
                return new Prepared(op, () -> be.attention(out, x, heads, scale), flops, bytes(x, out), owned);
            }
            case PERMUTE: {
                int[] dims = ints(c.get("dims"));
                Tensor out = own(owned, be.allocate(OpShapes.permute(x, dims)));
                return new Prepared(op, () -> be.permute(out, x, dims), 0, bytes(x, out), owned);
            }
            case DCT2D: {
                boolean inverse = c.path("inverse").asBoolean(false);
                Tensor out = own(owned, be.allocate(OpShapes.dct2d(x)));
                // the two products per plane: width side H x W x W, height side H x H x W multiply-adds
                double flops = 2.0 * xs[0] * xs[1] * ((double) xs[2] * xs[3] * xs[3] + (double) xs[2] * xs[2] * xs[3]);
                return new Prepared(op, () -> be.dct2d(out, x, inverse), flops, bytes(x, out), owned);
            }
            case WINDOW_CHANNEL_ATTENTION: {
                int heads = c.get("heads").asInt();
                int p = OpShapes.ATTENTION_WINDOW * OpShapes.ATTENTION_WINDOW;
                Tensor temperature = input("temperature", 0.3f, heads);
                Tensor w = input("w", 0.125f, p, p);
                Tensor b = input("b", 0.1f, p);
                Tensor out = own(owned, be.allocate(OpShapes.windowChannelAttention(x, temperature, w, b)));
                int ch = xs[1] / 3;
                int d = ch / heads;
                int ws = OpShapes.ATTENTION_WINDOW;
                double windows = (double) ((xs[2] + ws - 1) / ws) * ((xs[3] + ws - 1) / ws);
                // per window and head: q k^T and S v (2 x 2 d^2 64), the window MLP on v (2 d 64^2)
                double flops = xs[0] * windows * heads * (4.0 * d * d * p + 2.0 * d * p * p);
                return new Prepared(op, () -> be.windowChannelAttention(out, x, temperature, w, b), flops,
                        bytes(x, temperature, w, b, out), owned);
            }
            default:
                throw new IllegalArgumentException("GpuKernelBench has no setup for op " + op.id());
        }
    }

    /** alphas 1, 1.2, ... | betas_bar 0, 0.04, ... | time stamps T..1 (as in the CUDA parity test). */
    static float[] schedule(int steps) {
        float[] s = new float[3 * steps + 1];
        for (int i = 0; i <= steps; i++) {
            s[i] = 1f + 0.2f * i;
        }
        for (int i = 0; i < steps; i++) {
            s[steps + 1 + i] = 0.04f * i;
            s[2 * steps + 1 + i] = steps - i;
        }
        return s;
    }

    private static Tensor own(List<Tensor> owned, Tensor t) {
        owned.add(t);
        return t;
    }

    private static void write(Path out, ObjectNode root, List<Result> results) throws IOException {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode doc = root.deepCopy();
        ArrayNode arr = doc.putArray("results");
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("gpu_kernels.csv"),
                StandardCharsets.UTF_8))) {
            csv.println("name,op,version,default,median_ms,min_ms,samples,gflops,gbps,error");
            for (Result r : results) {
                ObjectNode o = arr.addObject();
                o.put("name", r.name());
                o.put("op", r.op());
                o.put("version", r.version());
                o.put("default", r.isDefault());
                putNumber(o, "median_ms", r.medianMs());
                putNumber(o, "min_ms", r.minMs());
                o.put("samples", r.n());
                putNumber(o, "gflops", r.gflops());
                putNumber(o, "gbps", r.gbps());
                if (r.error() != null) {
                    o.put("error", r.error());
                }
                csv.printf(Locale.ROOT, "\"%s\",%s,%d,%b,%.6f,%.6f,%d,%.3f,%.3f,\"%s\"%n", r.name(), r.op(), r.version(),
                        r.isDefault(), r.medianMs(), r.minMs(), r.n(), r.gflops(), r.gbps(),
                        r.error() == null ? "" : r.error().replace('"', '\''));
            }
        }
        m.writeValue(out.resolve("gpu_kernels.json").toFile(), doc);
    }

    private static void putNumber(ObjectNode o, String k, double v) {
        if (Double.isFinite(v)) {
            o.put(k, v);
        } else {
            o.putNull(k);
        }
    }
}
