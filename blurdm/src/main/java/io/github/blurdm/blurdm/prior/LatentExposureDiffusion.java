package io.github.blurdm.blurdm.prior;

import io.github.blurdm.layers.Module;
import io.github.blurdm.layers.Parameter;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * The BlurDM prior generator (spec section 2): the blur encoder {@code condition_encoder}, the noise
 * estimator {@code noise_model} and the blur-residual estimator {@code lcr_model}, with the schedule
 * buffers {@code alphas} [T+1], {@code betas_bar} [T] and {@code time_stamps_list} [T] read from the
 * checkpoint. {@link #sample} runs the deterministic T-step reverse loop.
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

    /** Observes the sampler's intermediate latents ("z_b", "z_5" ... "z_0"), for parity tests. */
    @FunctionalInterface
    public interface Trace {
        void record(String name, Tensor value);
    }

    /**
     * The prior for a batch of padded blurred images.
     *
     * @param x     [N,3,H,W] on the backend, H and W divisible by 4
     * @param noise [N,latent] standard normal initial noise, on the host
     * @param trace receives intermediate latents (host copies), or null
     * @return [N,latent] on the backend
     */
    public Tensor sample(Ops ops, Tensor x, Tensor noise, Trace trace) {
        int n = x.dim(0);
        int l = config.latent();
        if (noise.rank() != 2 || noise.dim(0) != n || noise.dim(1) != l) {
            throw new IllegalArgumentException("prior noise: expected [" + n + "," + l + "], found "
                    + java.util.Arrays.toString(noise.shape()));
        }
        int steps = config.steps();
        float[] a = ops.backend().download(alphas.value()).data();
        float[] bb = ops.backend().download(betasBar.value()).data();
        float[] ts = ops.backend().download(timeStamps.value()).data();
        Tensor zb = encoder.forward(ops, x, x);
        float[] cond = ops.backend().download(zb).data();
        float[] z = new float[n * l];
        float[] eps = noise.data();
        for (int i = 0; i < z.length; i++) {
            z[i] = cond[i] + bb[steps - 1] * eps[i];
        }
        emit(trace, "z_b", cond, n, l);
        emit(trace, "z_" + steps, z, n, l);
        for (float tf : ts) {
            int t = Math.round(tf);
            if (t < 1 || t > steps || t != tf) {
                throw new IllegalStateException("time_stamps_list holds " + tf + "; expected integers in [1, "
                        + steps + "]");
            }
            Tensor in = ops.backend().upload(denoiserInput(cond, z, (float) t / steps, n, l));
            float[] epsHat = ops.backend().download(noiseModel.forward(ops, in)).data();
            float[] eHat = ops.backend().download(lcrModel.forward(ops, in)).data();
            ReverseStep.apply(z, eHat, epsHat, a[t], a[t - 1], coefficient(a, bb, t));
            emit(trace, "z_" + (t - 1), z, n, l);
        }
        return ops.backend().upload(Tensor.of(z, n, l));
    }

    /** c_t = alpha_t beta_bar_t / alpha_{t-1} - beta_bar_{t-1} for t >= 2; c_1 = beta_bar_1 (spec 2.3). */
    static float coefficient(float[] alphas, float[] betasBar, int t) {
        if (t == 1) {
            return betasBar[0];
        }
        return (alphas[t] * betasBar[t - 1]) / alphas[t - 1] - betasBar[t - 2];
    }

    /** [c | t/T | z] per row, the denoisers' input layout. */
    static Tensor denoiserInput(float[] cond, float[] z, float tValue, int n, int l) {
        float[] in = new float[n * (2 * l + 1)];
        for (int r = 0; r < n; r++) {
            int base = r * (2 * l + 1);
            System.arraycopy(cond, r * l, in, base, l);
            in[base + l] = tValue;
            System.arraycopy(z, r * l, in, base + l + 1, l);
        }
        return Tensor.of(in, n, 2 * l + 1);
    }

    private static void emit(Trace trace, String name, float[] v, int n, int l) {
        if (trace != null) {
            trace.record(name, Tensor.of(v.clone(), n, l));
        }
    }
}
