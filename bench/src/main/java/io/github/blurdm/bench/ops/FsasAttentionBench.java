package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** fsas_attention on qkv [1,288,256,256] -> [1,96,256,256] (FFTformer's level-1 FSAS at a 256x256 input). */
public class FsasAttentionBench extends CpuOpBench {
    private Tensor qkv;
    private Tensor w;
    private Tensor b;
    private Tensor out;

    @Override
    protected void inputs() {
        qkv = BenchData.random(1, 1, 288, 256, 256);
        w = BenchData.random(2, 96);
        b = BenchData.random(3, 96);
        out = Tensor.zeros(1, 96, 256, 256);
    }

    @Benchmark
    public Tensor run() {
        be.fsasAttention(out, qkv, w, b, 1e-5f);
        return out;
    }
}
