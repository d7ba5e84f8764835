package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** depthwise_conv2d 3x3 without bias on [1,288,256,256] (FFTformer's level-1 DFFN dwconv at a 256x256 input). */
public class DepthwiseConv2dBench extends CpuOpBench {
    private Tensor x;
    private Tensor w;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 288, 256, 256);
        w = BenchData.random(2, 288, 1, 3, 3);
        out = Tensor.zeros(1, 288, 256, 256);
    }

    @Benchmark
    public Tensor run() {
        be.depthwiseConv2d(out, x, w, null);
        return out;
    }
}
