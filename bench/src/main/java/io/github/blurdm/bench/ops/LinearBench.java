package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.Activation;
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
 * linear with bias, one row of x (the BlurDM prior MLP's matrix-vector products): {@code shape} is
 * "KxN" (in features x out features); 513x256 and 256x256.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
public class LinearBench {
    @Param({"513x256", "256x256"})
    public String shape;

    @Param({"vector", "scalar"})
    public String backend;

    private CpuBackend be;
    private Tensor x;
    private Tensor w;
    private Tensor b;
    private Tensor out;

    @Setup(Level.Trial)
    public void setUp() {
        int[] d = BenchData.dims(shape);
        be = BenchData.backend(backend);
        x = BenchData.random(1, 1, d[0]);
        w = BenchData.random(2, d[1], d[0]);
        b = BenchData.random(3, d[1]);
        out = Tensor.zeros(1, d[1]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        be.close();
    }

    @Benchmark
    public Tensor gemv() {
        be.linear(out, x, w, b, Activation.NONE);
        return out;
    }
}
