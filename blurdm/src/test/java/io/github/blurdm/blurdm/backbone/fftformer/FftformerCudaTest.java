package io.github.blurdm.blurdm.backbone.fftformer;

import static io.github.blurdm.blurdm.backbone.fftformer.FftformerParityTest.FFTFORMER;
import static io.github.blurdm.blurdm.backbone.fftformer.FftformerParityTest.fixture;
import static io.github.blurdm.blurdm.backbone.fftformer.FftformerParityTest.relL2;
import static io.github.blurdm.blurdm.backbone.fftformer.FftformerParityTest.tensor;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.backbone.fftformer.FftformerParityTest.Loaded;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.runtime.cuda.CudaBackend;
import io.github.blurdm.runtime.cuda.CudaSupport;
import io.github.blurdm.weights.SafetensorsFile;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * FFTformer through the CUDA backend against the CPU backend, on a GPU where one is usable, else on the
 * emulated device, so the whole chain of FFTformer kernels (patch filter, FSAS, depthwise, GELU gate, both
 * LayerNorms, the prior's) runs in every build: the reduced network with the prior from a BlurDM stage-3
 * checkpoint and the reduced original release, on the fixtures' 21x45 image (padded to 32x64), and a mid-size
 * network with biases whose DFFNs run in slices on the device only. Prior and residual (output minus input)
 * rel-L2 <= 1e-5 in exact fp32.
 */
class FftformerCudaTest {
    private static final double TOL = 1e-5;
    private static final String CASE = "c0";

    private static CudaBackend device() {
        boolean real = CudaSupport.usable() && !"emulated".equals(System.getProperty("blurdm.test.cuda"));
        return real ? new CudaBackend(0) : CudaBackend.emulated();
    }

    /**
     * A mid-size FFTformer no fixture holds, compared only between backends: dim 8, blocks [1, 1, 2], 1 refinement
     * block, factor 3 (hidden 24, 48, 96; Fuse 42, 85: slices of 8 leave remainders), biases everywhere, the prior
     * as a seeded [1, 16] vector into the kv layers; weights generated from the names.
     */
    static final FftformerConfig MID = new FftformerConfig(8, new int[] {1, 1, 2}, new int[] {1, 1, 2}, 1,
            new int[] {24, 48, 96}, new int[] {42, 85}, true, true, 16, true);

    /**
     * {prior or null, network output} of {@code model} on {@code b}, downloaded: "prior" or "original" (the
     * reduced files, case c0's image and noise), "mid" ({@link #MID} on case c0's image, a seeded prior).
     */
    private static float[][] run(Backend b, String model) throws Exception {
        boolean mid = model.equals("mid");
        Loaded m;
        if (mid) {
            Fftformer net = new Fftformer(MID);
            GeneratedWeights.fill(net, b);
            m = new Loaded(net, null);
        } else {
            m = model.equals("prior") ? FftformerParityTest.loadStage3(b) : FftformerParityTest.loadOriginal(b);
        }
        try (SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            String id = (mid ? "prior" : model) + "/" + CASE;
            Ops ops = new Ops(b);
            Tensor x = b.upload(FFTFORMER.pad(FFTFORMER.normalise(tensor(f, id + "/image"))));
            Tensor prior = null;
            if (mid) {
                Random r = new Random(7);
                float[] p = new float[MID.latent()];
                for (int i = 0; i < p.length; i++) {
                    p[i] = r.nextFloat() * 2 - 1;
                }
                prior = b.upload(Tensor.of(p, 1, p.length));
            } else if (m.dm() != null) {
                Tensor noise = b.upload(tensor(f, id + "/noise"));
                prior = m.dm().sample(ops, x, LatentExposureDiffusion.Noise.of(noise), null);
            }
            Tensor out = m.net().forward(ops, x, prior);
            // the residual, out - x: the input image it adds would hide the network's own part
            float[] res = b.download(out).data();
            float[] in = b.download(x).data();
            for (int i = 0; i < res.length; i++) {
                res[i] -= in[i];
            }
            return new float[][] {prior == null || mid ? null : b.download(prior).data(), res};
        }
    }

    /** The CPU's result (DFFN unsliced) against the device's, DFFN in slices of 8 channel pairs when sliced. */
    private static void compare(String model, boolean sliced) throws Exception {
        float[][] want;
        try (CpuBackend cpu = new CpuBackend(2, true)) {
            want = run(cpu, model);
        }
        long saved = FftformerBlocks.sliceBytes;
        try (CudaBackend gpu = device()) {
            long t0 = System.nanoTime();
            FftformerBlocks.sliceBytes = sliced ? 1 : saved;
            float[][] got = run(gpu, model);
            double eo = relL2(got[1], want[1]);
            double ep = want[0] == null ? 0 : relL2(got[0], want[0]);
            System.out.printf("[FftformerCudaTest] %s%s on %s: %sresidual rel-L2 %.3g (%.1f s)%n", model,
                    sliced ? " (DFFN sliced)" : "", gpu.name(), want[0] == null ? "" : String.format("prior rel-L2 %.3g, ", ep),
                    eo, (System.nanoTime() - t0) / 1e9);
            assertTrue(ep <= TOL, model + " prior rel-L2 " + ep + " > " + TOL + " on " + gpu.name());
            assertTrue(eo <= TOL, model + " residual rel-L2 " + eo + " > " + TOL + " on " + gpu.name());
        } finally {
            FftformerBlocks.sliceBytes = saved;
        }
    }

    @Test
    void withThePriorMatchesTheCpu() throws Exception {
        compare("prior", false);
    }

    @Test
    void originalReleaseMatchesTheCpu() throws Exception {
        compare("original", false);
    }

    /** {@link #MID}, every DFFN in slices of 8 channel pairs on the device (remainders, project_out's bias once). */
    @Test
    void slicedDffnWithBiasesMatchesTheCpu() throws Exception {
        compare("mid", true);
    }
}
