package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** gelu_gate on [1,288,256,256] -> [1,144,256,256] (FFTformer's level-1 DFFN gate at a 256x256 input). */
public class GeluGateBench extends CpuOpBench {
    private Tensor x;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 288, 256, 256);
        out = Tensor.zeros(1, 144, 256, 256);
    }

    @Benchmark
    public Tensor run() {
        be.geluGate(out, x);
        return out;
    }
}
