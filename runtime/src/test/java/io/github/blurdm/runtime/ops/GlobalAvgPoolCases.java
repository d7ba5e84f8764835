package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#GLOBAL_AVG_POOL}, from {@code fixtures/global_avg_pool.safetensors}:
 * global_avg_pool: x [N,C,H,W] to [N,C]. Shared by {@link GlobalAvgPoolTest} and the benchmarks. Stateless;
 * thread-safe.
 */
public final class GlobalAvgPoolCases implements OpCases {
    public static final GlobalAvgPoolCases INSTANCE = new GlobalAvgPoolCases();

    private GlobalAvgPoolCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.GLOBAL_AVG_POOL;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.globalAvgPool(out, in[0]);
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.globalAvgPool(in[0]);
    }
}
