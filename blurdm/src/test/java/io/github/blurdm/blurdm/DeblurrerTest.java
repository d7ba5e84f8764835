package io.github.blurdm.blurdm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.pipeline.Images;
import io.github.blurdm.runtime.BackendChoice;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.TensorData;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DeblurrerTest {
    private static Path fixture(String name) throws Exception {
        return Path.of(DeblurrerTest.class.getResource("/fixtures/mimo_small/" + name).toURI());
    }

    private static Tensor fixtureTensor(String key) throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            TensorData t = f.get(key);
            return Tensor.of(t.toFloats(), t.intShape());
        }
    }

    @Test
    void buildNamesTheMissingSettingAndValidatesOptions() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Deblurrer.builder().build());
        assertTrue(e.getMessage().contains("weights(Path) is required"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Deblurrer.builder().tileSize(60));
        assertThrows(IllegalArgumentException.class, () -> Deblurrer.builder().overlap(-8));
        assertThrows(IllegalStateException.class, () -> Deblurrer.builder().weights(Path.of("x")).tileSize(64)
                .overlap(64).build());
    }

    /** The builder's conventions override the file's origin; the default follows it. */
    @Test
    void conventionsFollowTheFileUnlessTheBuilderSaysOtherwise() throws Exception {
        Path plus = OriginalReleaseTest.fixture("MIMO-UNetPlus-small.pkl");
        try (Deblurrer d = Deblurrer.builder().weights(plus).backend(BackendChoice.CPU).build()) {
            assertEquals(Origin.ORIGINAL_RELEASE, d.model().conventions().origin());
        }
        try (Deblurrer d = Deblurrer.builder().weights(plus).backend(BackendChoice.CPU).conventions(Origin.BLURDM)
                .build(); SafetensorsFile f = SafetensorsFile.open(OriginalReleaseTest.fixture("cases.safetensors"))) {
            assertEquals(Origin.BLURDM, d.model().conventions().origin());
            assertTrue(d.model().conventions().explicit());
            float[] got = d.deblur(MimoParityTest.tensor(f, "m4/image"), null, null).data();
            assertArrayEquals(MimoParityTest.tensor(f, "blurdm/m4/result").data(), got);
        }
        try (Deblurrer d = Deblurrer.builder().weights(fixture("model.safetensors")).backend(BackendChoice.CPU)
                .conventions(Origin.BLURDM).conventions(null).build()) {
            assertEquals(Origin.BLURDM, d.model().conventions().origin());
            assertTrue(!d.model().conventions().explicit(), "null restores the file's choice");
        }
    }

    @Test
    void deblursABufferedImageAsThePyTorchReferenceDoes() throws Exception {
        try (Deblurrer d = Deblurrer.builder().weights(fixture("model.safetensors")).backend(BackendChoice.CPU).build()) {
            Tensor noise = fixtureTensor("c1/noise");
            float[] got = d.deblur(fixtureTensor("c1/image"), noise, null).data();
            float[] want = fixtureTensor("c1/result").data();
            int off = 0;
            for (int i = 0; i < want.length; i++) {
                assertTrue(Math.abs(got[i] - want[i]) <= 1);
                off += got[i] != want[i] ? 1 : 0;
            }
            assertTrue(off <= want.length / 1000);
            BufferedImage out = d.deblur(Images.fromRgb(fixtureTensor("c1/image")));
            assertEquals(70, out.getWidth());
            assertEquals(29, out.getHeight());
            assertEquals("cpu", d.backendName());
        }
    }

    @Test
    void concurrentCallsQueueAndAgree() throws Exception {
        try (Deblurrer d = Deblurrer.builder().weights(fixture("model.safetensors")).backend(BackendChoice.CPU)
                .seed(11).build()) {
            Tensor img = fixtureTensor("c0/image");
            float[] first = d.deblur(img, null, null).data();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    results.add(pool.submit(() -> d.deblur(img, null, null).data()));
                }
                for (Future<float[]> f : results) {
                    assertArrayEquals(first, f.get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void aClosedDeblurrerRefusesWork() throws Exception {
        Deblurrer d = Deblurrer.builder().weights(fixture("model.safetensors")).backend(BackendChoice.CPU).build();
        d.close();
        d.close();
        assertThrows(IllegalStateException.class, () -> d.deblur(fixtureTensor("c0/image"), null, null));
    }

    @Test
    void automaticTilingKeepsSmallImagesWhole() throws Exception {
        try (Deblurrer d = Deblurrer.builder().weights(fixture("model.safetensors")).backend(BackendChoice.CPU).build()) {
            assertTrue(d.autoTile(29, 70) >= 72);
            assertEquals(0, d.autoTile(20000, 20000) % 8);
            assertTrue(d.autoTile(20000, 20000) < 20000);
        }
    }
}
