package io.github.blurdm.blurdm.prior;

import io.github.blurdm.layers.Module;
import io.github.blurdm.layers.Parameter;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.PriorSamplerParams;
import io.github.blurdm.runtime.Tensor;

/**
 * The BlurDM prior generator (spec section 2): the blur encoder {@code condition_encoder}, the noise
 * estimator {@code noise_model} and the blur-residual estimator {@code lcr_model}, with the schedule
 * buffers {@code alphas} [T+1], {@code betas_bar} [T] and {@code time_stamps_list} [T] read from the
 * checkpoint. {@link #sample} encodes the image, then runs the deterministic T-step reverse loop as
 * one fused op ({@link io.github.blurdm.runtime.Op#PRIOR_SAMPLER}: a single kernel launch on CUDA).
 */
public final class LatentExposureDiffusion extends Module {
    private final PriorConfig config;
    private final LatentEncoder encoder;
    private final LatentDenoiser noiseModel;
    private final LatentDenoiser lcrModel;
    private final Parameter alphas;
    private final Parameter betasBar;
    private final Parameter timeStamps;

    public LatentExposureDiffusion(PriorConfig c) {
        this.config = c;
        this.alphas = buffer("alphas", c.steps() + 1);
        this.betasBar = buffer("betas_bar", c.steps());
        this.timeStamps = buffer("time_stamps_list", c.steps());
        this.encoder = child("condition_encoder", new LatentEncoder(c));
        this.noiseModel = child("noise_model", new LatentDenoiser(c));
        this.lcrModel = child("lcr_model", new LatentDenoiser(c));
    }

    public PriorConfig config() {
        return config;
    }

    /** Observes the blur latent ("z_b") and the prior ("z_0"), for parity tests. */
    @FunctionalInterface
    public interface Trace {
        void record(String name, Tensor value);
    }

    /** Where the initial noise comes from: given values, or Philox draws. */
    public record Noise(Tensor values, long seed, long stream0) {
        /** Explicit noise [N, latent] on the backend's device (or the host, for the CPU). */
        public static Noise of(Tensor values) {
            return new Noise(values, 0, 0);
        }

        /** Philox4x32-10 noise: image n of the batch uses stream {@code stream0 + n}. */
        public static Noise philox(long seed, long stream0) {
            return new Noise(null, seed, stream0);
        }
    }

    /**
     * The prior for a batch of padded blurred images.
     *
     * @param x     [N,3,H,W] on the backend, H and W divisible by 4
     * @param noise the initial noise
     * @param trace receives host copies of z_b and z_0, or null
     * @return [N,latent] on the backend
     */
    public Tensor sample(Ops ops, Tensor x, Noise noise, Trace trace) {
        Tensor zb = encoder.forward(ops, x, x);
        if (trace != null) {
            trace.record("z_b", ops.backend().download(zb));
        }
        Tensor z = sampleFromLatent(ops, zb, noise, trace);
        ops.release(zb);
        return z;
    }

    /** The blur encoder (its features and head are used separately for tiled encoding). */
    public LatentEncoder encoder() {
        return encoder;
    }

    /**
     * The reverse loop from a given blur latent {@code zb} [N,latent] (the encoder's output, e.g.
     * assembled from tiles).
     */
    public Tensor sampleFromLatent(Ops ops, Tensor zb, Noise noise, Trace trace) {
        int n = zb.dim(0);
        int l = config.latent();
        Tensor eps = noise.values();
        if (eps != null && (eps.rank() != 2 || eps.dim(0) != n || eps.dim(1) != l)) {
            throw new IllegalArgumentException("prior noise: expected [" + n + "," + l + "], found "
                    + java.util.Arrays.toString(eps.shape()));
        }
        Tensor schedule = ops.concat(flat(alphas.value()), flat(betasBar.value()), flat(timeStamps.value()));
        PriorSamplerParams p = new PriorSamplerParams(l, config.denoiserBlocks(), config.steps(), noise.seed(),
                noise.stream0());
        Tensor nm = noiseModel.packed(ops);
        Tensor lm = lcrModel.packed(ops);
        Tensor z = ops.priorSampler(zb, eps, nm, lm, schedule.reshape(schedule.dim(1)), p);
        ops.release(nm, lm, schedule);
        if (trace != null) {
            trace.record("z_0", ops.backend().download(z));
        }
        return z;
    }

    private static Tensor flat(Tensor t) {
        return t.reshape(1, t.size());
    }
}
