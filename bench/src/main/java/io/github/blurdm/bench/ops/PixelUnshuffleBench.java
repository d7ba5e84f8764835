package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** pixel_unshuffle(4) of the 256x256 image (the prior encoder's input). */
public class PixelUnshuffleBench extends CpuOpBench {
    private Tensor x;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 3, 256, 256);
        out = Tensor.zeros(1, 48, 64, 64);
    }

    @Benchmark
    public Tensor run() {
        be.pixelUnshuffle(out, x, 4);
        return out;
    }
}
