package io.github.blurdm.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The parity tests every {@code <Name>Test} inherits: each PyTorch case on every CPU variant into a
 * poisoned, guarded output; the in-place form where the op allows aliasing; and the allocating
 * {@link Ops} helper, which must give bit-identical results to the direct call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class OpParityTest {

    /** The op's cases ({@code Conv2dCases.INSTANCE}). */
    protected abstract OpCases cases();

    @Test
    void fixtureDescribesThisOp() {
        Map<String, String> meta = Fixtures.metadata(cases().op());
        assertEquals(cases().op().id(), meta.get("op"));
        assertEquals(Fixtures.GENERATOR, meta.get("generator"));
        assertFalse(cases().cases().isEmpty(), "fixture of " + cases().op() + " has no cases");
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        OpCases oc = cases();
        List<DynamicTest> tests = new ArrayList<>();
        for (CpuVariants.Variant v : CpuVariants.all()) {
            for (FixtureCase c : oc.cases()) {
                String name = oc.name(c, v.name());
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    Tensor out = Parity.poisoned(c.outShape());
                    oc.run(v.backend(), out, c.inputs(), c);
                    Parity.assertClose(oc.op().id(), name, v.name(), out, c.outShape(), c.expected());
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> inPlace() {
        OpCases oc = cases();
        List<DynamicTest> tests = new ArrayList<>();
        for (int alias : oc.inPlaceInputs()) {
            for (CpuVariants.Variant v : CpuVariants.all()) {
                for (FixtureCase c : oc.cases()) {
                    String input = c.inputNames().get(alias);
                    String name = oc.name(c, v.name()) + " [out aliases " + input + "]";
                    tests.add(DynamicTest.dynamicTest(name, () -> {
                        Tensor[] in = c.inputs();
                        in[alias] = Parity.guarded(c.values(input), c.shape(input));
                        oc.run(v.backend(), in[alias], in, c);
                        Parity.assertClose(oc.op().id(), name, v.name(), in[alias], c.outShape(), c.expected());
                    }));
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> opsHelperMatchesDirectCall() {
        OpCases oc = cases();
        List<DynamicTest> tests = new ArrayList<>();
        for (CpuVariants.Variant v : CpuVariants.all()) {
            for (FixtureCase c : oc.cases()) {
                String name = oc.name(c, v.name()) + " [Ops]";
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    Tensor direct = Parity.poisoned(c.outShape());
                    oc.run(v.backend(), direct, c.inputs(), c);
                    Tensor allocated = oc.runAllocating(new Ops(v.backend()), c.inputs(), c);
                    assertArrayEquals(c.outShape(), allocated.shape(), name + ": Ops output shape");
                    assertArrayEquals(direct.toArray(), allocated.toArray(), name + ": Ops result differs from the "
                            + "direct call");
                }));
            }
        }
        return tests.stream();
    }

    @AfterAll
    void logWorst() {
        String prefix = cases().op().id() + " ";
        Parity.worst().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                System.out.printf("PARITY worst rel-L2 %-36s %.3e%n", k, v);
            }
        });
    }
}
