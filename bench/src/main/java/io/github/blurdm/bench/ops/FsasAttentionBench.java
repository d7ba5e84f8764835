package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** fsas_attention on q, k, v [1,96,256,256] (FFTformer's level-1 FSAS at a 256x256 input). */
public class FsasAttentionBench extends CpuOpBench {
    private Tensor q;
    private Tensor k;
    private Tensor v;
    private Tensor w;
    private Tensor b;
    private Tensor out;

    @Override
    protected void inputs() {
        q = BenchData.random(1, 1, 96, 256, 256);
        k = BenchData.random(4, 1, 96, 256, 256);
        v = BenchData.random(5, 1, 96, 256, 256);
        w = BenchData.random(2, 96);
        b = BenchData.random(3, 96);
        out = Tensor.zeros(1, 96, 256, 256);
    }

    @Benchmark
    public Tensor run() {
        be.fsasAttention(out, q, k, v, w, b, 1e-5f);
        return out;
    }
}
