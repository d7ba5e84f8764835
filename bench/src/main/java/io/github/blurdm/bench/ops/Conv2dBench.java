package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.runtime.cpu.CpuBackend;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * conv2d 3x3, stride 1, pad 1, bias, batch 1, Cin = Cout: the MIMO-UNet encoder/decoder convs.
 * {@code shape} is "CxHxW"; every shape is 1.21 GFLOP (2*C*C*9*H*W). The scalar reference takes
 * about a second per call, so run it for one shape only ({@code -p backend=scalar -p shape=128x64x64}).
 * The vector backend runs these convs by Winograd F(4, 3) ({@code Conv2dWinograd}); for the direct
 * path add {@code -jvmArgsAppend -Dblurdm.conv.winograd=false}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class Conv2dBench {
    @Param({"32x256x256", "64x128x128", "128x64x64"})
    public String shape;

    @Param({"vector", "scalar"})
    public String backend;

    private CpuBackend be;
    private Tensor x;
    private Tensor w;
    private Tensor b;
    private Tensor out;
    private final Conv2dParams p = Conv2dParams.of(1, 1);

    @Setup(Level.Trial)
    public void setUp() {
        int[] d = BenchData.dims(shape);
        int c = d[0];
        be = BenchData.backend(backend);
        x = BenchData.random(1, 1, c, d[1], d[2]);
        w = BenchData.random(2, c, c, 3, 3);
        b = BenchData.random(3, c);
        out = Tensor.zeros(1, c, d[1], d[2]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        be.close();
    }

    @Benchmark
    public Tensor conv3x3() {
        be.conv2d(out, x, w, b, p);
        return out;
    }
}
