package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * dct2d of LoFormer-S's full-resolution maps in a 384x384 tile ([1,32,384,384]: the first encoder level) and
 * of its 1/8 level ([1,256,48,48]), forward and inverse.
 */
public class Dct2dBench extends CpuOpBench {
    @Param({"32x384", "256x48"})
    public String shape;

    @Param({"false", "true"})
    public boolean inverse;

    private Tensor x;
    private Tensor out;

    @Override
    protected void inputs() {
        String[] p = shape.split("x");
        int c = Integer.parseInt(p[0]);
        int side = Integer.parseInt(p[1]);
        x = BenchData.random(1, 1, c, side, side);
        out = Tensor.zeros(1, c, side, side);
    }

    @Benchmark
    public Tensor run() {
        be.dct2d(out, x, inverse);
        return out;
    }
}
