package io.github.blurdm.blurdm.backbone.fftformer;

import io.github.blurdm.layers.ChannelLayerNorm;
import io.github.blurdm.layers.Conv2d;
import io.github.blurdm.layers.DepthwiseConv2d;
import io.github.blurdm.layers.Linear;
import io.github.blurdm.layers.Module;
import io.github.blurdm.layers.Parameter;
import io.github.blurdm.layers.Sequential;
import io.github.blurdm.layers.Upsample;
import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * FFTformer's blocks (spec 5.3), named as PyTorch names them. Every forward returns a new tensor and
 * releases its own temporaries; the input belongs to the caller.
 */
final class FftformerBlocks {
    private FftformerBlocks() {
    }

    /**
     * DFFN: 1x1 conv dim -> 2 hidden, the 8x8 frequency filter (its {@code fft} parameter [2 hidden,1,1,8,5]),
     * depthwise 3x3, GELU(x1) * x2, 1x1 conv hidden -> dim.
     */
    static final class Dffn extends Module {
        private final Conv2d projectIn;
        private final DepthwiseConv2d dwconv;
        private final Parameter fft;
        private final Conv2d projectOut;
        private final int wide;

        Dffn(int dim, int hidden, boolean bias) {
            wide = 2 * hidden;
            projectIn = child("project_in", new Conv2d(dim, wide, 1, 1, 0, bias));
            dwconv = child("dwconv", new DepthwiseConv2d(wide, 3, bias));
            fft = param("fft", wide, 1, 1, 8, 5);
            projectOut = child("project_out", new Conv2d(hidden, dim, 1, 1, 0, bias));
        }

        Tensor forward(Ops ops, Tensor x) {
            int hidden = wide / 2;
            int chunk = chunkChannels(hidden, (long) x.dim(0) * x.dim(2) * x.dim(3));
            if (chunk >= hidden) {
                Tensor t = projectIn.forward(ops, x);
                Tensor g = filterGate(ops, t, fft.value().reshape(wide, 8, 5), 0, hidden);
                Tensor out = projectOut.forward(ops, g);
                ops.release(g);
                return out;
            }
            // A slice of the hidden channels at a time: channels [c0, c0 + n) of each half go through project_in,
            // the filter, the depthwise conv and the gate together (the gate pairs channel c with hidden + c), and
            // project_out, linear in its inputs, adds up the slices' contributions. The full 2 hidden channels never
            // exist at once: at full resolution they are most of the network's memory.
            Tensor out = null;
            Tensor filters = fft.value().reshape(1, wide, 40);
            for (int c0 = 0; c0 < hidden; c0 += chunk) {
                int n = Math.min(chunk, hidden - c0);
                int[] rows = {c0, n, hidden + c0, n};
                Tensor t = projectIn.forwardOutputChannels(ops, x, Activation.NONE, rows);
                Tensor f = gatherRows(ops, filters, rows);
                Tensor g = filterGate(ops, t, f.reshape(2 * n, 8, 5), c0, hidden);
                ops.release(f);
                Tensor part = projectOut.forwardInputChannels(ops, g, c0, c0 == 0);
                ops.release(g);
                if (out == null) {
                    out = part;
                } else {
                    ops.backend().add(out, out, part);
                    ops.release(part);
                }
            }
            return out;
        }

        /**
         * The filter, depthwise conv and gate on {@code t}, which holds hidden channels [c0, c0 + n) and
         * [hidden + c0, hidden + c0 + n) (all of them when n = hidden); releases t.
         */
        private Tensor filterGate(Ops ops, Tensor t, Tensor filter, int c0, int hidden) {
            int n = t.dim(1) / 2;
            Tensor f = ops.patchFftFilter(t, filter);
            ops.release(t);
            Tensor d = n == hidden ? dwconv.forward(ops, f) : dwconv.forwardChannels(ops, f, c0, n, hidden + c0, n);
            ops.release(f);
            Tensor g = ops.geluGate(d);
            ops.release(d);
            return g;
        }
    }

    /**
     * Bytes one slice of DFFN's hidden maps may take (one map of 2n channels); wider maps go a slice at a time.
     * 256 MiB: at 1280x736 the full-resolution blocks then run 4-5 slices of 32 channels pairs. Tests lower it.
     */
    static volatile long sliceBytes = 256L << 20;

    /**
     * Hidden channels per slice for maps of {@code pixels} (N*H*W): all of them when one map of the 2 hidden
     * channels fits {@link #sliceBytes}, else a multiple of 8 (at least 8) that does.
     */
    static int chunkChannels(int hidden, long pixels) {
        long limit = sliceBytes;
        long wideBytes = 8L * hidden * pixels;
        if (wideBytes <= limit) {
            return hidden;
        }
        long n = limit / (8L * pixels) / 8 * 8;
        return (int) Math.max(8, Math.min(hidden, n));
    }

    /** Rows (pairs start, count) of t [1, R, K] gathered. */
    static Tensor gatherRows(Ops ops, Tensor t, int... ranges) {
        Tensor a = ops.sliceChannels(t, ranges[0], ranges[1]);
        Tensor b = ops.sliceChannels(t, ranges[2], ranges[3]);
        try {
            return ops.concat(a, b);
        } finally {
            ops.release(a, b);
        }
    }

    /**
     * FSAS: the prior's modulation x * k + v ([k | v] = kv(P)) when it takes the prior, 1x1 conv dim -> 6 dim,
     * depthwise 3x3, then q, k, v (thirds) into {@code fsas_attention}: v * LayerNorm(q (*) k) per 8x8 patch
     * (its {@code norm} is always the WithBias form), 1x1 conv 2 dim -> dim. q, k and v are made one at a time
     * (their rows of the 1x1 conv, then their channels of the depthwise conv), so the 6 dim map before the
     * depthwise conv never exists whole beside the one after it.
     */
    static final class Fsas extends Module {
        private final Conv2d toHidden;
        private final DepthwiseConv2d toHiddenDw;
        private final Conv2d projectOut;
        private final ChannelLayerNorm norm;
        private final Linear kv;
        private final int dim;

        Fsas(int dim, boolean bias, int latent) {
            this.dim = dim;
            toHidden = child("to_hidden", new Conv2d(dim, 6 * dim, 1, 1, 0, bias));
            toHiddenDw = child("to_hidden_dw", new DepthwiseConv2d(6 * dim, 3, bias));
            projectOut = child("project_out", new Conv2d(2 * dim, dim, 1, 1, 0, bias));
            norm = child("norm", new ChannelLayerNorm(2 * dim, true));
            kv = latent > 0 ? child("kv", new Linear(latent, 2 * dim, bias)) : null;
        }

        Tensor forward(Ops ops, Tensor x, Tensor prior) {
            Tensor in = x;
            if (kv != null) {
                Tensor both = kv.forward(ops, prior);
                Tensor[] kAndV = ops.split(both, dim, dim);
                in = ops.channelAffine(x, kAndV[0], kAndV[1]);
                ops.release(both, kAndV[0], kAndV[1]);
            }
            Tensor[] qkv = new Tensor[3];
            for (int i = 0; i < 3; i++) {
                Tensor h = toHidden.forwardOutputChannels(ops, in, Activation.NONE, 2 * dim * i, 2 * dim);
                qkv[i] = toHiddenDw.forwardChannels(ops, h, 2 * dim * i, 2 * dim);
                ops.release(h);
            }
            if (in != x) {
                ops.release(in);
            }
            Tensor a = ops.fsasAttention(qkv[0], qkv[1], qkv[2], norm.weight(), norm.bias(), ChannelLayerNorm.EPS);
            ops.release(qkv);
            Tensor out = projectOut.forward(ops, a);
            ops.release(a);
            return out;
        }
    }

    /** TransformerBlock: {@code x + FSAS(norm1(x), P)} when it has attention, then {@code x + DFFN(norm2(x))}. */
    static final class TransformerBlock extends Module {
        private final ChannelLayerNorm norm1;
        private final Fsas attn;
        private final ChannelLayerNorm norm2;
        private final Dffn ffn;

        TransformerBlock(int dim, int hidden, boolean bias, boolean att, int latent, boolean lnBias) {
            norm1 = att ? child("norm1", new ChannelLayerNorm(dim, lnBias)) : null;
            attn = att ? child("attn", new Fsas(dim, bias, latent)) : null;
            norm2 = child("norm2", new ChannelLayerNorm(dim, lnBias));
            ffn = child("ffn", new Dffn(dim, hidden, bias));
        }

        Tensor forward(Ops ops, Tensor x, Tensor prior) {
            Tensor cur = x;
            if (attn != null) {
                Tensor n = norm1.forward(ops, cur);
                Tensor a = attn.forward(ops, n, prior);
                ops.release(n);
                ops.backend().add(a, a, cur);
                cur = a;
            }
            Tensor n = norm2.forward(ops, cur);
            Tensor f = ffn.forward(ops, n);
            ops.release(n);
            ops.backend().add(f, f, cur);
            if (cur != x) {
                ops.release(cur);
            }
            return f;
        }
    }

    /** Runs blocks in turn, releasing each intermediate (and the input when {@code ownsInput}). */
    static Tensor run(Ops ops, TransformerBlock[] blocks, Tensor x, boolean ownsInput, Tensor prior) {
        boolean owned = ownsInput;
        for (TransformerBlock b : blocks) {
            Tensor y = b.forward(ops, x, prior);
            if (owned) {
                ops.release(x);
            }
            x = y;
            owned = true;
        }
        return x;
    }

    /** A level: {@code n} TransformerBlocks named 0..n-1 in {@code container}. */
    static TransformerBlock[] level(Sequential container, int n, int dim, int hidden, boolean bias, boolean att,
                                    int latent, boolean lnBias) {
        TransformerBlock[] blocks = new TransformerBlock[n];
        for (int i = 0; i < n; i++) {
            blocks[i] = container.add(new TransformerBlock(dim, hidden, bias, att, latent, lnBias));
        }
        return blocks;
    }

    /** Bilinear x scale (align_corners=False), then a 3x3 conv without bias: {@code body.0}, {@code body.1}. */
    static final class Resample extends Module {
        private final Upsample resize;
        private final Conv2d conv;

        Resample(int cin, int cout, double scale) {
            Sequential body = child("body", new Sequential());
            resize = body.add(new Upsample(scale));
            conv = body.add(new Conv2d(cin, cout, 3, 1, 1, false));
        }

        Tensor forward(Ops ops, Tensor x) {
            Tensor r = resize.forward(ops, x);
            Tensor out = conv.forward(ops, r);
            ops.release(r);
            return out;
        }
    }

    /**
     * Fuse(n): 1x1 conv (bias) on cat[a, b], a DFFN-only TransformerBlock at 2n (no bias, its own hidden width),
     * 1x1 conv {@code conv2} (bias), the two channel halves summed. The last two steps run as one 1x1 conv 2n -> n
     * whose weight and bias are conv2's halves summed (the same linear map; the sums are made per call).
     */
    static final class Fuse extends Module {
        private final Conv2d conv;
        private final TransformerBlock attChannel;
        private final HalvesConv conv2;

        Fuse(int n, int hidden, boolean lnBias) {
            attChannel = child("att_channel", new TransformerBlock(2 * n, hidden, false, false, 0, lnBias));
            conv = child("conv", new Conv2d(2 * n, 2 * n, 1, 1, 0, true));
            conv2 = child("conv2", new HalvesConv(2 * n));
        }

        Tensor forward(Ops ops, Tensor a, Tensor b) {
            Tensor cat = ops.concat(a, b);
            Tensor c = conv.forward(ops, cat);
            ops.release(cat);
            Tensor t = attChannel.forward(ops, c, null);
            ops.release(c);
            Tensor out = conv2.forward(ops, t);
            ops.release(t);
            return out;
        }
    }

    /** nn.Conv2d(2n, 2n, 1) (weight [2n,2n,1,1], bias [2n]) whose output's two channel halves are summed. */
    static final class HalvesConv extends Module {
        private final Parameter weight;
        private final Parameter bias;
        private final int n;

        HalvesConv(int c2) {
            n = c2 / 2;
            weight = param("weight", c2, c2, 1, 1);
            bias = param("bias", c2);
        }

        Tensor forward(Ops ops, Tensor x) {
            Tensor w = weight.value().reshape(1, 2 * n, 2 * n);
            Tensor[] wh = ops.split(w, n, n);
            ops.backend().add(wh[0], wh[0], wh[1]);
            Tensor[] bh = ops.split(bias.value().reshape(1, 2 * n), n, n);
            ops.backend().add(bh[0], bh[0], bh[1]);
            Tensor out = ops.conv2d(x, wh[0].reshape(n, 2 * n, 1, 1), bh[0].reshape(n), Conv2dParams.of(1, 0));
            ops.release(wh[0], wh[1], bh[0], bh[1]);
            return out;
        }
    }
}
