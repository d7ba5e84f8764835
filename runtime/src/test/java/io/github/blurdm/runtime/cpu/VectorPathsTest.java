package io.github.blurdm.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.HostStorage;
import io.github.blurdm.runtime.OpShapes;
import io.github.blurdm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The Vector API fast paths ({@link Conv2dVector}, {@link ConvTranspose2dVector}, {@link LinearVector}, and
 * FFTformer's {@link PatchFftFilterVector}, {@link FsasAttentionVector}, {@link DepthwiseConv2dVector},
 * {@link GeluGateVector})
 * against the scalar reference loops: {@code new CpuBackend(2, true)} vs {@code new CpuBackend(2, false)}.
 * Inputs seeded uniform in [-1,1] (never zero); outputs pre-filled with NaN and followed by a NaN guard
 * region that must stay untouched; rel-L2 = ||a-b||/||b|| <= 1e-5 and no NaN. Every {@link Scratch} buffer
 * is NaN-filled when handed out, so a path that reads working memory it did not write fails here.
 */
class VectorPathsTest {
    private static final double TOL = 1e-5;
    private static final Activation[] ACTS = {Activation.NONE, Activation.RELU, Activation.leakyRelu(0.1f),
        Activation.GELU};
    private static final int GUARD = 37;

    private static CpuBackend vec;
    private static CpuBackend ref;
    private static double worst;
    private static String worstCase = "";

    @BeforeAll
    static void setUp() {
        vec = new CpuBackend(2, true);
        ref = new CpuBackend(2, false);
        Scratch.poison = true;
    }

    @AfterAll
    static void tearDown() {
        Scratch.poison = false;
        if (vec != null) {
            vec.close();
            ref.close();
        }
        System.out.println("VectorPathsTest: worst rel-L2 " + worst + " at " + worstCase);
    }

    private static Tensor random(Random rnd, int... shape) {
        float[] d = new float[(int) Tensor.checkedSize(shape)];
        for (int i = 0; i < d.length; i++) {
            float v;
            do {
                v = rnd.nextFloat() * 2f - 1f;
            } while (v == 0f);
            d[i] = v;
        }
        return Tensor.of(d, shape);
    }

    /** An output tensor over a NaN-filled array GUARD elements longer than its shape. */
    private static Tensor nanOut(int... shape) {
        float[] d = new float[(int) Tensor.checkedSize(shape) + GUARD];
        Arrays.fill(d, Float.NaN);
        return new Tensor(new HostStorage(d), shape);
    }

    private static void compare(String name, int[] outShape, BiConsumer<CpuBackend, Tensor> op) {
        compare(name, outShape, out -> op.accept(vec, out), op);
    }

    /** vecOp writes the fast path's result into its argument; refOp runs on the scalar backend. */
    private static void compare(String name, int[] outShape, Consumer<Tensor> vecOp,
                                BiConsumer<CpuBackend, Tensor> refOp) {
        assumeTrue(vec.usesVector(), "Vector API not available (" + VectorSupport.REASON + "); nothing to compare");
        Tensor a = nanOut(outShape);
        Tensor b = nanOut(outShape);
        vecOp.accept(a);
        refOp.accept(ref, b);
        float[] x = a.data();
        float[] y = b.data();
        int n = a.size();
        double diff = 0;
        double norm = 0;
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(x[i]) || Float.isNaN(y[i])) {
                if (bad.size() < 5) {
                    bad.add("[" + i + "] vector=" + x[i] + " scalar=" + y[i]);
                }
                diff = Double.NaN;
                continue;
            }
            double d = (double) x[i] - y[i];
            diff += d * d;
            norm += (double) y[i] * y[i];
        }
        for (int i = n; i < n + GUARD; i++) {
            assertTrue(Float.isNaN(x[i]), name + ": vector path wrote past the output at " + i);
        }
        double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
        if (!(rel <= TOL)) {
            for (int i = 0; i < n && bad.size() < 5; i++) {
                if (Math.abs(x[i] - y[i]) > 1e-5 * (1 + Math.abs(y[i]))) {
                    bad.add("[" + i + "] vector=" + x[i] + " scalar=" + y[i]);
                }
            }
        }
        synchronized (VectorPathsTest.class) {
            if (rel > worst) {
                worst = rel;
                worstCase = name;
            }
        }
        assertTrue(rel <= TOL, name + ": vector vs scalar rel-L2 " + rel + " > " + TOL + "; first mismatches "
                + bad);
    }

    // ---------------------------------------------------------------- conv2d

    /** n, cin, cout, h, w, kh, kw, strideH, strideW, padH, padW, dilation, groups. */
    private static final int[][] CONV = {
        {1, 32, 32, 33, 17, 3, 3, 1, 1, 1, 1, 1, 1},
        {2, 7, 5, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1},
        {1, 3, 20, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1},
        {1, 16, 36, 20, 64, 3, 3, 1, 1, 1, 1, 1, 1},
        {2, 33, 17, 9, 50, 3, 3, 1, 1, 1, 1, 1, 1},
        {1, 3, 32, 24, 40, 3, 3, 1, 1, 1, 1, 1, 1},
        {2, 33, 7, 7, 33, 1, 1, 1, 1, 0, 0, 1, 1},
        {1, 8, 12, 50, 50, 1, 1, 1, 1, 0, 0, 1, 1},
        {1, 20, 6, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1},
        {1, 40, 9, 31, 45, 1, 1, 1, 1, 0, 0, 1, 1},
        {1, 112, 6, 30, 41, 1, 1, 1, 1, 0, 0, 1, 1},
        {1, 16, 32, 33, 33, 3, 3, 2, 2, 1, 1, 1, 1},
        {2, 7, 9, 8, 50, 3, 3, 2, 2, 1, 1, 1, 1},
        {2, 33, 33, 17, 35, 3, 3, 1, 1, 1, 1, 1, 33},
        {1, 20, 20, 33, 7, 3, 3, 2, 2, 1, 1, 1, 20},
        {2, 12, 18, 13, 21, 5, 5, 1, 1, 2, 2, 1, 2},
        {1, 8, 8, 17, 40, 3, 3, 1, 1, 2, 2, 2, 1},
        {1, 3, 16, 33, 35, 7, 7, 1, 1, 3, 3, 1, 1},
        {1, 6, 10, 19, 23, 1, 3, 1, 1, 0, 1, 1, 1},
        {1, 9, 11, 15, 40, 3, 3, 1, 1, 0, 0, 1, 1},
        {2, 6, 8, 16, 33, 3, 3, 2, 1, 1, 0, 1, 1},
        {1, 5, 7, 9, 31, 2, 2, 3, 3, 0, 0, 1, 1},
        {1, 12, 12, 7, 7, 3, 3, 1, 1, 1, 1, 3, 4},
    };

    @TestFactory
    Stream<DynamicTest> conv2d() {
        List<DynamicTest> tests = new ArrayList<>();
        int seed = 1;
        for (int[] c : CONV) {
            for (Activation act : ACTS) {
                for (boolean withBias : new boolean[] {true, false}) {
                    tests.add(conv2dCase(c, act, withBias, seed++, null, false));
                }
            }
        }
        return tests.stream();
    }

    /**
     * Every register tile on every conv shape, whatever tile this machine's default is (8x3 is the
     * AVX-512 default, 4x2 the AVX2 one): the same cases with bias and ReLU, through a 2-thread pool.
     */
    @TestFactory
    Stream<DynamicTest> conv2dEveryTile() {
        List<DynamicTest> tests = new ArrayList<>();
        int seed = 500;
        for (ConvRowKernel.Tile tile : ConvRowKernel.Tile.values()) {
            for (int[] c : CONV) {
                tests.add(conv2dCase(c, Activation.RELU, true, seed++, tile, false));
            }
        }
        return tests.stream();
    }

    /**
     * n, cin, cout, h, w for {@link Conv2dWinograd}: heights 1-3 and not multiples of 4, widths below one
     * vector, several column segments (96 channels x 190), channel counts off the register tiles.
     */
    private static final int[][] WINOGRAD = {
        {1, 16, 16, 33, 17},
        {2, 3, 5, 7, 9},
        {1, 4, 17, 1, 1},
        {1, 5, 6, 2, 3},
        {1, 16, 32, 20, 300},
        {2, 33, 9, 9, 50},
        {1, 96, 32, 11, 190},
        {1, 64, 64, 6, 6},
        {1, 8, 13, 30, 129},
        {1, 32, 8, 5, 700},
    };

    /**
     * {@link Conv2dWinograd} (3x3, stride 1, pad 1) called directly with every register tile, every
     * activation, with and without bias, whatever its channel threshold, against the scalar backend.
     */
    @TestFactory
    Stream<DynamicTest> conv2dWinograd() {
        List<DynamicTest> tests = new ArrayList<>();
        int seed = 900;
        for (ConvRowKernel.Tile tile : ConvRowKernel.Tile.values()) {
            for (int[] c : WINOGRAD) {
                int[] conv = {c[0], c[1], c[2], c[3], c[4], 3, 3, 1, 1, 1, 1, 1, 1};
                for (Activation act : ACTS) {
                    tests.add(conv2dCase(conv, act, seed % 2 == 0, seed++, tile, true));
                }
            }
        }
        return tests.stream();
    }

    /**
     * One CONV row on seeded inputs: the vector path (the backend's default when {@code tile} is null,
     * else {@link Conv2dVector}, or {@link Conv2dWinograd} when {@code winograd}, with that tile) against
     * the scalar backend.
     */
    private static DynamicTest conv2dCase(int[] c, Activation act, boolean withBias, int seed,
                                          ConvRowKernel.Tile tile, boolean winograd) {
        Conv2dParams p = new Conv2dParams(c[7], c[8], c[9], c[10], c[11], c[11], c[12], act);
        String name = (winograd ? "WINOGRAD" : "CONV2D") + (tile == null ? "" : " tile " + tile + " ") + "(x=[" + c[0] + "," + c[1] + ","
                + c[3] + "," + c[4] + "],w=[" + c[2] + "," + c[1] / c[12] + "," + c[5] + "," + c[6] + "]," + p
                + ",bias=" + withBias + ")";
        return DynamicTest.dynamicTest(name, () -> {
            Random rnd = new Random(seed);
            Tensor x = random(rnd, c[0], c[1], c[3], c[4]);
            Tensor w = random(rnd, c[2], c[1] / c[12], c[5], c[6]);
            Tensor b = withBias ? random(rnd, c[2]) : null;
            int[] shape = OpShapes.conv2d(x, w, b, p);
            BiConsumer<CpuBackend, Tensor> op = (be, out) -> be.conv2d(out, x, w, b, p);
            if (tile == null) {
                compare(name, shape, op);
                return;
            }
            try (Parallel par = new Parallel(2)) {
                compare(name, shape, out -> {
                    if (winograd) {
                        Conv2dWinograd.forward(par, out, x, w, b, p, tile);
                    } else {
                        Conv2dVector.forward(par, out, x, w, b, p, tile);
                    }
                }, op);
            }
        });
    }

    // ---------------------------------------------------------------- conv_transpose2d

    /** n, cin, cout, h, w, kh, kw, stride, pad, outPad, dilation, groups. */
    private static final int[][] CONVT = {
        {1, 32, 16, 16, 16, 4, 4, 2, 1, 0, 1, 1},
        {2, 7, 5, 9, 33, 4, 4, 2, 1, 0, 1, 1},
        {1, 3, 6, 1, 1, 4, 4, 2, 1, 0, 1, 1},
        {1, 8, 12, 7, 9, 4, 4, 2, 1, 0, 1, 2},
        {1, 6, 9, 7, 5, 3, 3, 2, 1, 1, 1, 3},
        {2, 5, 4, 6, 17, 2, 2, 2, 0, 0, 1, 1},
        {1, 9, 7, 11, 13, 3, 3, 1, 1, 0, 1, 1},
        {1, 4, 6, 8, 8, 3, 3, 1, 0, 0, 2, 1},
        {1, 4, 5, 6, 7, 5, 5, 3, 2, 2, 1, 1},
        {1, 6, 6, 10, 10, 4, 4, 2, 1, 0, 1, 6},
        {1, 17, 33, 12, 20, 4, 4, 2, 1, 0, 1, 1},
    };

    @TestFactory
    Stream<DynamicTest> convTranspose2d() {
        List<DynamicTest> tests = new ArrayList<>();
        int seed = 1000;
        for (int[] c : CONVT) {
            for (Activation act : ACTS) {
                for (boolean withBias : new boolean[] {true, false}) {
                    tests.add(convTranspose2dCase(c, act, withBias, seed++, null));
                }
            }
        }
        return tests.stream();
    }

    /** Every register tile on every transposed-conv shape (bias, ReLU). */
    @TestFactory
    Stream<DynamicTest> convTranspose2dEveryTile() {
        List<DynamicTest> tests = new ArrayList<>();
        int seed = 1500;
        for (ConvRowKernel.Tile tile : ConvRowKernel.Tile.values()) {
            for (int[] c : CONVT) {
                tests.add(convTranspose2dCase(c, Activation.RELU, true, seed++, tile));
            }
        }
        return tests.stream();
    }

    /** One CONVT row on seeded inputs, like {@link #conv2dCase}. */
    private static DynamicTest convTranspose2dCase(int[] c, Activation act, boolean withBias, int seed,
                                                   ConvRowKernel.Tile tile) {
        ConvTranspose2dParams p = new ConvTranspose2dParams(c[7], c[7], c[8], c[8], c[9], c[9], c[10], c[10], c[11],
                act);
        String name = "CONV_TRANSPOSE2D" + (tile == null ? "" : " tile " + tile + " ") + "(x=[" + c[0] + "," + c[1]
                + "," + c[3] + "," + c[4] + "],w=[" + c[1] + "," + c[2] / c[11] + "," + c[5] + "," + c[6] + "]," + p
                + ",bias=" + withBias + ")";
        return DynamicTest.dynamicTest(name, () -> {
            Random rnd = new Random(seed);
            Tensor x = random(rnd, c[0], c[1], c[3], c[4]);
            Tensor w = random(rnd, c[1], c[2] / c[11], c[5], c[6]);
            Tensor b = withBias ? random(rnd, c[2]) : null;
            int[] shape = OpShapes.convTranspose2d(x, w, b, p);
            BiConsumer<CpuBackend, Tensor> op = (be, out) -> be.convTranspose2d(out, x, w, b, p);
            if (tile == null) {
                compare(name, shape, op);
                return;
            }
            try (Parallel par = new Parallel(2)) {
                compare(name, shape, out -> ConvTranspose2dVector.forward(par, out, x, w, b, p, tile), op);
            }
        });
    }

    // ---------------------------------------------------------------- linear

    /** x shape..., nOut (x's last dim is K). */
    private static final int[][] LINEAR = {
        {1, 513, 256},
        {1, 256, 256},
        {1, 256, 66},
        {7, 33, 17},
        {2, 3, 33, 5},
        {5, 1, 7},
        {1, 7, 1},
        {64, 256, 256},
        {33, 513, 31},
    };

    @TestFactory
    Stream<DynamicTest> linear() {
        List<DynamicTest> tests = new ArrayList<>();
        int seed = 2000;
        for (int[] c : LINEAR) {
            int[] xShape = Arrays.copyOf(c, c.length - 1);
            int k = c[c.length - 2];
            int nOut = c[c.length - 1];
            for (Activation act : ACTS) {
                for (boolean withBias : new boolean[] {true, false}) {
                    int s = seed++;
                    String name = "LINEAR(x=" + Arrays.toString(xShape) + ",w=[" + nOut + "," + k + "],act=" + act
                            + ",bias=" + withBias + ")";
                    tests.add(DynamicTest.dynamicTest(name, () -> {
                        Random rnd = new Random(s);
                        Tensor x = random(rnd, xShape);
                        Tensor w = random(rnd, nOut, k);
                        Tensor b = withBias ? random(rnd, nOut) : null;
                        compare(name, OpShapes.linear(x, w, b), (be, out) -> be.linear(out, x, w, b, act));
                    }));
                }
            }
        }
        return tests.stream();
    }

    // ---------------------------------------------------------------- attention

    /** batch, tokens, heads, head size: both of AttentionVector's loops, tails of every length, batches. */
    private static final int[][] ATTENTION = {
        {3, 7, 2, 32},
        {1, 1, 1, 8},
        {2, 33, 3, 16},
        {1, 37, 1, 5},
        {1, 129, 2, 32},
        {2, 4, 1, 128},
        {1, 6, 2, 129},
        {2, 9, 3, 32 * 11},
        {1, 3, 1, 1000},
    };

    @TestFactory
    Stream<DynamicTest> attention() {
        List<DynamicTest> tests = new ArrayList<>();
        int seed = 3000;
        for (int[] c : ATTENTION) {
            int s = seed++;
            String name = "ATTENTION(qkv=[" + c[0] + "," + c[1] + "," + 3 * c[2] * c[3] + "],heads=" + c[2] + ")";
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Tensor qkv = random(new Random(s), c[0], c[1], 3 * c[2] * c[3]);
                float scale = (float) (1 / Math.sqrt(c[3]));
                compare(name, OpShapes.attention(qkv, c[2], scale), (be, out) -> be.attention(out, qkv, c[2], scale));
            }));
        }
        return tests.stream();
    }

    // ---------------------------------------------------------------- FFTformer
    // Widths reach whole vectors of patch rows (16 or 8 lanes) and the tail the reference takes (W % 16 = 8);
    // channel counts off 4/8; batch 2; FFTformer's own widths.

    private static final int[][] PATCH_MAPS = {{1, 3, 8, 16}, {2, 5, 16, 40}, {1, 17, 24, 32}, {1, 1, 8, 8},
        {1, 48, 16, 72}, {2, 7, 8, 120}};

    @TestFactory
    Stream<DynamicTest> patchOps() {
        List<DynamicTest> tests = new ArrayList<>();
        int seed = 5000;
        for (int[] x : PATCH_MAPS) {
            Random rnd = new Random(seed++);
            Tensor in = random(rnd, x);
            Tensor filter = random(rnd, x[1], 8, 5);
            tests.add(DynamicTest.dynamicTest("PATCH_FFT_FILTER(x=" + Arrays.toString(x) + ")", () ->
                    compare("patch_fft_filter " + Arrays.toString(x), x, (b, out) -> b.patchFftFilter(out, in, filter))));
            Tensor q = random(rnd, x);
            Tensor k = random(rnd, x);
            Tensor v = random(rnd, x);
            Tensor w = random(rnd, x[1]);
            Tensor bias = random(rnd, x[1]);
            tests.add(DynamicTest.dynamicTest("FSAS_ATTENTION(q=k=v=" + Arrays.toString(x) + ")", () ->
                    compare("fsas_attention " + Arrays.toString(x), x, (b, out) -> b.fsasAttention(out, q, k, v, w, bias,
                            1e-5f))));
            tests.add(DynamicTest.dynamicTest("FSAS_ATTENTION(q=k=v=" + Arrays.toString(x) + ",no affine)", () ->
                    compare("fsas_attention no affine " + Arrays.toString(x), x, (b, out) -> b.fsasAttention(out, q, k,
                            v, null, null, 1e-5f))));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> depthwiseAndGate() {
        List<DynamicTest> tests = new ArrayList<>();
        int seed = 6000;
        for (int[] x : new int[][] {{1, 5, 7, 9}, {2, 17, 13, 40}, {1, 3, 1, 1}, {1, 4, 1, 37}, {1, 6, 29, 1},
            {1, 96, 16, 48}}) {
            for (int k : new int[] {1, 3, 5}) {
                for (boolean withBias : new boolean[] {true, false}) {
                    Random rnd = new Random(seed++);
                    Tensor in = random(rnd, x);
                    Tensor w = random(rnd, x[1], 1, k, k);
                    Tensor bias = withBias ? random(rnd, x[1]) : null;
                    tests.add(DynamicTest.dynamicTest("DEPTHWISE_CONV2D(x=" + Arrays.toString(x) + ",k=" + k
                            + (withBias ? "" : ",no bias") + ")", () -> compare("depthwise_conv2d " + Arrays.toString(x)
                            + " k" + k, x, (b, out) -> b.depthwiseConv2d(out, in, w, bias))));
                }
            }
            Random rnd = new Random(seed++);
            int[] wide = {x[0], 2 * x[1], x[2], x[3]};
            Tensor g = random(rnd, wide);
            for (int i = 0; i < g.size(); i += 7) {
                g.data()[i] *= 6f;   // GELU's tails too
            }
            tests.add(DynamicTest.dynamicTest("GELU_GATE(x=" + Arrays.toString(wide) + ")", () ->
                    compare("gelu_gate " + Arrays.toString(wide), x, (b, out) -> b.geluGate(out, g))));
        }
        return tests.stream();
    }
}
