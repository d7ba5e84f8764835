package io.github.blurdm.blurdm.backbone.stripformer;

import static io.github.blurdm.blurdm.backbone.stripformer.StripformerParityTest.fixture;
import static io.github.blurdm.blurdm.backbone.stripformer.StripformerParityTest.relL2;
import static io.github.blurdm.blurdm.backbone.stripformer.StripformerParityTest.tensor;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.BlurdmModel;
import io.github.blurdm.blurdm.pipeline.Conventions;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion.Noise;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.runtime.cuda.CudaBackend;
import io.github.blurdm.runtime.cuda.CudaSupport;
import io.github.blurdm.weights.SafetensorsFile;
import org.junit.jupiter.api.Test;

/**
 * The small Stripformer with the BlurDM prior (the parity fixture's stage-3 checkpoint) through the CUDA backend
 * against the CPU backend: on a GPU where one is usable, else on the emulated device, so every kernel of the chain
 * (strip attention in both shapes, permutes, depthwise and 1x1 convs with fused GELU and LeakyReLU, transposed
 * convs, channel LayerNorm) runs in every build. Prior and output rel-L2 <= 1e-5 (exact fp32). Input: case b1
 * (29x38 padded to 32x64: intra-strip heads of 16 and 8 features, inter-strip heads of 16 x 16 and 8 x 32).
 */
class StripformerCudaTest {
    private static boolean realGpu() {
        return CudaSupport.usable() && !"emulated".equals(System.getProperty("blurdm.test.cuda"));
    }

    /** {prior, output} of the stage-3 checkpoint on case b1, downloaded. */
    private static float[][] run(Backend backend) throws Exception {
        BlurdmModel model = BlurdmModel.load(fixture("blurdm_stage3.pth"), backend);
        Ops ops = new Ops(backend);
        Conventions c = model.conventions().conventions();
        try (SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            Tensor x = backend.upload(c.pad(c.normalise(tensor(f, "b1/image"))));
            Tensor prior = model.prior().sample(ops, x, Noise.of(backend.upload(tensor(f, "b1/noise"))), null);
            Tensor out = model.backbone().forward(ops, x, prior);
            return new float[][] {backend.download(prior).data(), backend.download(out).data()};
        }
    }

    @Test
    void theCudaBackendMatchesTheCpu() throws Exception {
        float[][] want;
        try (CpuBackend cpu = new CpuBackend(2, true)) {
            want = run(cpu);
        }
        try (CudaBackend gpu = realGpu() ? new CudaBackend(0) : CudaBackend.emulated()) {
            long t0 = System.nanoTime();
            float[][] got = run(gpu);
            double ep = relL2(got[0], want[0]);
            double eo = relL2(got[1], want[1]);
            System.out.printf("[StripformerCudaTest] on %s: prior rel-L2 %.3g, output rel-L2 %.3g (%.1f s)%n",
                    gpu.name(), ep, eo, (System.nanoTime() - t0) / 1e9);
            assertTrue(ep <= 1e-5, "prior rel-L2 " + ep + " > 1e-5 on " + gpu.name());
            assertTrue(eo <= 1e-5, "output rel-L2 " + eo + " > 1e-5 on " + gpu.name());
        }
    }
}
