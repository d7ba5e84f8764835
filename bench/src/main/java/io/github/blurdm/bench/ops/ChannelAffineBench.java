package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** channel_affine x*k+v on [1,32,256,256] (the prior modulation of Decoder.2). */
public class ChannelAffineBench extends CpuOpBench {
    private Tensor x;
    private Tensor k;
    private Tensor v;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 32, 256, 256);
        k = BenchData.random(2, 1, 32);
        v = BenchData.random(3, 1, 32);
        out = Tensor.zeros(1, 32, 256, 256);
    }

    @Benchmark
    public Tensor run() {
        be.channelAffine(out, x, k, v);
        return out;
    }
}
