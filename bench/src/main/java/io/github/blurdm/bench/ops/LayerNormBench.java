package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** layer_norm over channels of [1,48,256,256] (FFTformer's norm at full resolution). */
public class LayerNormBench extends CpuOpBench {
    private Tensor x;
    private Tensor w;
    private Tensor b;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 48, 256, 256);
        w = BenchData.random(2, 48);
        b = BenchData.random(3, 48);
        out = Tensor.zeros(1, 48, 256, 256);
    }

    @Benchmark
    public Tensor run() {
        be.layerNorm(out, x, w, b, 1e-5f);
        return out;
    }
}
