package io.github.blurdm.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 8-point transforms of the 8x8 patch fast paths on vectors whose lanes run along a map row, so each
 * group of 8 lanes is one patch row (index b) and the 8 row vectors of a band are a patch's rows (index a).
 * Down the columns (a) everything is lane-wise arithmetic: {@link #rowDft} and {@link #inverseRowDft} are
 * radix-2 butterflies of the 8-point real DFT. Along a row (b) the patch ops are circular convolutions,
 * done by rotating lanes within each group of 8 ({@link #rot}). Loaded only behind {@link VectorSupport}.
 */
final class Patch8Vector {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector; a whole number of patch rows when {@link #fits()}. */
    static final int L = S.length();

    /** ROT[s]: lane i takes lane (i & ~7) | ((i - s) & 7) of its group, i.e. X[(n - s) mod 8] at lane n. */
    private static final VectorShuffle<Float>[] ROT = shuffles(true);
    /** BROADCAST[s]: every lane of a group takes the group's lane s. */
    private static final VectorShuffle<Float>[] BROADCAST = shuffles(false);

    private Patch8Vector() {
    }

    /** Whether vectors hold whole groups of 8 lanes (128-bit vectors do not: the scalar loops run then). */
    static boolean fits() {
        return L % Patch8.P == 0;
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] shuffles(boolean rotate) {
        VectorShuffle<Float>[] out = new VectorShuffle[Patch8.P];
        if (!fits()) {
            return out;
        }
        for (int s = 0; s < Patch8.P; s++) {
            int shift = s;
            out[s] = VectorShuffle.fromOp(S, i -> (i & ~7) | (rotate ? ((i - shift) & 7) : shift));
        }
        return out;
    }

    static FloatVector rot(FloatVector v, int s) {
        return s == 0 ? v : v.rearrange(ROT[s]);
    }

    static FloatVector broadcast(FloatVector v, int s) {
        return v.rearrange(BROADCAST[s]);
    }

    /**
     * The 8-point real DFT down a band's columns: rows x[a] (8 vectors at {@code off}, row stride {@code w})
     * into {@code f} = [X0, X4, Re X1, Im X1, Re X2, Im X2, Re X3, Im X3], X_u = sum_a x[a] w^{-ua}.
     */
    static void rowDft(float[] in, int off, int w, FloatVector[] f) {
        FloatVector x0 = FloatVector.fromArray(S, in, off);
        FloatVector x1 = FloatVector.fromArray(S, in, off + w);
        FloatVector x2 = FloatVector.fromArray(S, in, off + 2 * w);
        FloatVector x3 = FloatVector.fromArray(S, in, off + 3 * w);
        FloatVector x4 = FloatVector.fromArray(S, in, off + 4 * w);
        FloatVector x5 = FloatVector.fromArray(S, in, off + 5 * w);
        FloatVector x6 = FloatVector.fromArray(S, in, off + 6 * w);
        FloatVector x7 = FloatVector.fromArray(S, in, off + 7 * w);
        FloatVector s0 = x0.add(x4);
        FloatVector s1 = x1.add(x5);
        FloatVector s2 = x2.add(x6);
        FloatVector s3 = x3.add(x7);
        FloatVector d0 = x0.sub(x4);
        FloatVector d1 = x1.sub(x5);
        FloatVector d2 = x2.sub(x6);
        FloatVector d3 = x3.sub(x7);
        FloatVector e0 = s0.add(s2);
        FloatVector e1 = s1.add(s3);
        FloatVector t = d1.sub(d3).mul(Patch8.C);
        FloatVector u = d1.add(d3).mul(Patch8.C);
        f[0] = e0.add(e1);
        f[1] = e0.sub(e1);
        f[2] = d0.add(t);
        f[3] = u.add(d2).neg();
        f[4] = s0.sub(s2);
        f[5] = s3.sub(s1);
        f[6] = d0.sub(t);
        f[7] = d2.sub(u);
    }

    /**
     * The inverse of {@link #rowDft} for a real result, with the 1/8 and the factor 2 of the conjugate
     * halves already in {@code o}: out[m] = O0 + (-1)^m O4 + sum_{u=1..3} Re(O_u w^{um}), written as rows
     * at {@code off}.
     */
    static void inverseRowDft(FloatVector[] o, float[] out, int off, int w) {
        FloatVector p = o[0].add(o[1]);
        FloatVector q = o[0].sub(o[1]);
        FloatVector e0 = p.add(o[4]);
        FloatVector e2 = p.sub(o[4]);
        FloatVector e1 = q.sub(o[5]);
        FloatVector e3 = q.add(o[5]);
        FloatVector o0 = o[2].add(o[6]);
        FloatVector o2 = o[7].sub(o[3]);
        FloatVector a = o[2].sub(o[6]);   // OR1 - OR3
        FloatVector b = o[3].add(o[7]);   // OI1 + OI3
        FloatVector o1 = a.sub(b).mul(Patch8.C);
        FloatVector o3 = a.add(b).mul(-Patch8.C);
        e0.add(o0).intoArray(out, off);
        e1.add(o1).intoArray(out, off + w);
        e2.add(o2).intoArray(out, off + 2 * w);
        e3.add(o3).intoArray(out, off + 3 * w);
        e0.sub(o0).intoArray(out, off + 4 * w);
        e1.sub(o1).intoArray(out, off + 5 * w);
        e2.sub(o2).intoArray(out, off + 6 * w);
        e3.sub(o3).intoArray(out, off + 7 * w);
    }
}
