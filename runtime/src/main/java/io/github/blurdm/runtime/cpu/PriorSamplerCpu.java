package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.PhiloxNoise;
import io.github.blurdm.runtime.PriorSamplerParams;
import io.github.blurdm.runtime.Tensor;

/**
 * prior_sampler, scalar reference: per image n, {@code z = c + betas_bar[T-1] eps}, then for each
 * t in time_stamps: {@code in = [c | t/T | z]}, {@code eps_hat = D_noise(in)}, {@code e = D_lcr(in)} (each
 * Linear + LeakyReLU(0.1) layers, weights packed as {@code w0 | b0 | (w_k | b_k) x D}), and
 * {@code z = (alpha_t z - e) / alpha_{t-1} - c_t eps_hat} with {@code c_t = alpha_t bb_t / alpha_{t-1} - bb_{t-1}}
 * ({@code c_1 = bb_1}), every operation rounded to float as written. Parallel over images.
 */
public final class PriorSamplerCpu {
    private static final float SLOPE = 0.1f;

    private PriorSamplerCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#priorSampler} on the CPU: the scalar reference loop, split over {@code par}. */
    public static void forward(Parallel par, Tensor out, Tensor cond, Tensor noise, Tensor noiseModel, Tensor lcrModel,
                               Tensor schedule, PriorSamplerParams p) {
        final int l = p.latent();
        final int steps = p.steps();
        final float[] c = cond.data();
        final float[] eps = noise == null ? null : noise.data();
        final float[] wn = noiseModel.data();
        final float[] wl = lcrModel.data();
        final float[] sched = schedule.data();
        final float[] o = out.data();
        par.forEach(cond.dim(0), n -> {
            float[] e = eps != null ? null : PhiloxNoise.gaussian(p.seed(), p.stream0() + n, l);
            float[] in = new float[2 * l + 1];
            float[] z = new float[l];
            float bbLast = sched[steps + 1 + steps - 1];
            for (int i = 0; i < l; i++) {
                float ei = e != null ? e[i] : eps[n * l + i];
                in[i] = c[n * l + i];
                z[i] = c[n * l + i] + bbLast * ei;
            }
            for (int s = 0; s < steps; s++) {
                int t = (int) sched[2 * steps + 1 + s];
                if (t < 1 || t > steps || t != sched[2 * steps + 1 + s]) {
                    throw new IllegalArgumentException("prior_sampler: time stamp " + sched[2 * steps + 1 + s]
                            + " is not an integer in [1, " + steps + "]");
                }
                in[l] = (float) t / steps;
                System.arraycopy(z, 0, in, l + 1, l);
                float[] epsHat = denoise(wn, in, l, p.denoiserBlocks());
                float[] eHat = denoise(wl, in, l, p.denoiserBlocks());
                float at = sched[t];
                float ap = sched[t - 1];
                float coef = t == 1 ? sched[steps + 1] : (at * sched[steps + 1 + t - 1]) / ap - sched[steps + 1 + t - 2];
                for (int i = 0; i < l; i++) {
                    z[i] = (at * z[i] - eHat[i]) / ap - coef * epsHat[i];
                }
            }
            System.arraycopy(z, 0, o, n * l, l);
        });
    }

    /** Linear(2L+1 -> L) + LReLU, then D x (Linear(L -> L) + LReLU), from packed weights. */
    static float[] denoise(float[] w, float[] in, int l, int blocks) {
        float[] h = layer(w, 0, in, 2 * l + 1, l);
        int off = l * (2 * l + 1) + l;
        for (int k = 0; k < blocks; k++) {
            h = layer(w, off, h, l, l);
            off += l * l + l;
        }
        return h;
    }

    private static float[] layer(float[] w, int off, float[] x, int k, int l) {
        float[] out = new float[l];
        int bias = off + l * k;
        for (int r = 0; r < l; r++) {
            float acc = 0f;
            int row = off + r * k;
            for (int i = 0; i < k; i++) {
                acc += w[row + i] * x[i];
            }
            float v = acc + w[bias + r];
            out[r] = v >= 0f ? v : v * SLOPE;
        }
        return out;
    }
}
