package io.github.blurdm.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PhiloxNoiseTest {

    /** Random123's tests/kat_vectors, the three "philox4x32 10" lines. */
    @Test
    void philoxMatchesRandom123KnownAnswers() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                PhiloxNoise.philox4x32(new int[] {0, 0, 0, 0}, 0, 0));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                PhiloxNoise.philox4x32(new int[] {-1, -1, -1, -1}, -1, -1));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                PhiloxNoise.philox4x32(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, 0xa4093822,
                        0x299f31d0));
    }

    /** weights/reference/philox_noise.py (an independent Python twin using the math library) printed these. */
    @Test
    void matchesThePythonTwin() {
        float[] want = {-0.5603768825531006f, -0.3201272785663605f, -1.3239234685897827f, -1.238883376121521f,
            -1.0307724475860596f, -0.49133190512657166f, 0.6391541957855225f, 0.09787187725305557f};
        assertArrayEquals(want, PhiloxNoise.gaussian(2023, 0, 8));
    }

    @Test
    void exactMathMatchesTheLibraryToDoublePrecision() {
        Random r = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            double u = PhiloxNoise.uniform(r.nextInt());
            assertEquals(Math.log(u), PhiloxNoise.log(u), 4e-16 * Math.max(1, Math.abs(Math.log(u))), "log " + u);
            double[] sc = PhiloxNoise.sinCos2Pi(u);
            assertEquals(Math.sin(2 * Math.PI * u), sc[0], 2e-15, "sin 2 pi " + u);
            assertEquals(Math.cos(2 * Math.PI * u), sc[1], 2e-15, "cos 2 pi " + u);
        }
        for (int w : new int[] {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            double u = PhiloxNoise.uniform(w);
            assertTrue(u > 0 && u < 1);
            assertEquals(Math.log(u), PhiloxNoise.log(u), 1e-14);
        }
    }

    @Test
    void gaussianIsDeterministicStandardNormalAndStreamsDiffer() {
        float[] a = PhiloxNoise.gaussian(2023, 0, 1 << 16);
        assertArrayEquals(a, PhiloxNoise.gaussian(2023, 0, 1 << 16));
        float[] prefix = PhiloxNoise.gaussian(2023, 0, 7);
        for (int i = 0; i < 7; i++) {
            assertEquals(a[i], prefix[i], 0f, "a prefix must not depend on the count");
        }
        double mean = 0;
        double sq = 0;
        for (float v : a) {
            mean += v;
            sq += v * (double) v;
        }
        mean /= a.length;
        double var = sq / a.length - mean * mean;
        assertEquals(0, mean, 0.02, "mean");
        assertEquals(1, var, 0.02, "variance");
        assertNotEquals(a[0], PhiloxNoise.gaussian(2023, 1, 1)[0]);
        assertNotEquals(a[0], PhiloxNoise.gaussian(2024, 0, 1)[0]);
    }
}
