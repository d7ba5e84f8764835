package io.github.blurdm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Gelu#erf} against reference values (mpmath, 16+ digits), to 1e-15 relative. */
class GeluErfTest {

    @ParameterizedTest(name = "erf({0}) = {1}")
    @CsvSource({
        "0.5, 0.5204998778130465",
        "1, 0.8427007929497149",
        "2, 0.9953222650189527",
        "3, 0.9999779095030014",
        "-1.5, -0.9661051464753108",
        "0.1, 0.1124629160182849",
        "-0.01, -0.011283415555849618",
        "2.5, 0.999593047982555",
        "4, 0.9999999845827421",
        "0, 0",
    })
    void knownValues(double x, double expected) {
        double got = Gelu.erf(x);
        assertEquals(expected, got, 1e-15 * Math.abs(expected), "erf(" + x + ")");
    }

    @ParameterizedTest(name = "erf is odd at {0}")
    @CsvSource({"0.3", "1.7", "2.49", "2.51", "6"})
    void odd(double x) {
        assertEquals(-Gelu.erf(x), Gelu.erf(-x));
    }
}
