package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** pixel_shuffle(4) of [1,48,64,64]. */
public class PixelShuffleBench extends CpuOpBench {
    private Tensor x;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 48, 64, 64);
        out = Tensor.zeros(1, 3, 256, 256);
    }

    @Benchmark
    public Tensor run() {
        be.pixelShuffle(out, x, 4);
        return out;
    }
}
