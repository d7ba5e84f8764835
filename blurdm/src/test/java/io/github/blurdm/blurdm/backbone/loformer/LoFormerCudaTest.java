package io.github.blurdm.blurdm.backbone.loformer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.BlurdmModel;
import io.github.blurdm.blurdm.pipeline.DeblurPipeline;
import io.github.blurdm.blurdm.pipeline.PerTilePrior;
import io.github.blurdm.blurdm.pipeline.TileMerge;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.runtime.cuda.CudaBackend;
import io.github.blurdm.runtime.cuda.CudaSupport;
import io.github.blurdm.weights.SafetensorsFile;
import org.junit.jupiter.api.Test;

/**
 * The reduced LoFormer with its per-tile prior through {@link CudaBackend} (every LoFormer op on its default
 * kernels: dct2d, window_channel_attention, depthwise and 1x1 convs, layer norm...) against the CPU backend, on a
 * GPU where one is usable, else on the emulated device: rel-L2 <= 1e-5 on the 6-tile case of
 * {@link LoFormerParityTest}.
 */
class LoFormerCudaTest {

    private static CudaBackend device() {
        boolean gpu = CudaSupport.usable() && !"emulated".equals(System.getProperty("blurdm.test.cuda"));
        return gpu ? new CudaBackend(0) : CudaBackend.emulated();
    }

    private static float[] run(Backend b, Tensor image, Tensor noise) throws Exception {
        BlurdmModel m = BlurdmModel.load(LoFormerParityTest.fixture("blurdm_stage3.pth"), b);
        Tensor eps = b.upload(noise);
        try {
            return PerTilePrior.output(new Ops(b), m.backbone(), m.prior(), m.conventions().conventions(), image,
                    LatentExposureDiffusion.Noise.of(eps), 40, TileMerge.OFFICIAL, null, DeblurPipeline.Progress.NONE)
                    .data();
        } finally {
            b.release(eps);
        }
    }

    @Test
    void tiledInferenceMatchesTheCpu() throws Exception {
        Tensor image;
        Tensor noise;
        try (SafetensorsFile f = SafetensorsFile.open(LoFormerParityTest.fixture("cases.safetensors"))) {
            image = LoFormerParityTest.tensor(f, "c0/image");
            noise = LoFormerParityTest.tensor(f, "c0/noise");
        }
        float[] want;
        try (CpuBackend cpu = new CpuBackend(2, true)) {
            want = run(cpu, image, noise);
        }
        try (CudaBackend gpu = device()) {
            float[] got = run(gpu, image, noise);
            double e = LoFormerParityTest.relL2(got, want);
            System.out.printf("LoFormerCudaTest on %s: out rel-L2 vs CPU %.2e%n", gpu.name(), e);
            assertTrue(e <= 1e-5, "rel-L2 " + e);
        }
    }
}
