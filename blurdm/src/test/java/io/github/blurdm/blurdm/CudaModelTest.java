package io.github.blurdm.blurdm;

import static io.github.blurdm.blurdm.MimoParityTest.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.runtime.BackendChoice;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import io.github.blurdm.runtime.cuda.CudaBackend;
import io.github.blurdm.runtime.cuda.CudaSupport;
import io.github.blurdm.weights.SafetensorsFile;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The whole shipped model (BlurDM prior + MIMO-UNet backbone, weights/models/) through the CUDA
 * backend against the CPU backend: on a GPU where one is usable, else on the emulated device, so the
 * full chain of kernels runs in every build. Prior and backbone output rel-L2 <= 1e-5 in exact fp32
 * (<= 2e-3 with the TF32 convolution), and the 8-bit image through the public {@link Deblurrer} API
 * within one level. Input: the clock crop of the shipped fixture (93x130, padded to 96x136).
 */
class CudaModelTest {
    private static final String CASE = "clock";

    private static boolean realGpu() {
        return CudaSupport.usable() && !"emulated".equals(System.getProperty("blurdm.test.cuda"));
    }

    private static CudaBackend device() {
        return realGpu() ? new CudaBackend(0) : CudaBackend.emulated();
    }

    private static SafetensorsFile fixture() throws Exception {
        return SafetensorsFile.open(Path.of(CudaModelTest.class.getResource("/fixtures/shipped/cases.safetensors").toURI()));
    }

    /** Prior and backbone output of the shipped model on {@code backend}, downloaded: {prior, out1}. */
    private static float[][] run(io.github.blurdm.runtime.Backend backend, Tensor image, Tensor noise) throws Exception {
        BlurdmModel model = BlurdmModel.load(ShippedModelTest.shipped(), backend);
        Ops ops = new Ops(backend);
        Tensor x = model.conventions().conventions().normalise(image);
        Tensor padded = backend.upload(x);
        padded = ops.reflectPad(padded, 0, (8 - x.dim(2) % 8) % 8, 0, (8 - x.dim(3) % 8) % 8);
        Tensor prior = model.prior().sample(ops, padded, LatentExposureDiffusion.Noise.of(backend.upload(noise)), null);
        Tensor out = model.backbone().forward(ops, padded, prior);
        return new float[][] {backend.download(prior).data(), backend.download(out).data()};
    }

    @Test
    void shippedModelMatchesTheCpuInExactFp32AndTf32() throws Exception {
        Tensor image;
        Tensor noise;
        try (SafetensorsFile f = fixture()) {
            image = tensor(f, CASE + "/image");
            noise = tensor(f, CASE + "/noise");
        }
        float[][] want;
        try (CpuBackend cpu = new CpuBackend(2, true)) {
            want = run(cpu, image, noise);
        }
        try (CudaBackend gpu = device()) {
            System.out.println("[CudaModelTest] on " + gpu.name() + ": " + gpu.deviceInfo());
            compare("fp32", gpu, image, noise, want, 1e-5);
            gpu.useVersion(Op.CONV2D, 3);
            compare("TF32 conv2d", gpu, image, noise, want, 2e-3);
        }
    }

    private static void compare(String what, CudaBackend gpu, Tensor image, Tensor noise, float[][] want, double tol)
            throws Exception {
        long t0 = System.nanoTime();
        float[][] got = run(gpu, image, noise);
        double ep = MimoParityTest.relL2(got[0], want[0]);
        double eo = MimoParityTest.relL2(got[1], want[1]);
        System.out.printf("[CudaModelTest] %s: prior rel-L2 %.3g, out1 rel-L2 %.3g (%.1f s)%n", what, ep, eo,
                (System.nanoTime() - t0) / 1e9);
        assertTrue(ep <= tol, what + " prior rel-L2 " + ep + " > " + tol + " on " + gpu.name());
        assertTrue(eo <= tol, what + " out1 rel-L2 " + eo + " > " + tol + " on " + gpu.name());
    }

    /** The 8-bit result through the library API, the way a user runs it, within one level of the CPU's. */
    @Test
    void deblurrerOnTheCudaBackendWithinOneLevel() throws Exception {
        Tensor image;
        try (SafetensorsFile f = fixture()) {
            image = tensor(f, CASE + "/image");
        }
        BufferedImage in = toImage(image);
        BufferedImage cpuOut;
        try (Deblurrer d = Deblurrer.builder().weights(ShippedModelTest.shipped()).backend(BackendChoice.CPU).build()) {
            cpuOut = d.deblur(in);
        }
        BackendChoice cuda = realGpu() ? BackendChoice.CUDA : BackendChoice.CUDA_EMULATED;
        try (Deblurrer d = Deblurrer.builder().weights(ShippedModelTest.shipped()).backend(cuda).build()) {
            assertTrue(d.backendName().startsWith("cuda"), d.backendName());
            BufferedImage gpuOut = d.deblur(in);
            int worst = 0;
            int differ = 0;
            for (int y = 0; y < in.getHeight(); y++) {
                for (int x = 0; x < in.getWidth(); x++) {
                    int a = cpuOut.getRGB(x, y);
                    int b = gpuOut.getRGB(x, y);
                    for (int s = 0; s < 24; s += 8) {
                        int diff = Math.abs(((a >> s) & 255) - ((b >> s) & 255));
                        worst = Math.max(worst, diff);
                        differ += diff > 0 ? 1 : 0;
                    }
                }
            }
            System.out.printf("[CudaModelTest] Deblurrer on %s: %d of %d values differ from the CPU's, by at most %d%n",
                    d.backendName(), differ, in.getWidth() * in.getHeight() * 3, worst);
            assertTrue(worst <= 1, "8-bit output differs from the CPU's by " + worst + " levels");
            assertEquals(in.getWidth(), gpuOut.getWidth());
        }
    }

    private static BufferedImage toImage(Tensor rgb) {
        int h = rgb.dim(0);
        int w = rgb.dim(1);
        float[] d = rgb.data();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                img.setRGB(x, y, ((int) d[i] << 16) | ((int) d[i + 1] << 8) | (int) d[i + 2]);
            }
        }
        return img;
    }
}
