package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * attention at Stripformer's bottleneck shapes for a 1280x720 image (1/4 scale: 180 x 320 pixels, 320
 * channels, 5 heads): {@code intra}, the horizontal intra-strip attention (B = 180 rows, T = 320 pixels,
 * d = 32); {@code inter}, the horizontal inter-strip attention (B = 1, T = 180 rows, d = 32 x 320 = 10240).
 * bench/pytorch_ops.py times PyTorch's softmax(q k^T / sqrt(d)) v on the same shapes.
 */
public class AttentionBench extends CpuOpBench {
    @Param({"intra", "inter"})
    public String shape;

    private Tensor qkv;
    private Tensor out;
    private int heads;
    private float scale;

    @Override
    protected void inputs() {
        int b = shape.equals("intra") ? 180 : 1;
        int t = shape.equals("intra") ? 320 : 180;
        int d = shape.equals("intra") ? 32 : 32 * 320;
        heads = 5;
        scale = (float) (1 / Math.sqrt(d));
        qkv = BenchData.random(1, b, t, 3 * heads * d);
        out = Tensor.zeros(b, t, heads * d);
    }

    @Benchmark
    public Tensor run() {
        be.attention(out, qkv, heads, scale);
        return out;
    }
}
