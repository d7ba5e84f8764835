package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#PERMUTE}, from {@code fixtures/permute.safetensors}: x.permute(dims).contiguous()
 * for ranks 1 to 6: Stripformer's four layouts (NHWC, NWHC, NHCW, NWCH and back), a transpose past a 32 x 32
 * tile, 1-row and 1-column maps. Shared by {@link PermuteTest} and the benchmarks. Stateless; thread-safe.
 */
public final class PermuteCases implements OpCases {
    public static final PermuteCases INSTANCE = new PermuteCases();

    private PermuteCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.PERMUTE;
    }

    /** The permutation of case {@code c}. */
    public static int[] dims(FixtureCase c) {
        com.fasterxml.jackson.databind.JsonNode n = c.params().get("dims");
        int[] d = new int[n.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = n.get(i).asInt();
        }
        return d;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.permute(out, in[0], dims(c));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.permute(in[0], dims(c));
    }
}
