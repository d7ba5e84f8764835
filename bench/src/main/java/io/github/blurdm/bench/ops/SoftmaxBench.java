package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** softmax over rows of 64 of [320,64,64] (Stripformer intra-strip attention at 1/4 scale). */
public class SoftmaxBench extends CpuOpBench {
    private Tensor x;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 320, 64, 64);
        out = Tensor.zeros(320, 64, 64);
    }

    @Benchmark
    public Tensor run() {
        be.softmax(out, x);
        return out;
    }
}
