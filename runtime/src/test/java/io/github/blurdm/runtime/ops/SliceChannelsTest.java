package io.github.blurdm.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** {@link SliceChannelsCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class SliceChannelsTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return SliceChannelsCases.INSTANCE;
    }

    /** {@link Ops#split} into uneven pieces, concatenated again, gives back x exactly. */
    @Test
    void splitThenConcatIsIdentity() {
        for (CpuVariants.Variant v : CpuVariants.all()) {
            Ops ops = new Ops(v.backend());
            for (FixtureCase c : cases().cases()) {
                Tensor x = c.tensor("x");
                int ch = x.dim(1);
                int[] sizes = ch == 1 ? new int[] {1} : new int[] {ch / 3 + 1, ch - ch / 3 - 1};
                Tensor back = ops.concat(ops.split(x, sizes));
                assertArrayEquals(x.toArray(), back.toArray(), cases().name(c, v.name()) + " split " + sizes.length);
            }
        }
    }
}
