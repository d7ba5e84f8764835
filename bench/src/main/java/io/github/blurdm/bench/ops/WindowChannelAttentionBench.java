package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * window_channel_attention at LoFormer-S's shapes in a 384x384 tile: the first encoder level (C=32, 1 head,
 * 384x384), the last decoder level (C=64, 1 head of 64) and the middle (C=256, 8 heads, 48x48).
 */
public class WindowChannelAttentionBench extends CpuOpBench {
    @Param({"32x1x384", "64x1x384", "256x8x48"})
    public String shape;

    private Tensor qkv;
    private Tensor temperature;
    private Tensor mlpWeight;
    private Tensor mlpBias;
    private Tensor out;

    @Override
    protected void inputs() {
        String[] p = shape.split("x");
        int c = Integer.parseInt(p[0]);
        int heads = Integer.parseInt(p[1]);
        int side = Integer.parseInt(p[2]);
        qkv = BenchData.random(1, 1, 3 * c, side, side);
        temperature = BenchData.random(2, heads);
        mlpWeight = BenchData.random(3, 64, 64);
        mlpBias = BenchData.random(4, 64);
        out = Tensor.zeros(1, c, side, side);
    }

    @Benchmark
    public Tensor run() {
        be.windowChannelAttention(out, qkv, temperature, mlpWeight, mlpBias);
        return out;
    }
}
