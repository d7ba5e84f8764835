package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * attention, Vector API fast path (same contract as {@link AttentionCpu}, the reference). Stripformer has two
 * shapes, and each gets its own loop:
 * <ul>
 *   <li>short heads (d &lt;= {@value #SHORT_HEAD}; intra-strip attention, d = 32, T = a row or column of up
 *       to a few hundred pixels): per (b, head) the keys are copied transposed, [d][T], so a score vector
 *       covers a vector of keys: scores of 4 queries at once, each FMA a broadcast query feature times a key
 *       vector, no horizontal sums. Then out = P V with 4 queries x one vector of features per pass.
 *   <li>long heads (inter-strip attention, d = 32 W or 32 H: few tokens, vectors of thousands of features):
 *       scores as dot products along d, 4 queries x 2 keys per register tile (8 accumulators, one
 *       {@code reduceLanes} each at the end), then out = P V in chunks of 2 feature vectors x 4 queries.
 * </ul>
 * The softmax runs on each row of scores: maximum, {@link VectorMath#exp} of the differences, float sum, one
 * multiply by the reciprocal. Parallel over (b, head, block of queries).
 */
final class AttentionVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Longest head (d) that takes the transposed-keys loop. */
    static final int SHORT_HEAD = 128;
    /** Queries per register tile. */
    private static final int QB = 4;

    private AttentionVector() {
    }

    static void forward(Parallel par, Tensor out, Tensor qkv, int heads, float scale) {
        int b = qkv.dim(0);
        int t = qkv.dim(1);
        int f = qkv.dim(2) / 3;
        int d = f / heads;
        int pairs = b * heads;
        // enough jobs for every thread, each at least 16 queries so the transposed keys are amortised
        int parts = Math.max(1, Math.min((t + 15) / 16, (4 * par.threads() + pairs - 1) / pairs));
        float[] o = out.data();
        float[] in = qkv.data();
        par.forRange(pairs * parts, 1, (lo, hi) -> {
            for (int job = lo; job < hi; job++) {
                int pair = job / parts;
                int part = job % parts;
                int q0 = (int) ((long) t * part / parts);
                int q1 = (int) ((long) t * (part + 1) / parts);
                Head hd = new Head(in, o, pair / heads, pair % heads, t, f, d, scale);
                if (d <= SHORT_HEAD) {
                    hd.shortHead(q0, q1);
                } else {
                    hd.longHead(q0, q1);
                }
            }
        });
    }

    /** One (batch item, head): where its q, k, v and output live. */
    private static final class Head {
        final float[] in;
        final float[] o;
        final int t;
        final int f;
        final int d;
        final int row;
        final int qBase;
        final int kBase;
        final int vBase;
        final int oBase;
        final float scale;
        /** Scores row length: t rounded up to whole vectors. */
        final int tp;

        Head(float[] in, float[] o, int img, int h, int t, int f, int d, float scale) {
            this.in = in;
            this.o = o;
            this.t = t;
            this.f = f;
            this.d = d;
            this.row = 3 * f;
            this.qBase = img * t * row + h * d;
            this.kBase = qBase + f;
            this.vBase = qBase + 2 * f;
            this.oBase = img * t * f + h * d;
            this.scale = scale;
            this.tp = (t + L - 1) / L * L;
        }

        void shortHead(int q0, int q1) {
            float[] kt = Scratch.get(Scratch.Slot.JOB_A, d * tp);
            for (int c = 0; c < d; c++) {
                int dst = c * tp;
                for (int j = 0; j < t; j++) {
                    kt[dst + j] = in[kBase + j * row + c];
                }
                for (int j = t; j < tp; j++) {
                    kt[dst + j] = 0f;
                }
            }
            float[] sc = Scratch.get(Scratch.Slot.JOB_B, QB * tp);
            for (int q = q0; q < q1; q += QB) {
                int n = Math.min(QB, q1 - q);
                // rows past the block repeat its last query: no branches in the tile, results not stored
                int a0 = qBase + q * row;
                int a1 = qBase + (q + Math.min(1, n - 1)) * row;
                int a2 = qBase + (q + Math.min(2, n - 1)) * row;
                int a3 = qBase + (q + Math.min(3, n - 1)) * row;
                for (int j = 0; j < tp; j += L) {
                    FloatVector s0 = FloatVector.zero(S);
                    FloatVector s1 = s0;
                    FloatVector s2 = s0;
                    FloatVector s3 = s0;
                    for (int c = 0; c < d; c++) {
                        FloatVector k = FloatVector.fromArray(S, kt, c * tp + j);
                        s0 = k.fma(FloatVector.broadcast(S, in[a0 + c]), s0);
                        s1 = k.fma(FloatVector.broadcast(S, in[a1 + c]), s1);
                        s2 = k.fma(FloatVector.broadcast(S, in[a2 + c]), s2);
                        s3 = k.fma(FloatVector.broadcast(S, in[a3 + c]), s3);
                    }
                    s0.mul(scale).intoArray(sc, j);
                    s1.mul(scale).intoArray(sc, tp + j);
                    s2.mul(scale).intoArray(sc, 2 * tp + j);
                    s3.mul(scale).intoArray(sc, 3 * tp + j);
                }
                float[] inv = softmaxRows(sc, n);
                weightedValues(sc, inv, q, n);
            }
        }

        void longHead(int q0, int q1) {
            float[] sc = Scratch.get(Scratch.Slot.JOB_B, QB * tp);
            int bound = S.loopBound(d);
            for (int q = q0; q < q1; q += QB) {
                int n = Math.min(QB, q1 - q);
                int a0 = qBase + q * row;
                int a1 = qBase + (q + Math.min(1, n - 1)) * row;
                int a2 = qBase + (q + Math.min(2, n - 1)) * row;
                int a3 = qBase + (q + Math.min(3, n - 1)) * row;
                int j = 0;
                for (; j + 2 <= t; j += 2) {
                    int k0 = kBase + j * row;
                    int k1 = k0 + row;
                    FloatVector s00 = FloatVector.zero(S);
                    FloatVector s01 = s00;
                    FloatVector s10 = s00;
                    FloatVector s11 = s00;
                    FloatVector s20 = s00;
                    FloatVector s21 = s00;
                    FloatVector s30 = s00;
                    FloatVector s31 = s00;
                    for (int c = 0; c < bound; c += L) {
                        FloatVector x0 = FloatVector.fromArray(S, in, k0 + c);
                        FloatVector x1 = FloatVector.fromArray(S, in, k1 + c);
                        FloatVector y = FloatVector.fromArray(S, in, a0 + c);
                        s00 = y.fma(x0, s00);
                        s01 = y.fma(x1, s01);
                        y = FloatVector.fromArray(S, in, a1 + c);
                        s10 = y.fma(x0, s10);
                        s11 = y.fma(x1, s11);
                        y = FloatVector.fromArray(S, in, a2 + c);
                        s20 = y.fma(x0, s20);
                        s21 = y.fma(x1, s21);
                        y = FloatVector.fromArray(S, in, a3 + c);
                        s30 = y.fma(x0, s30);
                        s31 = y.fma(x1, s31);
                    }
                    sc[j] = scale * (s00.reduceLanes(VectorOperators.ADD) + tail(a0, k0, bound));
                    sc[j + 1] = scale * (s01.reduceLanes(VectorOperators.ADD) + tail(a0, k1, bound));
                    sc[tp + j] = scale * (s10.reduceLanes(VectorOperators.ADD) + tail(a1, k0, bound));
                    sc[tp + j + 1] = scale * (s11.reduceLanes(VectorOperators.ADD) + tail(a1, k1, bound));
                    sc[2 * tp + j] = scale * (s20.reduceLanes(VectorOperators.ADD) + tail(a2, k0, bound));
                    sc[2 * tp + j + 1] = scale * (s21.reduceLanes(VectorOperators.ADD) + tail(a2, k1, bound));
                    sc[3 * tp + j] = scale * (s30.reduceLanes(VectorOperators.ADD) + tail(a3, k0, bound));
                    sc[3 * tp + j + 1] = scale * (s31.reduceLanes(VectorOperators.ADD) + tail(a3, k1, bound));
                }
                for (; j < t; j++) {
                    int k0 = kBase + j * row;
                    sc[j] = scale * dot(a0, k0, bound);
                    sc[tp + j] = scale * dot(a1, k0, bound);
                    sc[2 * tp + j] = scale * dot(a2, k0, bound);
                    sc[3 * tp + j] = scale * dot(a3, k0, bound);
                }
                float[] inv = softmaxRows(sc, n);
                weightedValues(sc, inv, q, n);
            }
        }

        private float dot(int a, int k, int bound) {
            FloatVector acc = FloatVector.zero(S);
            for (int c = 0; c < bound; c += L) {
                acc = FloatVector.fromArray(S, in, a + c).fma(FloatVector.fromArray(S, in, k + c), acc);
            }
            return acc.reduceLanes(VectorOperators.ADD) + tail(a, k, bound);
        }

        private float tail(int a, int k, int from) {
            float s = 0f;
            for (int c = from; c < d; c++) {
                s += in[a + c] * in[k + c];
            }
            return s;
        }

        /** Rows 0..n-1 of {@code sc} (length t each, stride tp) become exp(s - max); returns 1 / sum per row. */
        private float[] softmaxRows(float[] sc, int n) {
            float[] inv = new float[QB];
            int bound = S.loopBound(t);
            for (int r = 0; r < n; r++) {
                int off = r * tp;
                FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                int j = 0;
                for (; j < bound; j += L) {
                    mv = mv.max(FloatVector.fromArray(S, sc, off + j));
                }
                float max = mv.reduceLanes(VectorOperators.MAX);
                for (; j < t; j++) {
                    max = Math.max(max, sc[off + j]);
                }
                FloatVector sum = FloatVector.zero(S);
                for (j = 0; j < bound; j += L) {
                    FloatVector e = VectorMath.exp(FloatVector.fromArray(S, sc, off + j).sub(max));
                    e.intoArray(sc, off + j);
                    sum = sum.add(e);
                }
                float total = sum.reduceLanes(VectorOperators.ADD);
                for (; j < t; j++) {
                    float e = (float) Math.exp(sc[off + j] - max);
                    sc[off + j] = e;
                    total += e;
                }
                inv[r] = 1f / total;
            }
            return inv;
        }

        /** out rows q..q+n-1 = (sum_j p_j v_j) / sum, 4 queries x one feature vector at a time. */
        private void weightedValues(float[] sc, float[] inv, int q, int n) {
            int r1 = Math.min(1, n - 1) * tp;
            int r2 = Math.min(2, n - 1) * tp;
            int r3 = Math.min(3, n - 1) * tp;
            int bound = S.loopBound(d);
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector o0 = FloatVector.zero(S);
                FloatVector o1 = o0;
                FloatVector o2 = o0;
                FloatVector o3 = o0;
                for (int j = 0; j < t; j++) {
                    FloatVector v = FloatVector.fromArray(S, in, vBase + j * row + c);
                    o0 = v.fma(FloatVector.broadcast(S, sc[j]), o0);
                    o1 = v.fma(FloatVector.broadcast(S, sc[r1 + j]), o1);
                    o2 = v.fma(FloatVector.broadcast(S, sc[r2 + j]), o2);
                    o3 = v.fma(FloatVector.broadcast(S, sc[r3 + j]), o3);
                }
                int dst = oBase + q * f + c;
                o0.mul(inv[0]).intoArray(o, dst);
                if (n > 1) {
                    o1.mul(inv[1]).intoArray(o, dst + f);
                }
                if (n > 2) {
                    o2.mul(inv[2]).intoArray(o, dst + 2 * f);
                }
                if (n > 3) {
                    o3.mul(inv[3]).intoArray(o, dst + 3 * f);
                }
            }
            for (; c < d; c++) {
                for (int r = 0; r < n; r++) {
                    float acc = 0f;
                    for (int j = 0; j < t; j++) {
                        acc += sc[r * tp + j] * in[vBase + j * row + c];
                    }
                    o[oBase + (q + r) * f + c] = acc * inv[r];
                }
            }
        }
    }
}
