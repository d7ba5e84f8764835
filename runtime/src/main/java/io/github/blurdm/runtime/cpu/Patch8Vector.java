package io.github.blurdm.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 8-point transforms of the 8x8 patch fast paths on vectors whose lanes run along a map row, so each
 * group of 8 lanes is one patch row (index b) and the 8 row vectors of a band are a patch's rows (index a).
 * Down the columns (a) everything is lane-wise arithmetic: {@link #rowDft} and {@link #inverseRowDft} are
 * radix-2 butterflies of the 8-point real DFT. Along a row (b) the patch ops are circular convolutions,
 * done by rotating lanes within each group of 8 (ROT1..ROT7) or broadcasting one lane of each group
 * (LANE0..LANE7).
 *
 * <p>Why the code is written out: a vector stored into an array, passed to or returned from a method that
 * C2 does not inline, or carried around a loop it cannot count, becomes a heap object (measured: about
 * 30 bytes allocated per value and 5-10x the time). So intermediate rows go through float buffers, taps
 * are unrolled, shuffles are constants. Loaded only behind {@link VectorSupport}.
 */
final class Patch8Vector {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector; a whole number of patch rows when {@link #fits()}. */
    static final int L = S.length();

    static final VectorShuffle<Float> ROT1 = rotation(1);
    static final VectorShuffle<Float> ROT2 = rotation(2);
    static final VectorShuffle<Float> ROT3 = rotation(3);
    static final VectorShuffle<Float> ROT4 = rotation(4);
    static final VectorShuffle<Float> ROT5 = rotation(5);
    static final VectorShuffle<Float> ROT6 = rotation(6);
    static final VectorShuffle<Float> ROT7 = rotation(7);
    static final VectorShuffle<Float> LANE0 = lane(0);
    static final VectorShuffle<Float> LANE1 = lane(1);
    static final VectorShuffle<Float> LANE2 = lane(2);
    static final VectorShuffle<Float> LANE3 = lane(3);
    static final VectorShuffle<Float> LANE4 = lane(4);
    static final VectorShuffle<Float> LANE5 = lane(5);
    static final VectorShuffle<Float> LANE6 = lane(6);
    static final VectorShuffle<Float> LANE7 = lane(7);

    private Patch8Vector() {
    }

    /** Whether vectors hold whole groups of 8 lanes (128-bit vectors do not: the scalar loops run then). */
    static boolean fits() {
        return L % Patch8.P == 0;
    }

    /** Lane i takes lane (i & ~7) | ((i - s) & 7) of its group: X[(n - s) mod 8] at lane n. */
    private static VectorShuffle<Float> rotation(int s) {
        return fits() ? VectorShuffle.fromOp(S, i -> (i & ~7) | ((i - s) & 7)) : null;
    }

    /** Every lane of a group takes the group's lane s. */
    private static VectorShuffle<Float> lane(int s) {
        return fits() ? VectorShuffle.fromOp(S, i -> (i & ~7) | s) : null;
    }

    /**
     * The 8-point real DFT down a band's columns: rows x[a] (8 vectors at {@code off}, row stride {@code w})
     * into rows of {@code f} at {@code fo} (stride L): [X0, X4, Re X1, Im X1, Re X2, Im X2, Re X3, Im X3],
     * X_u = sum_a x[a] w^{-ua}, w = e^{2 pi i/8}.
     */
    static void rowDft(float[] in, int off, int w, float[] f, int fo) {
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
        e0.add(e1).intoArray(f, fo);
        e0.sub(e1).intoArray(f, fo + L);
        d0.add(t).intoArray(f, fo + 2 * L);
        u.add(d2).neg().intoArray(f, fo + 3 * L);
        s0.sub(s2).intoArray(f, fo + 4 * L);
        s3.sub(s1).intoArray(f, fo + 5 * L);
        d0.sub(t).intoArray(f, fo + 6 * L);
        d2.sub(u).intoArray(f, fo + 7 * L);
    }

    /**
     * The inverse of {@link #rowDft} for a real result, with the 1/8 and the factor 2 of the conjugate
     * halves already in {@code r} (rows at {@code ro}, stride L: O0, O4, Re O1, Im O1, ...): out[m] = O0 +
     * (-1)^m O4 + sum_{u=1..3} Re(O_u w^{um}), written as rows at {@code off} with stride {@code w}.
     */
    static void inverseRowDft(float[] r, int ro, float[] out, int off, int w) {
        FloatVector o0v = FloatVector.fromArray(S, r, ro);
        FloatVector o4v = FloatVector.fromArray(S, r, ro + L);
        FloatVector or1 = FloatVector.fromArray(S, r, ro + 2 * L);
        FloatVector oi1 = FloatVector.fromArray(S, r, ro + 3 * L);
        FloatVector or2 = FloatVector.fromArray(S, r, ro + 4 * L);
        FloatVector oi2 = FloatVector.fromArray(S, r, ro + 5 * L);
        FloatVector or3 = FloatVector.fromArray(S, r, ro + 6 * L);
        FloatVector oi3 = FloatVector.fromArray(S, r, ro + 7 * L);
        FloatVector p = o0v.add(o4v);
        FloatVector q = o0v.sub(o4v);
        FloatVector e0 = p.add(or2);
        FloatVector e2 = p.sub(or2);
        FloatVector e1 = q.sub(oi2);
        FloatVector e3 = q.add(oi2);
        FloatVector o0 = or1.add(or3);
        FloatVector o2 = oi3.sub(oi1);
        FloatVector a = or1.sub(or3);
        FloatVector b = oi1.add(oi3);
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
