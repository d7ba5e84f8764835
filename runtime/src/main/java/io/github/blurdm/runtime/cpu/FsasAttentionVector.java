package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Tensor;
import jdk.incubator.vector.FloatVector;

/**
 * fsas_attention, Vector API fast path (same contract as {@link FsasAttentionCpu}, the reference). Per band
 * of 8 rows and L lanes (L/8 patches side by side), channel by channel: the 8-point real DFT of q and k down
 * the patch columns ({@link Patch8Vector#rowDft}), per frequency the circular convolution of the two rows
 * along each patch row (the q row rotated, the k row's value broadcast within its group of 8 lanes: 2 real
 * and 3 complex products), the inverse DFT down the columns into a [C][8][L] buffer; then the LayerNorm
 * over C per lane (mean, then centred variance, in float), its affine and the v gate, written straight to
 * out. The columns past the last full vector go through the reference. Parallel over (n, band).
 */
final class FsasAttentionVector {
    private FsasAttentionVector() {
    }

    static boolean applies() {
        return Patch8Vector.fits();
    }

    static void forward(Parallel par, Tensor out, Tensor qkv, Tensor weight, Tensor bias, float eps) {
        final float[] o = out.data();
        final float[] in = qkv.data();
        final float[] g = weight == null ? null : weight.data();
        final float[] bb = bias == null ? null : bias.data();
        final int c = out.dim(1);
        final int h = out.dim(2);
        final int w = out.dim(3);
        final int lanes = Patch8Vector.L;
        final int bands = h / Patch8.P;
        final int full = w / lanes * lanes;
        par.forEach(out.dim(0) * bands, job -> {
            int n = job / bands;
            int py = (job % bands) * Patch8.P;
            int plane = h * w;
            float[] buf = Scratch.get(Scratch.Slot.JOB_A, c * 8 * lanes);
            FloatVector[] fq = new FloatVector[8];
            FloatVector[] fk = new FloatVector[8];
            FloatVector[] r = new FloatVector[8];
            FloatVector[] mean = new FloatVector[8];
            FloatVector[] inv = new FloatVector[8];
            for (int x0 = 0; x0 < full; x0 += lanes) {
                int pix = py * w + x0;
                for (int ch = 0; ch < c; ch++) {
                    Patch8Vector.rowDft(in, (n * 3 * c + ch) * plane + pix, w, fq);
                    Patch8Vector.rowDft(in, (n * 3 * c + c + ch) * plane + pix, w, fk);
                    // the inverse's 1/8 and the factor 2 of the conjugate halves, put on k
                    fk[0] = fk[0].mul(0.125f);
                    fk[1] = fk[1].mul(0.125f);
                    for (int i = 2; i < 8; i++) {
                        fk[i] = fk[i].mul(0.25f);
                    }
                    r[0] = real(fq[0], fk[0]);
                    r[1] = real(fq[1], fk[1]);
                    for (int u = 1; u <= 3; u++) {
                        complex(fq[2 * u], fq[2 * u + 1], fk[2 * u], fk[2 * u + 1], r, 2 * u);
                    }
                    Patch8Vector.inverseRowDft(r, buf, ch * 8 * lanes, lanes);
                }
                for (int m = 0; m < 8; m++) {
                    FloatVector s = FloatVector.zero(Patch8Vector.S);
                    for (int ch = 0; ch < c; ch++) {
                        s = s.add(FloatVector.fromArray(Patch8Vector.S, buf, (ch * 8 + m) * lanes));
                    }
                    mean[m] = s.div(c);
                    FloatVector v = FloatVector.zero(Patch8Vector.S);
                    for (int ch = 0; ch < c; ch++) {
                        FloatVector d = FloatVector.fromArray(Patch8Vector.S, buf, (ch * 8 + m) * lanes).sub(mean[m]);
                        v = d.fma(d, v);
                    }
                    inv[m] = FloatVector.broadcast(Patch8Vector.S, 1f).div(v.div(c).add(eps).sqrt());
                }
                for (int ch = 0; ch < c; ch++) {
                    float gc = g == null ? 1f : g[ch];
                    float bc = bb == null ? 0f : bb[ch];
                    int vo = (n * 3 * c + 2 * c + ch) * plane + pix;
                    int oo = (n * c + ch) * plane + pix;
                    for (int m = 0; m < 8; m++) {
                        FloatVector y = FloatVector.fromArray(Patch8Vector.S, buf, (ch * 8 + m) * lanes).sub(mean[m])
                                .mul(inv[m]);
                        if (g != null) {
                            y = y.mul(gc);
                        }
                        if (bb != null) {
                            y = y.add(bc);
                        }
                        FloatVector.fromArray(Patch8Vector.S, in, vo + m * w).mul(y).intoArray(o, oo + m * w);
                    }
                }
            }
            if (full < w) {
                FsasAttentionCpu.band(in, o, g, bb, eps, c, h, w, n, py, full, w);
            }
        });
    }

    /** sum_s rot_s(q) * k[s] (k's lane s broadcast within each group): a real circular convolution. */
    private static FloatVector real(FloatVector q, FloatVector k) {
        FloatVector acc = q.mul(Patch8Vector.broadcast(k, 0));
        for (int s = 1; s < 8; s++) {
            acc = Patch8Vector.rot(q, s).fma(Patch8Vector.broadcast(k, s), acc);
        }
        return acc;
    }

    /** The complex circular convolution of (qr + i qi) and (kr + i ki) along each patch row, into r[i], r[i+1]. */
    private static void complex(FloatVector qr, FloatVector qi, FloatVector kr, FloatVector ki, FloatVector[] r,
                                int i) {
        FloatVector or = null;
        FloatVector oi = null;
        for (int s = 0; s < 8; s++) {
            FloatVector a = Patch8Vector.rot(qr, s);
            FloatVector b = Patch8Vector.rot(qi, s);
            FloatVector cr = Patch8Vector.broadcast(kr, s);
            FloatVector ci = Patch8Vector.broadcast(ki, s);
            if (s == 0) {
                or = a.mul(cr).sub(b.mul(ci));
                oi = a.mul(ci).add(b.mul(cr));
            } else {
                or = a.fma(cr, or).sub(b.mul(ci));
                oi = a.fma(ci, oi).add(b.mul(cr));
            }
        }
        r[i] = or;
        r[i + 1] = oi;
    }
}
