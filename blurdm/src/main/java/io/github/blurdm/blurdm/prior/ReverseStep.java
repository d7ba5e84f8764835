package io.github.blurdm.blurdm.prior;

/**
 * One reverse step of the dual denoising-deblurring sampler, in place:
 * {@code z <- (alpha_t z - e_hat) / alpha_{t-1} - c_t eps_hat}, evaluated in float32 in exactly the
 * order the reference does (multiply, subtract, divide; then subtract the rounded product).
 */
public final class ReverseStep {
    private ReverseStep() {
    }

    public static void apply(float[] z, float[] eHat, float[] epsHat, float alphaT, float alphaPrev, float coef) {
        for (int i = 0; i < z.length; i++) {
            z[i] = (alphaT * z[i] - eHat[i]) / alphaPrev - coef * epsHat[i];
        }
    }
}
