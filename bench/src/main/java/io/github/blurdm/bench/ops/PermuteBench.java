package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** permute NCHW -> NHWC of [1,160,180,320] (Stripformer's intra-strip rows at 1/4 scale of a 1280x720 image). */
public class PermuteBench extends CpuOpBench {
    private Tensor x;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 160, 180, 320);
        out = Tensor.zeros(1, 180, 320, 160);
    }

    @Benchmark
    public Tensor run() {
        be.permute(out, x, 0, 2, 3, 1);
        return out;
    }
}
