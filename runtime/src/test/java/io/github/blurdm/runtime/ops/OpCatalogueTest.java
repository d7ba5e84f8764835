package io.github.blurdm.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.blurdm.runtime.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@link Op} has all of its artefacts: CPU reference, parity test and cases, PyTorch fixture, CUDA
 * launcher (whose kernels the kernels module's tests check against the catalogue) and benchmark. To
 * require a new kind, add one entry to {@link #REQUIRED}.
 */
class OpCatalogueTest {

    /** One kind of artefact: what it is, and its class or resource name for an op. */
    record Artefact(String what, Kind kind, Function<Op, String> name) {
        enum Kind { CLASS, RESOURCE, SOURCE_FILE }

        static Artefact type(String what, Function<Op, String> name) {
            return new Artefact(what, Kind.CLASS, name);
        }

        static Artefact resource(String what, Function<Op, String> name) {
            return new Artefact(what, Kind.RESOURCE, name);
        }

        /** A file of another module, relative to the repository root (tests run in runtime/). */
        static Artefact sourceFile(String what, Function<Op, String> name) {
            return new Artefact(what, Kind.SOURCE_FILE, name);
        }

        boolean exists(Op op) {
            String n = name.apply(op);
            if (kind == Kind.RESOURCE) {
                return OpCatalogueTest.class.getResource(n) != null;
            }
            if (kind == Kind.SOURCE_FILE) {
                return java.nio.file.Files.isRegularFile(java.nio.file.Path.of("..").resolve(n));
            }
            try {
                Class.forName(n, false, OpCatalogueTest.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException e) {
                return false;
            }
        }
    }

    static final List<Artefact> REQUIRED = List.of(
            Artefact.type("CPU reference", op -> "io.github.blurdm.runtime.cpu." + op.className() + "Cpu"),
            Artefact.type("parity test", op -> "io.github.blurdm.runtime.ops." + op.className() + "Test"),
            Artefact.type("parity cases", op -> "io.github.blurdm.runtime.ops." + op.className() + "Cases"),
            Artefact.resource("PyTorch fixture", Fixtures::resource),
            Artefact.type("CUDA launcher", op -> "io.github.blurdm.runtime.cuda." + op.className() + "Cuda"),
            Artefact.sourceFile("benchmark",
                    op -> "bench/src/main/java/io/github/blurdm/bench/ops/" + op.className() + "Bench.java"));

    @TestFactory
    Stream<DynamicTest> everyOpHasEveryArtefact() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Op op : Op.values()) {
            for (Artefact a : REQUIRED) {
                tests.add(DynamicTest.dynamicTest(op.id() + ": " + a.what(), () -> assertTrue(a.exists(op),
                        op.id() + " has no " + a.what() + " (" + a.name().apply(op) + ")")));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> casesAndTestsAreWiredToTheirOp() {
        return Stream.of(Op.values()).map(op -> DynamicTest.dynamicTest(op.id(), () -> {
            String pkg = "io.github.blurdm.runtime.ops.";
            Class<?> cases = Class.forName(pkg + op.className() + "Cases");
            Object instance = cases.getField("INSTANCE").get(null);
            assertTrue(instance instanceof OpCases, cases + " must implement OpCases");
            assertEquals(op, ((OpCases) instance).op(), cases + ".op()");
            Class<?> test = Class.forName(pkg + op.className() + "Test");
            assertTrue(OpParityTest.class.isAssignableFrom(test), test + " must extend OpParityTest");
        }));
    }

    @Test
    void idsAndClassNamesAreUnique() {
        Set<String> seen = new HashSet<>();
        for (Op op : Op.values()) {
            assertNotNull(op.id());
            if (!seen.add(op.id()) || !seen.add(op.className())) {
                fail("duplicate op id or class name: " + op.id() + " / " + op.className());
            }
            assertEquals(op.id(), op.toString());
        }
    }
}
