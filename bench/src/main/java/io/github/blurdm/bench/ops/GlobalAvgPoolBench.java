package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** global_avg_pool of [1,256,64,64] (the prior encoder's last map at a 256x256 input). */
public class GlobalAvgPoolBench extends CpuOpBench {
    private Tensor x;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 256, 64, 64);
        out = Tensor.zeros(1, 256);
    }

    @Benchmark
    public Tensor run() {
        be.globalAvgPool(out, x);
        return out;
    }
}
