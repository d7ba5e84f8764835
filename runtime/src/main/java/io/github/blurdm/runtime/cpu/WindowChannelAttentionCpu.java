package io.github.blurdm.runtime.cpu;

import io.github.blurdm.runtime.Gelu;
import io.github.blurdm.runtime.OpShapes;
import io.github.blurdm.runtime.Tensor;

/**
 * window_channel_attention, the scalar reference: qkv [N,3C,H,W] -> out [N,C,H,W]. Per 8x8 window (of the
 * map reflect-padded right/bottom to multiples of 8) and head: q, k, v are d x 64 (d = C/heads, positions
 * row-major), {@code S = q k^T * t[head]} with the dot products in float, softmax over each row (exp of
 * the difference to the row's max, the sum in double, as {@link SoftmaxCpu}), {@code O = S v}, times
 * {@code GELU(v W^T + b)}; only the window's pixels inside the map are written. Parallel over (n, window row);
 * each job gathers one window's 3C x 64 values into a buffer first (reflected indices resolved once).
 */
public final class WindowChannelAttentionCpu {
    static final int WS = OpShapes.ATTENTION_WINDOW;
    static final int P = WS * WS;

    private WindowChannelAttentionCpu() {
    }

    /** {@link io.github.blurdm.runtime.Backend#windowChannelAttention} on the CPU: the plain loops. */
    public static void forward(Parallel par, Tensor out, Tensor qkv, Tensor temperature, Tensor mlpWeight,
                               Tensor mlpBias) {
        final float[] o = out.data();
        final float[] in = qkv.data();
        final float[] temp = temperature.data();
        final float[] mw = mlpWeight.data();
        final float[] mb = mlpBias.data();
        final int n = qkv.dim(0);
        final int c = qkv.dim(1) / 3;
        final int h = qkv.dim(2);
        final int w = qkv.dim(3);
        final int heads = temperature.dim(0);
        final int d = c / heads;
        final int gh = (h + WS - 1) / WS;
        final int gw = (w + WS - 1) / WS;
        par.forRange(n * gh, 1, (j0, j1) -> {
            float[] win = Scratch.get(Scratch.Slot.JOB_A, 3 * c * P);
            float[] work = Scratch.get(Scratch.Slot.JOB_B, d * d + 2 * d * P);
            int[] rows = new int[WS];
            int[] cols = new int[WS];
            for (int job = j0; job < j1; job++) {
                int b = job / gh;
                int wy = job % gh;
                for (int i = 0; i < WS; i++) {
                    rows[i] = reflect(wy * WS + i, h);
                }
                for (int wx = 0; wx < gw; wx++) {
                    for (int i = 0; i < WS; i++) {
                        cols[i] = reflect(wx * WS + i, w);
                    }
                    gather(in, b, 3 * c, h, w, rows, cols, win);
                    for (int hd = 0; hd < heads; hd++) {
                        attendHead(win, c, d, hd, temp[hd], mw, mb, work);
                        scatter(work, d * d, o, b, c, hd * d, d, h, w, wy, wx);
                    }
                }
            }
        });
    }

    /** The padded map's index i along a side of {@code size}, mirrored at the end without repeating the edge. */
    static int reflect(int i, int size) {
        return i < size ? i : 2 * size - 2 - i;
    }

    private static void gather(float[] in, int b, int channels, int h, int w, int[] rows, int[] cols, float[] win) {
        for (int ch = 0; ch < channels; ch++) {
            int plane = (b * channels + ch) * h * w;
            for (int py = 0; py < WS; py++) {
                int row = plane + rows[py] * w;
                for (int px = 0; px < WS; px++) {
                    win[ch * P + py * WS + px] = in[row + cols[px]];
                }
            }
        }
    }

    /**
     * One head of one window: writes O * gate (d x 64) to work[d*d ..], using work[0 .. d*d) for S and
     * work[d*d + d*64 ..] for the gate.
     */
    static void attendHead(float[] win, int c, int d, int hd, float t, float[] mw, float[] mb, float[] work) {
        int q0 = (hd * d) * P;
        int k0 = (c + hd * d) * P;
        int v0 = (2 * c + hd * d) * P;
        int oOff = d * d;
        int gOff = d * d + d * P;
        for (int i = 0; i < d; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < d; j++) {
                float s = 0f;
                for (int p = 0; p < P; p++) {
                    s += win[q0 + i * P + p] * win[k0 + j * P + p];
                }
                s *= t;
                work[i * d + j] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int j = 0; j < d; j++) {
                float e = (float) Math.exp(work[i * d + j] - max);
                work[i * d + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < d; j++) {
                work[i * d + j] *= inv;
            }
        }
        for (int i = 0; i < d; i++) {
            for (int p = 0; p < P; p++) {
                float s = 0f;
                for (int j = 0; j < d; j++) {
                    s += work[i * d + j] * win[v0 + j * P + p];
                }
                work[oOff + i * P + p] = s;
            }
            for (int p = 0; p < P; p++) {
                float s = mb[p];
                for (int q = 0; q < P; q++) {
                    s += win[v0 + i * P + q] * mw[p * P + q];
                }
                work[gOff + i * P + p] = Gelu.apply(s);
            }
            for (int p = 0; p < P; p++) {
                work[oOff + i * P + p] *= work[gOff + i * P + p];
            }
        }
    }

    /** Writes the window's d x 64 result rows from work[off..] to channels c0.. of out, inside the map only. */
    static void scatter(float[] work, int off, float[] o, int b, int c, int c0, int d, int h, int w, int wy, int wx) {
        int y0 = wy * WS;
        int x0 = wx * WS;
        int ny = Math.min(WS, h - y0);
        int nx = Math.min(WS, w - x0);
        for (int i = 0; i < d; i++) {
            int plane = (b * c + c0 + i) * h * w;
            for (int py = 0; py < ny; py++) {
                int row = plane + (y0 + py) * w + x0;
                for (int px = 0; px < nx; px++) {
                    o[row + px] = work[off + i * P + py * WS + px];
                }
            }
        }
    }
}
