package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** concat 32+64+128 channels at 256x256 (PyTorch's AFFs.0 input; the engine's AFFs no longer concatenate). */
public class ConcatBench extends CpuOpBench {
    private Tensor a;
    private Tensor b;
    private Tensor c;
    private Tensor out;

    @Override
    protected void inputs() {
        a = BenchData.random(1, 1, 32, 256, 256);
        b = BenchData.random(2, 1, 64, 256, 256);
        c = BenchData.random(3, 1, 128, 256, 256);
        out = Tensor.zeros(1, 224, 256, 256);
    }

    @Benchmark
    public Tensor run() {
        be.concat(out, a, b, c);
        return out;
    }
}
