package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** upsample_nearest2 of [1,64,128,128] (z21 in MIMO-UNet+). */
public class UpsampleNearest2Bench extends CpuOpBench {
    private Tensor x;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 64, 128, 128);
        out = Tensor.zeros(1, 64, 256, 256);
    }

    @Benchmark
    public Tensor run() {
        be.upsampleNearest2(out, x);
        return out;
    }
}
