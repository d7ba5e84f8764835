package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * linear, Vector API fast path (same contract as {@link LinearCpu}, the reference): out[m,j] =
 * act(sum_k x[m,k] * w[j,k] + bias[j]), x [M,K], w [N,K] row-major, so every dot product runs
 * along contiguous K (llama3.java's vectorDot): FMA into one vector accumulator per output, one
 * {@code reduceLanes} at the end, scalar tail for K mod lanes.
 *
 * <p>Four outputs j..j+3 are computed together for each row of x: one x load feeds four FMAs, and
 * four independent accumulator chains hide the FMA latency that a single chain would expose on
 * the short K (256, 513) of the BlurDM MLPs. Parallel over output features; small problems
 * (under ~256K MACs per chunk, so every BlurDM GEMV) stay on the calling thread, where the fork-join hand-off would cost
 * more than the work.
 *
 * <p>Versions (2 threads, AMD EPYC Zen 4, JDK 17, JMH, machine loaded by another build; PyTorch
 * 1.13 F.linear takes 9.0 us for 513-&gt;256 and 5.0 us for 256-&gt;256 here):
 * <ul>
 *   <li>v1: split over threads from 64K MACs per chunk. Predicted 513-&gt;256 (131K MACs) about
 *       10-20 us, bound by reading the 525 KB weight matrix. Measured 35 +- 44 us for 513-&gt;256
 *       (two chunks: the fork-join wake-up dominates) but 4.4 us for 256-&gt;256 (one chunk, on the
 *       calling thread), scalar 119 and 68 us.
 *   <li>v2 (this): threshold 256K MACs, so both stay on the calling thread. Predicted about 9 us
 *       for 513-&gt;256 (twice 256-&gt;256's work). Measured (JMH, load 3-7): 12.1 us for
 *       513-&gt;256, 6.1 us for 256-&gt;256 (PyTorch 9.0 and 5.0 us in the same run).
 * </ul>
 */
final class LinearVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private LinearVector() {
    }

    static void forward(Parallel par, Tensor out, Tensor x, Tensor weight, Tensor bias, Activation act) {
        final float[] o = out.data();
        final float[] in = x.data();
        final float[] w = weight.data();
        final float[] b = bias == null ? null : bias.data();
        final int k = weight.dim(1);
        final int nOut = weight.dim(0);
        final int m = x.size() / k;
        int grain = (int) Math.max(4, 262144L / Math.max(1L, (long) m * k));
        par.forRange(nOut, grain, (j0, j1) -> {
            int j = j0;
            for (; j + 4 <= j1; j += 4) {
                for (int r = 0; r < m; r++) {
                    dot4(o, r * nOut + j, in, r * k, w, j * k, k, b, j, act);
                }
            }
            for (; j < j1; j++) {
                float bv = b == null ? 0f : b[j];
                for (int r = 0; r < m; r++) {
                    o[r * nOut + j] = act.apply(dot(in, r * k, w, j * k, k) + bv);
                }
            }
        });
    }

    private static void dot4(float[] o, int oOff, float[] x, int xOff, float[] w, int wOff, int k, float[] b, int j,
                             Activation act) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int bound = S.loopBound(k);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector xv = FloatVector.fromArray(S, x, xOff + i);
            a0 = xv.fma(FloatVector.fromArray(S, w, wOff + i), a0);
            a1 = xv.fma(FloatVector.fromArray(S, w, wOff + k + i), a1);
            a2 = xv.fma(FloatVector.fromArray(S, w, wOff + 2 * k + i), a2);
            a3 = xv.fma(FloatVector.fromArray(S, w, wOff + 3 * k + i), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < k; i++) {
            float xv = x[xOff + i];
            s0 += xv * w[wOff + i];
            s1 += xv * w[wOff + k + i];
            s2 += xv * w[wOff + 2 * k + i];
            s3 += xv * w[wOff + 3 * k + i];
        }
        o[oOff] = act.apply(s0 + (b == null ? 0f : b[j]));
        o[oOff + 1] = act.apply(s1 + (b == null ? 0f : b[j + 1]));
        o[oOff + 2] = act.apply(s2 + (b == null ? 0f : b[j + 2]));
        o[oOff + 3] = act.apply(s3 + (b == null ? 0f : b[j + 3]));
    }

    private static float dot(float[] x, int xOff, float[] w, int wOff, int k) {
        FloatVector acc = FloatVector.zero(S);
        int bound = S.loopBound(k);
        int i = 0;
        for (; i < bound; i += S.length()) {
            acc = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, w, wOff + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < k; i++) {
            s += x[xOff + i] * w[wOff + i];
        }
        return s;
    }
}
