package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** resize_bilinear x0.5 of [1,48,256,256] (FFTformer's down-sampling). */
public class ResizeBilinearBench extends CpuOpBench {
    private Tensor x;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 48, 256, 256);
        out = Tensor.zeros(1, 48, 128, 128);
    }

    @Benchmark
    public Tensor run() {
        be.resizeBilinear(out, x, 2f, 2f);
        return out;
    }
}
