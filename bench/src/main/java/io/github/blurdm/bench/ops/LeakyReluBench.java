package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** leaky_relu(0.1) on [1,256,64,64] (the prior encoder's widest map at a 256x256 input). */
public class LeakyReluBench extends CpuOpBench {
    private Tensor x;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 256, 64, 64);
        out = Tensor.zeros(1, 256, 64, 64);
    }

    @Benchmark
    public Tensor run() {
        be.leakyRelu(out, x, 0.1f);
        return out;
    }
}
