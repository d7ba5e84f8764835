package io.github.blurdm.blurdm.backbone.loformer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
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

    @Test
    void tiledInferenceMatchesTheCpu() throws Exception {
        Tensor image;
        Tensor noise;
        try (SafetensorsFile f = SafetensorsFile.open(LoFormerParityTest.fixture("cases.safetensors"))) {
            Tensor hwc = LoFormerParityTest.tensor(f, "c0/image");
            noise = LoFormerParityTest.tensor(f, "c0/noise");
            int h = hwc.dim(0);
            int w = hwc.dim(1);
            float[] chw = new float[3 * h * w];
            for (int i = 0; i < h * w; i++) {
                for (int c = 0; c < 3; c++) {
                    chw[c * h * w + i] = hwc.data()[i * 3 + c] / 255f;
                }
            }
            image = Tensor.of(chw, 1, 3, h, w);
        }
        float[] want;
        try (CpuBackend cpu = new CpuBackend(2, true)) {
            LoFormerModel m = LoFormerModel.load(LoFormerParityTest.fixture("blurdm_stage3.pth"), cpu);
            want = new LoFormerInference(m.net(), m.prior(), 40, LoFormerTiling.OVERLAP, LoFormerTiling.Merge.OFFICIAL)
                    .run(cpu, image, LatentExposureDiffusion.Noise.of(noise), null).data();
        }
        try (CudaBackend gpu = device()) {
            LoFormerModel m = LoFormerModel.load(LoFormerParityTest.fixture("blurdm_stage3.pth"), gpu);
            float[] got = new LoFormerInference(m.net(), m.prior(), 40, LoFormerTiling.OVERLAP,
                    LoFormerTiling.Merge.OFFICIAL).run(gpu, image, LatentExposureDiffusion.Noise.of(noise), null).data();
            double e = LoFormerParityTest.relL2(got, want);
            System.out.printf("LoFormerCudaTest on %s: out rel-L2 vs CPU %.2e%n", gpu.name(), e);
            assertTrue(e <= 1e-5, "rel-L2 " + e);
        }
    }
}
