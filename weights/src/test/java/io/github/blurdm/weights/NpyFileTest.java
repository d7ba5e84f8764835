package io.github.blurdm.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NpyFile#encode} writes what np.save writes (headers checked against NumPy 1.24's) and reads back. */
class NpyFileTest {
    @TempDir
    Path tmp;

    @Test
    void headersAreNumpysAndValuesReadBack() throws Exception {
        for (long[] shape : new long[][] {{1, 256}, {3}, {2, 1, 4}}) {
            int n = 1;
            for (long d : shape) {
                n *= (int) d;
            }
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (i - 7.25f) / 3f;
            }
            byte[] b = NpyFile.encode(v, shape);
            String dims = shape.length == 1 ? shape[0] + "," : java.util.Arrays.stream(shape).mapToObj(Long::toString)
                    .collect(java.util.stream.Collectors.joining(", "));
            String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
            String header = new String(b, 10, 118, StandardCharsets.US_ASCII);
            assertEquals(dict + " ".repeat(117 - dict.length()) + "\n", header, "header of " + dims);
            assertEquals(128 + 4 * n, b.length);
            Path p = tmp.resolve("a.npy");
            Files.write(p, b);
            NpyFile back = NpyFile.read(p);
            assertArrayEquals(shape, back.shape());
            assertArrayEquals(v, back.values());
        }
    }

    @Test
    void sizeMismatchIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyFile.encode(new float[3], 2, 2));
        assertEquals("npy: shape [2, 2] holds 4 values, found 3", e.getMessage());
    }
}
