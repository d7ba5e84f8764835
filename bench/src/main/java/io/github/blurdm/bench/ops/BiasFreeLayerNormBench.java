package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** bias_free_layer_norm over channels of [1,48,256,256] (an FFTformer level-1 norm at a 256x256 input). */
public class BiasFreeLayerNormBench extends CpuOpBench {
    private Tensor x;
    private Tensor w;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 48, 256, 256);
        w = BenchData.random(2, 48);
        out = Tensor.zeros(1, 48, 256, 256);
    }

    @Benchmark
    public Tensor run() {
        be.biasFreeLayerNorm(out, x, w, 1e-5f);
        return out;
    }
}
