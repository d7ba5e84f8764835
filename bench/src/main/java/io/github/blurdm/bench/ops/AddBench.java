package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** add of two [1,32,256,256] maps (ResBlock residual / FAM product at full resolution). */
public class AddBench extends CpuOpBench {
    private Tensor a;
    private Tensor b;
    private Tensor out;

    @Override
    protected void inputs() {
        a = BenchData.random(1, 1, 32, 256, 256);
        b = BenchData.random(2, 1, 32, 256, 256);
        out = Tensor.zeros(1, 32, 256, 256);
    }

    @Benchmark
    public Tensor run() {
        be.add(out, a, b);
        return out;
    }
}
