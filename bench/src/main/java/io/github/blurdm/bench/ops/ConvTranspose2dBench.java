package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.OpShapes;
import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** conv_transpose2d 4x4 stride 2 pad 1 + ReLU, 128->64 at 64x64 (MIMO-UNet+ feat_extract.3 at a 256x256 input). */
public class ConvTranspose2dBench extends CpuOpBench {
    private Tensor x;
    private Tensor w;
    private Tensor b;
    private Tensor out;
    private final ConvTranspose2dParams p = ConvTranspose2dParams.of(2, 1).withActivation(Activation.RELU);

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 128, 64, 64);
        w = BenchData.random(2, 128, 64, 4, 4);
        b = BenchData.random(3, 64);
        out = Tensor.zeros(OpShapes.convTranspose2d(x, w, b, p));
    }

    @Benchmark
    public Tensor run() {
        be.convTranspose2d(out, x, w, b, p);
        return out;
    }
}
