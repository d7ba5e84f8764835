package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** reflect_pad of a 1277x717 image to 1280x720 (MIMO-UNet+ pads to multiples of 8). */
public class ReflectPadBench extends CpuOpBench {
    private Tensor x;
    private Tensor out;

    @Override
    protected void inputs() {
        x = BenchData.random(1, 1, 3, 717, 1277);
        out = Tensor.zeros(1, 3, 720, 1280);
    }

    @Benchmark
    public Tensor run() {
        be.reflectPad(out, x, 0, 3, 0, 3);
        return out;
    }
}
