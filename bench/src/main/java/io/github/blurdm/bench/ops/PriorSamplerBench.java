package io.github.blurdm.bench.ops;

import io.github.blurdm.runtime.PriorSamplerParams;
import io.github.blurdm.runtime.Tensor;
import org.openjdk.jmh.annotations.Benchmark;

/** prior_sampler: the BlurDM reverse loop at the paper's size (L=256, D=5, T=5, one image, Philox noise). */
public class PriorSamplerBench extends CpuOpBench {
    private final PriorSamplerParams p = new PriorSamplerParams(256, 5, 5, 2023, 0);
    private Tensor cond;
    private Tensor nm;
    private Tensor lm;
    private Tensor schedule;
    private Tensor out;

    @Override
    protected void inputs() {
        cond = BenchData.random(1, 1, 256);
        nm = BenchData.random(2, (int) p.packedSize());
        lm = BenchData.random(3, (int) p.packedSize());
        float[] s = new float[p.scheduleSize()];
        for (int i = 0; i <= 5; i++) {
            s[i] = 1f + 0.2f * i;
        }
        for (int i = 0; i < 5; i++) {
            s[6 + i] = 0.04f * i;
            s[11 + i] = 5 - i;
        }
        schedule = Tensor.of(s, s.length);
        out = Tensor.zeros(1, 256);
    }

    @Benchmark
    public Tensor run() {
        be.priorSampler(out, cond, null, nm, lm, schedule, p);
        return out;
    }
}
