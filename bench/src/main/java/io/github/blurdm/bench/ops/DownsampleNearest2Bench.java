package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** downsample_nearest2 of [1,32,256,256] (z12 in MIMO-UNet+). */
public class DownsampleNearest2Bench extends CpuOpBench {
    private Tensor x;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 32, 256, 256);
        out = Tensor.zeros(1, 32, 128, 128);
    }

    @Benchmark
    public Tensor run() {
        be.downsampleNearest2(out, x);
        return out;
    }
}
