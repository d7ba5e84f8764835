package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * attention, Vector API fast path (same contract as {@link AttentionCpu}, the reference). Stripformer has two
 * shapes, and each gets its own score loop:
 * <ul>
 *   <li>short heads (d &lt;= {@value #SHORT_HEAD}; intra-strip attention, d = 32, T = a row or column of up
 *       to a few hundred pixels): per (b, head) the keys are copied transposed, [d][T], so a score vector
 *       covers a vector of keys: scores of 4 queries at once, each FMA a broadcast query feature (from a small
 *       copy of the 4 query rows, in L1) times a key vector, no horizontal sums.
 *   <li>long heads (inter-strip attention, d = 32 W or 32 H: few tokens, vectors of thousands of features):
 *       dot products along d in slices of {@value #SLICE} features, so the 4 query slices of a register tile
 *       (4 queries x 2 keys, 8 accumulators) stay in L1 while every key streams by once; the slices' partial
 *       sums add up in the score rows.
 * </ul>
 * Then per row: maximum, {@link VectorMath#exp} of the differences, float sum, one multiply by the reciprocal;
 * and out = P V with 4 queries x up to 2 feature vectors per register tile, the features in slices so the V
 * slice of all keys stays in cache while every query of the job uses it. Parallel over (b, head, block of
 * queries); all loops read locals only.
 */
final class AttentionVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Longest head (d) that takes the transposed-keys loop. */
    static final int SHORT_HEAD = 128;
    /** Features per slice of a long head's dot products: 4 query slices of 2 KiB stay in L1. */
    private static final int SLICE = 512;
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
                int img = pair / heads;
                int h = pair % heads;
                int qBase = img * t * 3 * f + h * d;
                int tp = (t + L - 1) / L * L;
                float[] sc = Scratch.get(Scratch.Slot.JOB_B, (q1 - q0) * tp);
                if (d <= SHORT_HEAD) {
                    shortScores(in, qBase, 3 * f, f, t, tp, d, scale, q0, q1, sc);
                } else {
                    longScores(in, qBase, 3 * f, f, t, tp, d, scale, q0, q1, sc);
                }
                float[] inv = softmaxRows(sc, q1 - q0, t, tp);
                weightedValues(in, qBase + 2 * f, 3 * f, o, img * t * f + h * d, f, t, tp, d, q0, q1, sc, inv);
            }
        });
    }

    /** Score rows of queries q0..q1-1 (row r at sc[(r - q0) * tp]), keys copied transposed first. */
    private static void shortScores(float[] in, int qBase, int row, int f, int t, int tp, int d, float scale, int q0,
                                    int q1, float[] sc) {
        float[] kt = Scratch.get(Scratch.Slot.JOB_A, d * tp + QB * d);
        int kBase = qBase + f;
        for (int c = 0; c < d; c++) {
            int dst = c * tp;
            for (int j = 0; j < t; j++) {
                kt[dst + j] = in[kBase + j * row + c];
            }
            for (int j = t; j < tp; j++) {
                kt[dst + j] = 0f;
            }
        }
        int qs = d * tp;   // the 4 query rows of a tile, scaled, interleaved [c][4], after the keys
        for (int q = q0; q < q1; q += QB) {
            int n = Math.min(QB, q1 - q);
            for (int r = 0; r < QB; r++) {
                int src = qBase + (q + Math.min(r, n - 1)) * row;   // rows past the block repeat its last query
                for (int c = 0; c < d; c++) {
                    kt[qs + c * QB + r] = in[src + c] * scale;
                }
            }
            int s0 = (q - q0) * tp;
            int s1 = s0 + Math.min(1, n - 1) * tp;
            int s2 = s0 + Math.min(2, n - 1) * tp;
            int s3 = s0 + Math.min(3, n - 1) * tp;
            for (int j = 0; j < tp; j += L) {
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                for (int c = 0, k = j, qi = qs; c < d; c++, k += tp, qi += QB) {
                    FloatVector kv = FloatVector.fromArray(S, kt, k);
                    a0 = kv.fma(FloatVector.broadcast(S, kt[qi]), a0);
                    a1 = kv.fma(FloatVector.broadcast(S, kt[qi + 1]), a1);
                    a2 = kv.fma(FloatVector.broadcast(S, kt[qi + 2]), a2);
                    a3 = kv.fma(FloatVector.broadcast(S, kt[qi + 3]), a3);
                }
                // rows past the block repeat its last query, so their duplicate stores write the same values
                a3.intoArray(sc, s3 + j);
                a2.intoArray(sc, s2 + j);
                a1.intoArray(sc, s1 + j);
                a0.intoArray(sc, s0 + j);
            }
        }
    }

    /** Score rows as dot products along d, slice by slice. */
    private static void longScores(float[] in, int qBase, int row, int f, int t, int tp, int d, float scale, int q0,
                                   int q1, float[] sc) {
        int kBase = qBase + f;
        float[] dots = new float[2 * QB];
        for (int i = 0; i < (q1 - q0) * tp; i++) {
            sc[i] = 0f;
        }
        for (int c0 = 0; c0 < d; c0 += SLICE) {
            int c1 = Math.min(d, c0 + SLICE);
            int bound = c0 + (c1 - c0) / L * L;
            for (int q = q0; q < q1; q += QB) {
                int n = Math.min(QB, q1 - q);
                int a0 = qBase + q * row;
                int a1 = qBase + (q + Math.min(1, n - 1)) * row;
                int a2 = qBase + (q + Math.min(2, n - 1)) * row;
                int a3 = qBase + (q + Math.min(3, n - 1)) * row;
                int s0 = (q - q0) * tp;
                int j = 0;
                for (; j + 2 <= t; j += 2) {
                    int k0 = kBase + j * row;
                    int k1 = k0 + row;
                    keyPairTile(in, a0, a1, a2, a3, k0, k1, c0, bound, dots);
                    sc[s0 + j] += dots[0] + tail(in, a0, k0, bound, c1);
                    sc[s0 + j + 1] += dots[1] + tail(in, a0, k1, bound, c1);
                    if (n > 1) {
                        sc[s0 + tp + j] += dots[2] + tail(in, a1, k0, bound, c1);
                        sc[s0 + tp + j + 1] += dots[3] + tail(in, a1, k1, bound, c1);
                    }
                    if (n > 2) {
                        sc[s0 + 2 * tp + j] += dots[4] + tail(in, a2, k0, bound, c1);
                        sc[s0 + 2 * tp + j + 1] += dots[5] + tail(in, a2, k1, bound, c1);
                    }
                    if (n > 3) {
                        sc[s0 + 3 * tp + j] += dots[6] + tail(in, a3, k0, bound, c1);
                        sc[s0 + 3 * tp + j + 1] += dots[7] + tail(in, a3, k1, bound, c1);
                    }
                }
                for (; j < t; j++) {
                    int k0 = kBase + j * row;
                    for (int r = 0; r < n; r++) {
                        int a = qBase + (q + r) * row;
                        sc[s0 + r * tp + j] += dot(in, a, k0, c0, bound) + tail(in, a, k0, bound, c1);
                    }
                }
            }
        }
        for (int r = 0; r < q1 - q0; r++) {
            for (int j = 0; j < t; j++) {
                sc[r * tp + j] *= scale;
            }
        }
    }

    /**
     * dots = the 8 dot products of queries a0..a3 with keys k0, k1 over features c0..bound (whole vectors),
     * in the order (a0 k0, a0 k1, a1 k0, ...). A method of its own, called per slice, rather than a loop inside
     * longScores: each call is short, so it is compiled as a method and stays compiled; inside one long call, a
     * deoptimisation sent the rest of the call to the interpreter, where every vector operation allocates (a
     * fifth of Stripformer's first 1280x720 image ran there).
     */
    private static void keyPairTile(float[] in, int a0, int a1, int a2, int a3, int k0, int k1, int c0, int bound,
                                    float[] dots) {
        FloatVector p00 = FloatVector.zero(S);
        FloatVector p01 = p00;
        FloatVector p10 = p00;
        FloatVector p11 = p00;
        FloatVector p20 = p00;
        FloatVector p21 = p00;
        FloatVector p30 = p00;
        FloatVector p31 = p00;
        for (int c = c0; c < bound; c += L) {
            FloatVector x0 = FloatVector.fromArray(S, in, k0 + c);
            FloatVector x1 = FloatVector.fromArray(S, in, k1 + c);
            FloatVector y = FloatVector.fromArray(S, in, a0 + c);
            p00 = y.fma(x0, p00);
            p01 = y.fma(x1, p01);
            y = FloatVector.fromArray(S, in, a1 + c);
            p10 = y.fma(x0, p10);
            p11 = y.fma(x1, p11);
            y = FloatVector.fromArray(S, in, a2 + c);
            p20 = y.fma(x0, p20);
            p21 = y.fma(x1, p21);
            y = FloatVector.fromArray(S, in, a3 + c);
            p30 = y.fma(x0, p30);
            p31 = y.fma(x1, p31);
        }
        dots[0] = p00.reduceLanes(VectorOperators.ADD);
        dots[1] = p01.reduceLanes(VectorOperators.ADD);
        dots[2] = p10.reduceLanes(VectorOperators.ADD);
        dots[3] = p11.reduceLanes(VectorOperators.ADD);
        dots[4] = p20.reduceLanes(VectorOperators.ADD);
        dots[5] = p21.reduceLanes(VectorOperators.ADD);
        dots[6] = p30.reduceLanes(VectorOperators.ADD);
        dots[7] = p31.reduceLanes(VectorOperators.ADD);
    }

    /** The dot product of rows a and k over features c0..bound (whole vectors), for an odd key. */
    private static float dot(float[] in, int a, int k, int c0, int bound) {
        FloatVector acc = FloatVector.zero(S);
        for (int c = c0; c < bound; c += L) {
            acc = FloatVector.fromArray(S, in, a + c).fma(FloatVector.fromArray(S, in, k + c), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    private static float tail(float[] in, int a, int k, int from, int to) {
        float s = 0f;
        for (int c = from; c < to; c++) {
            s += in[a + c] * in[k + c];
        }
        return s;
    }

    /** Rows 0..n-1 of {@code sc} (length t each, stride tp) become exp(s - max); returns 1 / sum per row. */
    private static float[] softmaxRows(float[] sc, int n, int t, int tp) {
        float[] inv = new float[n];
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
            inv[r] = 1f / VectorMath.exp(sc, off, t, max);
        }
        return inv;
    }

    /**
     * out rows q0..q1-1 = (sum_j p_j v_j) / sum: the features in chunks of 2 vectors (then 1, then a scalar tail),
     * 4 queries x one chunk per register tile.
     */
    private static void weightedValues(float[] in, int vBase, int row, float[] o, int oBase, int f, int t, int tp,
                                       int d, int q0, int q1, float[] sc, float[] inv) {
        int c = 0;
        for (; c + 2 * L <= d; c += 2 * L) {
            for (int q = q0; q < q1; q += QB) {
                int n = Math.min(QB, q1 - q);
                int s0 = (q - q0) * tp;
                int s1 = s0 + Math.min(1, n - 1) * tp;
                int s2 = s0 + Math.min(2, n - 1) * tp;
                int s3 = s0 + Math.min(3, n - 1) * tp;
                valueTile2(in, vBase + c, row, t, sc, s0, s1, s2, s3, o, oBase + q * f + c, f, inv, q - q0, n);
            }
        }
        for (; c + L <= d; c += L) {
            for (int q = q0; q < q1; q += QB) {
                int n = Math.min(QB, q1 - q);
                int s0 = (q - q0) * tp;
                int s1 = s0 + Math.min(1, n - 1) * tp;
                int s2 = s0 + Math.min(2, n - 1) * tp;
                int s3 = s0 + Math.min(3, n - 1) * tp;
                valueTile1(in, vBase + c, row, t, sc, s0, s1, s2, s3, o, oBase + q * f + c, f, inv, q - q0, n);
            }
        }
        for (; c < d; c++) {
            for (int r = 0; r < q1 - q0; r++) {
                float acc = 0f;
                for (int j = 0, v = vBase + c; j < t; j++, v += row) {
                    acc += sc[r * tp + j] * in[v];
                }
                o[oBase + (q0 + r) * f + c] = acc * inv[r];
            }
        }
    }

    /**
     * out rows r0..r0+n-1 of one 2-vector chunk (at dst, row stride f) = sum_j p_j v_j times the row's
     * reciprocal sum, v from feature offset v of key 0 (key stride row). Short methods per register tile, for the
     * reason given at {@link #keyPairTile}.
     */
    private static void valueTile2(float[] in, int v, int row, int t, float[] sc, int s0, int s1, int s2, int s3,
                                   float[] o, int dst, int f, float[] inv, int r0, int n) {
        FloatVector o00 = FloatVector.zero(S);
        FloatVector o01 = o00;
        FloatVector o10 = o00;
        FloatVector o11 = o00;
        FloatVector o20 = o00;
        FloatVector o21 = o00;
        FloatVector o30 = o00;
        FloatVector o31 = o00;
        for (int j = 0; j < t; j++, v += row) {
            FloatVector v0 = FloatVector.fromArray(S, in, v);
            FloatVector v1 = FloatVector.fromArray(S, in, v + L);
            FloatVector p = FloatVector.broadcast(S, sc[s0 + j]);
            o00 = v0.fma(p, o00);
            o01 = v1.fma(p, o01);
            p = FloatVector.broadcast(S, sc[s1 + j]);
            o10 = v0.fma(p, o10);
            o11 = v1.fma(p, o11);
            p = FloatVector.broadcast(S, sc[s2 + j]);
            o20 = v0.fma(p, o20);
            o21 = v1.fma(p, o21);
            p = FloatVector.broadcast(S, sc[s3 + j]);
            o30 = v0.fma(p, o30);
            o31 = v1.fma(p, o31);
        }
        o00.mul(inv[r0]).intoArray(o, dst);
        o01.mul(inv[r0]).intoArray(o, dst + L);
        if (n > 1) {
            o10.mul(inv[r0 + 1]).intoArray(o, dst + f);
            o11.mul(inv[r0 + 1]).intoArray(o, dst + f + L);
        }
        if (n > 2) {
            o20.mul(inv[r0 + 2]).intoArray(o, dst + 2 * f);
            o21.mul(inv[r0 + 2]).intoArray(o, dst + 2 * f + L);
        }
        if (n > 3) {
            o30.mul(inv[r0 + 3]).intoArray(o, dst + 3 * f);
            o31.mul(inv[r0 + 3]).intoArray(o, dst + 3 * f + L);
        }
    }

    /** {@link #valueTile2} for a 1-vector chunk. */
    private static void valueTile1(float[] in, int v, int row, int t, float[] sc, int s0, int s1, int s2, int s3,
                                   float[] o, int dst, int f, float[] inv, int r0, int n) {
        FloatVector o0 = FloatVector.zero(S);
        FloatVector o1 = o0;
        FloatVector o2 = o0;
        FloatVector o3 = o0;
        for (int j = 0; j < t; j++, v += row) {
            FloatVector v0 = FloatVector.fromArray(S, in, v);
            o0 = v0.fma(FloatVector.broadcast(S, sc[s0 + j]), o0);
            o1 = v0.fma(FloatVector.broadcast(S, sc[s1 + j]), o1);
            o2 = v0.fma(FloatVector.broadcast(S, sc[s2 + j]), o2);
            o3 = v0.fma(FloatVector.broadcast(S, sc[s3 + j]), o3);
        }
        o0.mul(inv[r0]).intoArray(o, dst);
        if (n > 1) {
            o1.mul(inv[r0 + 1]).intoArray(o, dst + f);
        }
        if (n > 2) {
            o2.mul(inv[r0 + 2]).intoArray(o, dst + 2 * f);
        }
        if (n > 3) {
            o3.mul(inv[r0 + 3]).intoArray(o, dst + 3 * f);
        }
    }
}
