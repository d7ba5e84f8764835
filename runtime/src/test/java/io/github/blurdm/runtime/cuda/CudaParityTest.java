package io.github.blurdm.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.OpShapes;
import io.github.blurdm.runtime.PriorSamplerParams;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every op, every kernel version, on the GPU against the CPU backend: seeded inputs uniform in
 * [-1,1], outputs poisoned with NaN and followed by a NaN guard region that must stay untouched,
 * rel-L2 <= 1e-5 (conv2d v3, TF32: <= 2e-3). Where no GPU is usable the same cases run on the
 * emulated device ({@link CudaBackend#emulated()}), so every kernel runs in every build; never
 * skipped. {@code -Dblurdm.test.cuda=emulated} forces the emulator on a GPU machine too.
 */
class CudaParityTest {
    static final double TOL = 1e-5;
    static final double TOL_TF32 = 2e-3;
    static final int GUARD = 37;

    static CudaBackend gpu;
    static CpuBackend cpu;

    @BeforeAll
    static void setUp() {
        gpu = testDevice("CudaParityTest");
        cpu = new CpuBackend(2, false);
        System.out.println("[CudaParityTest] on " + gpu.deviceInfo() + ", " + gpu.kernelCacheStats());
    }

    @AfterAll
    static void tearDown() {
        if (gpu != null) {
            System.out.println("[CudaParityTest] " + gpu.memoryStats() + "; " + gpu.kernelCacheStats());
            gpu.close();
            cpu.close();
        }
    }

    /** A real GPU when CUDA is usable (unless -Dblurdm.test.cuda=emulated), else the emulated device. */
    static CudaBackend testDevice(String who) {
        boolean real = CudaSupport.usable() && !"emulated".equals(System.getProperty("blurdm.test.cuda"));
        if (!real) {
            System.out.println("[" + who + "] on the emulated device (" + (CudaSupport.usable() ? "forced"
                    : "CUDA is not usable here: " + CudaSupport.status().reason()) + ")");
        }
        return real ? new CudaBackend(0) : CudaBackend.emulated();
    }

    static void requireGpu() {
        assertTrue(gpu != null, "no CUDA device, real or emulated");
    }

    interface Run {
        void run(Backend b, Tensor out, Tensor[] in);
    }

    record Case(Op op, String name, int[] outShape, Tensor[] inputs, Run run) {
    }

    static Tensor rand(Random r, int... shape) {
        float[] d = new float[(int) Tensor.checkedSize(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat() * 2f - 1f;
        }
        return Tensor.of(d, shape);
    }

    static Tensor positive(Random r, int... shape) {
        Tensor t = rand(r, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = 0.5f + Math.abs(d[i]);
        }
        return t;
    }

    static List<Case> cases() {
        Random r = new Random(1234);
        List<Case> cs = new ArrayList<>();
        // conv2d
        Object[][] convs = {
            {new int[] {2, 5, 17, 13}, new int[] {7, 5, 3, 3}, true, Conv2dParams.of(1, 1).withActivation(Activation.RELU)},
            {new int[] {1, 16, 9, 11}, new int[] {32, 16, 1, 1}, false, Conv2dParams.of(1, 0)},
            {new int[] {1, 6, 15, 15}, new int[] {6, 3, 3, 3}, true,
                Conv2dParams.of(2, 1).withGroups(2).withActivation(Activation.leakyRelu(0.1f))},
            {new int[] {1, 3, 33, 33}, new int[] {64, 3, 3, 3}, true, Conv2dParams.of(1, 1).withActivation(Activation.GELU)},
            {new int[] {1, 4, 12, 12}, new int[] {5, 4, 3, 3}, true, Conv2dParams.of(1, 2).withDilation(2)},
            {new int[] {1, 64, 16, 16}, new int[] {3, 64, 3, 3}, true, Conv2dParams.of(1, 1)},
            {new int[] {2, 3, 11, 10}, new int[] {8, 3, 5, 5}, true, Conv2dParams.of(2, 2)},
            {new int[] {1, 128, 8, 8}, new int[] {128, 128, 3, 3}, true, Conv2dParams.of(1, 1).withActivation(Activation.RELU)},
        };
        for (Object[] c : convs) {
            Tensor x = rand(r, (int[]) c[0]);
            Tensor w = rand(r, (int[]) c[1]);
            Tensor b = (Boolean) c[2] ? rand(r, ((int[]) c[1])[0]) : null;
            Conv2dParams p = (Conv2dParams) c[3];
            cs.add(new Case(Op.CONV2D, "x=" + Arrays.toString(x.shape()) + ",w=" + Arrays.toString(w.shape()) + "," + p,
                    OpShapes.conv2d(x, w, b, p), new Tensor[] {x, w, b}, (be, o, in) -> be.conv2d(o, in[0], in[1], in[2], p)));
        }
        // conv_transpose2d
        Object[][] convts = {
            {new int[] {1, 8, 7, 9}, new int[] {8, 4, 4, 4}, true, ConvTranspose2dParams.of(2, 1).withActivation(Activation.RELU)},
            {new int[] {2, 6, 5, 5}, new int[] {6, 2, 4, 4}, true, ConvTranspose2dParams.of(2, 1).withGroups(3)},
            {new int[] {1, 4, 6, 7}, new int[] {4, 3, 3, 3}, false, ConvTranspose2dParams.of(2, 1).withOutputPadding(1, 1)},
            {new int[] {1, 4, 6, 7}, new int[] {4, 3, 3, 3}, true, ConvTranspose2dParams.of(1, 1).withDilation(2)},
        };
        for (Object[] c : convts) {
            Tensor x = rand(r, (int[]) c[0]);
            Tensor w = rand(r, (int[]) c[1]);
            ConvTranspose2dParams p = (ConvTranspose2dParams) c[3];
            Tensor b = (Boolean) c[2] ? rand(r, ((int[]) c[1])[1] * p.groups()) : null;
            cs.add(new Case(Op.CONV_TRANSPOSE2D, "x=" + Arrays.toString(x.shape()) + ",w=" + Arrays.toString(w.shape()) + ","
                    + p, OpShapes.convTranspose2d(x, w, b, p), new Tensor[] {x, w, b},
                    (be, o, in) -> be.convTranspose2d(o, in[0], in[1], in[2], p)));
        }
        for (int[] s : new int[][] {{1}, {7}, {3, 5, 37}, {2, 64, 33, 17}}) {
            Tensor x = rand(r, s);
            String n = "x=" + Arrays.toString(s);
            cs.add(new Case(Op.RELU, n, s, new Tensor[] {x}, (be, o, in) -> be.relu(o, in[0])));
            cs.add(new Case(Op.LEAKY_RELU, n, s, new Tensor[] {x}, (be, o, in) -> be.leakyRelu(o, in[0], 0.2f)));
            cs.add(new Case(Op.GELU, n, s, new Tensor[] {rand(r, s)}, (be, o, in) -> be.gelu(o, in[0])));
            cs.add(new Case(Op.ADD, n, s, new Tensor[] {x, rand(r, s)}, (be, o, in) -> be.add(o, in[0], in[1])));
            cs.add(new Case(Op.MUL, n, s, new Tensor[] {x, rand(r, s)}, (be, o, in) -> be.mul(o, in[0], in[1])));
        }
        for (int[] s : new int[][] {{2, 3, 5, 7}, {1, 33, 1, 1}, {3, 4}}) {
            cs.add(new Case(Op.CHANNEL_AFFINE, "x=" + Arrays.toString(s), s,
                    new Tensor[] {rand(r, s), rand(r, s[0], s[1]), rand(r, s[0], s[1])},
                    (be, o, in) -> be.channelAffine(o, in[0], in[1], in[2])));
        }
        cs.add(new Case(Op.CONCAT, "[2,3,5,7]+[2,4,5,7]+[2,1,5,7]", new int[] {2, 8, 5, 7},
                new Tensor[] {rand(r, 2, 3, 5, 7), rand(r, 2, 4, 5, 7), rand(r, 2, 1, 5, 7)},
                (be, o, in) -> be.concat(o, in)));
        cs.add(new Case(Op.SLICE_CHANNELS, "x=[2,9,5,7],start=2,count=4", new int[] {2, 4, 5, 7},
                new Tensor[] {rand(r, 2, 9, 5, 7)}, (be, o, in) -> be.sliceChannels(o, in[0], 2)));
        cs.add(new Case(Op.DOWNSAMPLE_NEAREST2, "x=[2,3,9,7]", new int[] {2, 3, 4, 3},
                new Tensor[] {rand(r, 2, 3, 9, 7)}, (be, o, in) -> be.downsampleNearest2(o, in[0])));
        cs.add(new Case(Op.UPSAMPLE_NEAREST2, "x=[1,3,5,7]", new int[] {1, 3, 10, 14},
                new Tensor[] {rand(r, 1, 3, 5, 7)}, (be, o, in) -> be.upsampleNearest2(o, in[0])));
        cs.add(new Case(Op.RESIZE_BILINEAR, "x=[1,2,7,9]->[13,5]", new int[] {1, 2, 13, 5},
                new Tensor[] {rand(r, 1, 2, 7, 9)}, (be, o, in) -> be.resizeBilinear(o, in[0],
                        OpShapes.bilinearRatio(7, 13, 0), OpShapes.bilinearRatio(9, 5, 0))));
        cs.add(new Case(Op.RESIZE_BILINEAR, "x=[2,3,16,12],scale=0.5", new int[] {2, 3, 8, 6},
                new Tensor[] {rand(r, 2, 3, 16, 12)}, (be, o, in) -> be.resizeBilinear(o, in[0], 2f, 2f)));
        cs.add(new Case(Op.PIXEL_UNSHUFFLE, "x=[1,3,8,6],r=2", new int[] {1, 12, 4, 3},
                new Tensor[] {rand(r, 1, 3, 8, 6)}, (be, o, in) -> be.pixelUnshuffle(o, in[0], 2)));
        cs.add(new Case(Op.PIXEL_SHUFFLE, "x=[1,12,3,5],r=2", new int[] {1, 3, 6, 10},
                new Tensor[] {rand(r, 1, 12, 3, 5)}, (be, o, in) -> be.pixelShuffle(o, in[0], 2)));
        cs.add(new Case(Op.REFLECT_PAD, "x=[2,3,7,9],pad=(1,2,3,1)", new int[] {2, 3, 10, 13},
                new Tensor[] {rand(r, 2, 3, 7, 9)}, (be, o, in) -> be.reflectPad(o, in[0], 1, 2, 3, 1)));
        cs.add(new Case(Op.REFLECT_PAD, "x=[4,5,6],pad=(4,0,0,5)", new int[] {4, 9, 11},
                new Tensor[] {rand(r, 4, 5, 6)}, (be, o, in) -> be.reflectPad(o, in[0], 4, 0, 0, 5)));
        cs.add(new Case(Op.GLOBAL_AVG_POOL, "x=[2,33,7,9]", new int[] {2, 33},
                new Tensor[] {rand(r, 2, 33, 7, 9)}, (be, o, in) -> be.globalAvgPool(o, in[0])));
        cs.add(new Case(Op.GLOBAL_AVG_POOL, "x=[1,4,64,64]", new int[] {1, 4},
                new Tensor[] {rand(r, 1, 4, 64, 64)}, (be, o, in) -> be.globalAvgPool(o, in[0])));
        cs.add(new Case(Op.LINEAR, "x=[3,37],w=[19,37],gelu", new int[] {3, 19},
                new Tensor[] {rand(r, 3, 37), rand(r, 19, 37), rand(r, 19)},
                (be, o, in) -> be.linear(o, in[0], in[1], in[2], Activation.GELU)));
        cs.add(new Case(Op.LINEAR, "x=[1,256],w=[64,256]", new int[] {1, 64},
                new Tensor[] {rand(r, 1, 256), rand(r, 64, 256), null},
                (be, o, in) -> be.linear(o, in[0], in[1], in[2], Activation.NONE)));
        cs.add(new Case(Op.LINEAR, "x=[2,5,33],w=[7,33],leaky", new int[] {2, 5, 7},
                new Tensor[] {rand(r, 2, 5, 33), rand(r, 7, 33), rand(r, 7)},
                (be, o, in) -> be.linear(o, in[0], in[1], in[2], Activation.leakyRelu(0.01f))));
        cs.add(new Case(Op.LAYER_NORM, "x=[2,33,7,9]", new int[] {2, 33, 7, 9},
                new Tensor[] {rand(r, 2, 33, 7, 9), positive(r, 33), rand(r, 33)},
                (be, o, in) -> be.layerNorm(o, in[0], in[1], in[2], 1e-5f)));
        cs.add(new Case(Op.LAYER_NORM, "x=[5,48],no affine", new int[] {5, 48},
                new Tensor[] {rand(r, 5, 48), null, null}, (be, o, in) -> be.layerNorm(o, in[0], in[1], in[2], 1e-6f)));
        cs.add(new Case(Op.SOFTMAX, "x=[3,7,33]", new int[] {3, 7, 33},
                new Tensor[] {rand(r, 3, 7, 33)}, (be, o, in) -> be.softmax(o, in[0])));
        cs.add(new Case(Op.SOFTMAX, "x=[2,1000]", new int[] {2, 1000},
                new Tensor[] {rand(r, 2, 1000)}, (be, o, in) -> be.softmax(o, in[0])));
        for (boolean given : new boolean[] {true, false}) {
            PriorSamplerParams p = new PriorSamplerParams(40, 2, 5, 2023, 3);
            Tensor nm = rand(r, (int) p.packedSize());
            Tensor lm = rand(r, (int) p.packedSize());
            for (Tensor t : new Tensor[] {nm, lm}) {
                float[] d = t.data();
                for (int i = 0; i < d.length; i++) {
                    d[i] *= 0.2f;
                }
            }
            float[] sched = new float[p.scheduleSize()];
            for (int i = 0; i <= 5; i++) {
                sched[i] = 1f + 0.2f * i;                    // alphas
            }
            for (int i = 0; i < 5; i++) {
                sched[6 + i] = 0.04f * i;                    // betas_bar
                sched[11 + i] = 5 - i;                       // time stamps 5..1
            }
            cs.add(new Case(Op.PRIOR_SAMPLER, "cond=[3,40]," + p + (given ? ",noise given" : ",philox"),
                    new int[] {3, 40}, new Tensor[] {rand(r, 3, 40), given ? rand(r, 3, 40) : null, nm, lm,
                        Tensor.of(sched, sched.length)},
                    (be, o, in) -> be.priorSampler(o, in[0], in[1], in[2], in[3], in[4], p)));
        }
        return cs;
    }

    @Test
    void everyOpHasCases() {
        Set<Op> seen = EnumSet.noneOf(Op.class);
        for (Case c : cases()) {
            seen.add(c.op());
        }
        assertEquals(EnumSet.allOf(Op.class), seen, "ops without a CUDA parity case");
    }

    @TestFactory
    Stream<DynamicTest> everyOpEveryVersionMatchesCpu() {
        return cases().stream().flatMap(c -> {
            int versions = KernelVersion.versions(c.op());
            List<DynamicTest> ts = new ArrayList<>();
            for (int v = 1; v <= versions; v++) {
                int version = v;
                String name = c.op().name() + "(" + c.name() + ",v=" + v + ")";
                ts.add(DynamicTest.dynamicTest(name, () -> runCase(c, version, name)));
            }
            return ts.stream();
        });
    }

    private static void runCase(Case c, int version, String name) {
        requireGpu();
        Tensor want = Tensor.zeros(c.outShape());
        c.run().run(cpu, want, c.inputs());

        Tensor[] dev = new Tensor[c.inputs().length];
        for (int i = 0; i < dev.length; i++) {
            dev[i] = c.inputs()[i] == null ? null : gpu.upload(c.inputs()[i]);
        }
        int n = want.size();
        Tensor whole = gpu.allocate(n + GUARD);
        gpu.fill(whole, Float.NaN);
        Tensor out = new Tensor(whole.storage(), c.outShape());
        gpu.useVersion(c.op(), version);
        try {
            c.run().run(gpu, out, dev);
        } finally {
            gpu.useVersion(c.op(), 0);
        }
        float[] got = gpu.download(whole).data();
        for (int i = n; i < n + GUARD; i++) {
            if (!Float.isNaN(got[i])) {
                fail(name + ": cuda wrote past the output (guard element " + (i - n) + " = " + got[i] + ")");
            }
        }
        double tol = c.op() == Op.CONV2D && version == 3 ? TOL_TF32 : TOL;
        compare(name, want.data(), Arrays.copyOf(got, n), tol);
        whole.close();
        for (Tensor t : dev) {
            if (t != null) {
                t.close();
            }
        }
    }

    static void compare(String name, float[] want, float[] got, double tol) {
        double num = 0;
        double den = 0;
        StringBuilder bad = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < want.length; i++) {
            double d = (double) got[i] - want[i];
            num += d * d;
            den += (double) want[i] * want[i];
            boolean off = Float.isNaN(got[i]) || Math.abs(d) > 1e-4 * Math.max(1, Math.abs(want[i]));
            if (off && shown < 5) {
                bad.append(String.format(" [%d] cuda %s cpu %s;", i, got[i], want[i]));
                shown++;
            }
        }
        double rel = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
        boolean nan = Double.isNaN(rel);
        assertTrue(!nan && rel <= tol, name + ": cuda vs cpu rel-L2 " + rel + " > " + tol + "; first mismatches:" + bad);
    }

    /** 1,000 forward calls allocate from the pool, not the driver, and leak nothing. */
    @Test
    void allocatorReusesAndDoesNotLeak() {
        requireGpu();
        Random r = new Random(7);
        Tensor x = gpu.upload(rand(r, 1, 16, 32, 32));
        Tensor w = gpu.upload(rand(r, 16, 16, 3, 3));
        DeviceAllocator.Stats before = gpu.memoryStats();
        for (int i = 0; i < 1000; i++) {
            Tensor y = gpu.allocate(1, 16, 32, 32);
            gpu.conv2d(y, x, w, null, Conv2dParams.of(1, 1));
            Tensor z = gpu.allocate(1, 16, 32, 32);
            gpu.relu(z, y);
            y.close();
            z.close();
        }
        gpu.synchronize();
        DeviceAllocator.Stats after = gpu.memoryStats();
        System.out.println("[CudaParityTest] allocator before " + before + " after " + after);
        assertEquals(before.liveBlocks(), after.liveBlocks(), "live blocks after 1,000 forward calls");
        assertTrue(after.driverAllocs() - before.driverAllocs() <= 2, "cuMemAlloc calls in the loop: "
                + (after.driverAllocs() - before.driverAllocs()));
        x.close();
        w.close();
    }
}
