package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** gelu on [1,32,256,256] (a full-resolution MIMO-UNet+ feature map). */
public class GeluBench extends CpuOpBench {
    private Tensor x;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 32, 256, 256);
        out = Tensor.zeros(1, 32, 256, 256);
    }

    @Benchmark
    public Tensor run() {
        be.gelu(out, x);
        return out;
    }
}
