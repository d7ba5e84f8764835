package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** patch_fft_filter on [1,288,256,256], filter [288,8,5] (FFTformer's level-1 DFFN filter at a 256x256 input). */
public class PatchFftFilterBench extends CpuOpBench {
    private Tensor x;
    private Tensor filter;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 288, 256, 256);
        filter = BenchData.random(2, 288, 8, 5);
        out = Tensor.zeros(1, 288, 256, 256);
    }

    @Benchmark
    public Tensor run() {
        be.patchFftFilter(out, x, filter);
        return out;
    }
}
