package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** slice_channels: the second half of [1,64,128,128]. */
public class SliceChannelsBench extends CpuOpBench {
    private Tensor x;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 64, 128, 128);
        out = Tensor.zeros(1, 32, 128, 128);
    }

    @Benchmark
    public Tensor run() {
        be.sliceChannels(out, x, 32);
        return out;
    }
}
