package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.cpu.CpuBackend;
import java.util.concurrent.TimeUnit;
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
 * Shared set-up of the per-op CPU benchmarks: the backend variant ("vector" or "scalar") with
 * {@code blurdm.threads} threads (default 2), inputs made once per trial by {@link #inputs()} at the
 * shapes MIMO-UNet+ and the BlurDM prior use at a 256x256 input.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public abstract class CpuOpBench {
    @Param({"vector", "scalar"})
    public String backend;

    protected CpuBackend be;

    @Setup(Level.Trial)
    public void setUpBackend() {
        be = BenchData.backend(backend);
        inputs();
    }

    /** Builds the inputs and the output tensor. */
    protected abstract void inputs();

    @TearDown(Level.Trial)
    public void tearDown() {
        be.close();
    }
}
