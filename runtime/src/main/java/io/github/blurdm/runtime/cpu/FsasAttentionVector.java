package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;
import jdk.incubator.vector.FloatVector;

/**
 * fsas_attention, Vector API fast path (same contract as {@link FsasAttentionCpu}, the reference). Per band
 * of 8 rows and L lanes (L/8 patches side by side), channel by channel: the 8-point real DFT of q and k down
 * the patch columns ({@link Patch8Vector#rowDft}), per frequency the circular convolution of the two rows
 * along each patch row (the q row rotated, the k row's lane broadcast within its group of 8: 2 real and 3
 * complex products), the inverse DFT down the columns into a [C][8][L] buffer; then the LayerNorm over C
 * per lane (mean, then centred variance, in float), its affine and the v gate, written straight to out.
 * Written out tap by tap for the reason {@link Patch8Vector} gives. The columns past the last full vector
 * go through the reference. Parallel over (n, band).
 */
final class FsasAttentionVector {
    private static final int L = Patch8Vector.L;

    private FsasAttentionVector() {
    }

    static boolean applies() {
        return Patch8Vector.fits();
    }

    static void forward(Parallel par, Tensor out, Tensor q, Tensor k, Tensor v, Tensor weight, Tensor bias,
                        float eps) {
        final float[] o = out.data();
        final float[] qd = q.data();
        final float[] kd = k.data();
        final float[] vd = v.data();
        final float[] g = weight == null ? null : weight.data();
        final float[] bb = bias == null ? null : bias.data();
        final int c = out.dim(1);
        final int h = out.dim(2);
        final int w = out.dim(3);
        final int bands = h / Patch8.P;
        final int full = w / L * L;
        par.forEach(out.dim(0) * bands, job -> {
            int n = job / bands;
            int py = (job % bands) * Patch8.P;
            int plane = h * w;
            // [C][8][L] convolutions, then q's and k's DFT rows, the product's rows, mean and 1/std rows
            float[] buf = Scratch.get(Scratch.Slot.JOB_A, c * 8 * L + 40 * L);
            int fq = c * 8 * L;
            int fk = fq + 8 * L;
            int r = fk + 8 * L;
            int stat = r + 8 * L;
            for (int x0 = 0; x0 < full; x0 += L) {
                int pix = py * w + x0;
                for (int ch = 0; ch < c; ch++) {
                    Patch8Vector.rowDft(qd, (n * c + ch) * plane + pix, w, buf, fq);
                    Patch8Vector.rowDft(kd, (n * c + ch) * plane + pix, w, buf, fk);
                    // the inverse's 1/8 and the factor 2 of the conjugate halves go on k
                    real(buf, fq, fk, 0.125f, r);
                    real(buf, fq + L, fk + L, 0.125f, r + L);
                    complex(buf, fq + 2 * L, fk + 2 * L, r + 2 * L);
                    complex(buf, fq + 4 * L, fk + 4 * L, r + 4 * L);
                    complex(buf, fq + 6 * L, fk + 6 * L, r + 6 * L);
                    Patch8Vector.inverseRowDft(buf, r, buf, ch * 8 * L, L);
                }
                for (int m = 0; m < 8; m++) {
                    stats(buf, m, c, eps, stat);
                }
                for (int ch = 0; ch < c; ch++) {
                    int oo = (n * c + ch) * plane + pix;
                    float gc = g == null ? 1f : g[ch];
                    float bc = bb == null ? 0f : bb[ch];
                    for (int m = 0; m < 8; m++) {
                        FloatVector y = FloatVector.fromArray(Patch8Vector.S, buf, (ch * 8 + m) * L)
                                .sub(FloatVector.fromArray(Patch8Vector.S, buf, stat + m * L))
                                .mul(FloatVector.fromArray(Patch8Vector.S, buf, stat + (8 + m) * L));
                        y = y.fma(FloatVector.broadcast(Patch8Vector.S, gc), FloatVector.broadcast(Patch8Vector.S, bc));
                        FloatVector.fromArray(Patch8Vector.S, vd, oo + m * w).mul(y).intoArray(o, oo + m * w);
                    }
                }
            }
            if (full < w) {
                FsasAttentionCpu.band(qd, kd, vd, o, g, bb, eps, c, h, w, n, py, full, w);
            }
        });
    }

    /** Row m's mean over the C channels into stat row m, 1/sqrt(var + eps) into stat row 8 + m. */
    private static void stats(float[] buf, int m, int c, float eps, int stat) {
        FloatVector s = FloatVector.zero(Patch8Vector.S);
        for (int ch = 0; ch < c; ch++) {
            s = s.add(FloatVector.fromArray(Patch8Vector.S, buf, (ch * 8 + m) * L));
        }
        FloatVector mean = s.div(c);
        FloatVector v = FloatVector.zero(Patch8Vector.S);
        for (int ch = 0; ch < c; ch++) {
            FloatVector d = FloatVector.fromArray(Patch8Vector.S, buf, (ch * 8 + m) * L).sub(mean);
            v = d.fma(d, v);
        }
        mean.intoArray(buf, stat + m * L);
        FloatVector.broadcast(Patch8Vector.S, 1f).div(v.div(c).add(eps).sqrt()).intoArray(buf, stat + (8 + m) * L);
    }

    /** Row r = scale * sum_s rot_s(q row) * lane_s(k row): the real circular convolution of q and k along each patch row. */
    private static void real(float[] b, int q, int k, float scale, int r) {
        FloatVector qv = FloatVector.fromArray(Patch8Vector.S, b, q);
        FloatVector kv = FloatVector.fromArray(Patch8Vector.S, b, k).mul(scale);
        FloatVector acc = qv.mul(kv.rearrange(Patch8Vector.LANE0));
        acc = qv.rearrange(Patch8Vector.ROT1).fma(kv.rearrange(Patch8Vector.LANE1), acc);
        acc = qv.rearrange(Patch8Vector.ROT2).fma(kv.rearrange(Patch8Vector.LANE2), acc);
        acc = qv.rearrange(Patch8Vector.ROT3).fma(kv.rearrange(Patch8Vector.LANE3), acc);
        acc = qv.rearrange(Patch8Vector.ROT4).fma(kv.rearrange(Patch8Vector.LANE4), acc);
        acc = qv.rearrange(Patch8Vector.ROT5).fma(kv.rearrange(Patch8Vector.LANE5), acc);
        acc = qv.rearrange(Patch8Vector.ROT6).fma(kv.rearrange(Patch8Vector.LANE6), acc);
        acc = qv.rearrange(Patch8Vector.ROT7).fma(kv.rearrange(Patch8Vector.LANE7), acc);
        acc.intoArray(b, r);
    }

    /**
     * Rows r, r + L = 1/4 times the complex circular convolution of (q re, q im) and (k re, k im) (rows at q,
     * q + L and k, k + L) along each patch row: taps 0-3 here, 4-7 in {@link #complexRest} (one method of
     * all 8 taps outgrew C2's inlining of the Vector API calls).
     */
    private static void complex(float[] b, int q, int k, int r) {
        FloatVector qr = FloatVector.fromArray(Patch8Vector.S, b, q);
        FloatVector qi = FloatVector.fromArray(Patch8Vector.S, b, q + L);
        FloatVector kr = FloatVector.fromArray(Patch8Vector.S, b, k).mul(0.25f);
        FloatVector ki = FloatVector.fromArray(Patch8Vector.S, b, k + L).mul(0.25f);
        FloatVector cr = kr.rearrange(Patch8Vector.LANE0);
        FloatVector ci = ki.rearrange(Patch8Vector.LANE0);
        FloatVector or = qr.mul(cr).sub(qi.mul(ci));
        FloatVector oi = qr.mul(ci).add(qi.mul(cr));
        FloatVector a;
        FloatVector bi;
        a = qr.rearrange(Patch8Vector.ROT1);
        bi = qi.rearrange(Patch8Vector.ROT1);
        cr = kr.rearrange(Patch8Vector.LANE1);
        ci = ki.rearrange(Patch8Vector.LANE1);
        or = a.fma(cr, or).sub(bi.mul(ci));
        oi = a.fma(ci, oi).add(bi.mul(cr));
        a = qr.rearrange(Patch8Vector.ROT2);
        bi = qi.rearrange(Patch8Vector.ROT2);
        cr = kr.rearrange(Patch8Vector.LANE2);
        ci = ki.rearrange(Patch8Vector.LANE2);
        or = a.fma(cr, or).sub(bi.mul(ci));
        oi = a.fma(ci, oi).add(bi.mul(cr));
        a = qr.rearrange(Patch8Vector.ROT3);
        bi = qi.rearrange(Patch8Vector.ROT3);
        cr = kr.rearrange(Patch8Vector.LANE3);
        ci = ki.rearrange(Patch8Vector.LANE3);
        or = a.fma(cr, or).sub(bi.mul(ci));
        oi = a.fma(ci, oi).add(bi.mul(cr));
        or.intoArray(b, r);
        oi.intoArray(b, r + L);
        complexRest(b, q, k, r);
    }

    /** Taps 4-7 of {@link #complex}, added to its rows. */
    private static void complexRest(float[] b, int q, int k, int r) {
        FloatVector qr = FloatVector.fromArray(Patch8Vector.S, b, q);
        FloatVector qi = FloatVector.fromArray(Patch8Vector.S, b, q + L);
        FloatVector kr = FloatVector.fromArray(Patch8Vector.S, b, k).mul(0.25f);
        FloatVector ki = FloatVector.fromArray(Patch8Vector.S, b, k + L).mul(0.25f);
        FloatVector or = FloatVector.fromArray(Patch8Vector.S, b, r);
        FloatVector oi = FloatVector.fromArray(Patch8Vector.S, b, r + L);
        FloatVector a;
        FloatVector bi;
        FloatVector cr;
        FloatVector ci;
        a = qr.rearrange(Patch8Vector.ROT4);
        bi = qi.rearrange(Patch8Vector.ROT4);
        cr = kr.rearrange(Patch8Vector.LANE4);
        ci = ki.rearrange(Patch8Vector.LANE4);
        or = a.fma(cr, or).sub(bi.mul(ci));
        oi = a.fma(ci, oi).add(bi.mul(cr));
        a = qr.rearrange(Patch8Vector.ROT5);
        bi = qi.rearrange(Patch8Vector.ROT5);
        cr = kr.rearrange(Patch8Vector.LANE5);
        ci = ki.rearrange(Patch8Vector.LANE5);
        or = a.fma(cr, or).sub(bi.mul(ci));
        oi = a.fma(ci, oi).add(bi.mul(cr));
        a = qr.rearrange(Patch8Vector.ROT6);
        bi = qi.rearrange(Patch8Vector.ROT6);
        cr = kr.rearrange(Patch8Vector.LANE6);
        ci = ki.rearrange(Patch8Vector.LANE6);
        or = a.fma(cr, or).sub(bi.mul(ci));
        oi = a.fma(ci, oi).add(bi.mul(cr));
        a = qr.rearrange(Patch8Vector.ROT7);
        bi = qi.rearrange(Patch8Vector.ROT7);
        cr = kr.rearrange(Patch8Vector.LANE7);
        ci = ki.rearrange(Patch8Vector.LANE7);
        or = a.fma(cr, or).sub(bi.mul(ci));
        oi = a.fma(ci, oi).add(bi.mul(cr));
        or.intoArray(b, r);
        oi.intoArray(b, r + L);
    }
}
