package io.github.blurdm.blurdm.backbone.stripformer;

import io.github.blurdm.layers.Act;
import io.github.blurdm.layers.Conv2d;
import io.github.blurdm.layers.ConvTranspose2d;
import io.github.blurdm.layers.Linear;
import io.github.blurdm.layers.Module;
import io.github.blurdm.layers.Parameter;
import io.github.blurdm.layers.Sequential;
import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * The building blocks of Stripformer (spec 5.2), named as PyTorch names them. Activations are LeakyReLU(0.2),
 * fused into the conv before them; every conv and Linear has a bias, the prior's kv none. A block's input
 * belongs to its caller; everything a block makes on the way is released as soon as it is dead.
 */
final class StripBlocks {
    static final Activation LRELU = Activation.leakyRelu(0.2f);

    private StripBlocks() {
    }

    /**
     * {@code .0} a conv (or transposed conv, padding 1) and {@code .1} LeakyReLU(0.2), run as one op; its
     * {@link #module()} is what the owner registers under the PyTorch name.
     */
    static final class ConvAct {
        private final Sequential seq = new Sequential();
        private final Conv2d conv;
        private final ConvTranspose2d convT;

        ConvAct(int cin, int cout, int k, int stride, boolean transpose) {
            if (transpose) {
                convT = seq.add(new ConvTranspose2d(cin, cout, k, stride, 1, true));
                conv = null;
            } else {
                conv = seq.add(new Conv2d(cin, cout, k, stride, k / 2, true));
                convT = null;
            }
            seq.add(new Act(LRELU));
        }

        Module module() {
            return seq;
        }

        Tensor forward(Ops ops, Tensor x) {
            return conv != null ? conv.forward(ops, x, LRELU) : convT.forward(ops, x, LRELU);
        }
    }

    /** {@code .0} conv, {@code .1} LeakyReLU, {@code .2} conv 3x3: applied as {@code LReLU(body(x) + skip)}. */
    static final class ConvPair {
        private final Conv2d first;
        private final Conv2d second;
        private final Sequential seq = new Sequential();

        ConvPair(int cin, int cmid, int cout, int kFirst) {
            first = seq.add(new Conv2d(cin, cmid, kFirst, 1, kFirst / 2, true));
            seq.add(new Act(LRELU));
            second = seq.add(new Conv2d(cmid, cout, 3, 1, 1, true));
        }

        Module module() {
            return seq;
        }

        /**
         * LReLU(body(cat[a, b]) + skip) without making the concatenation: the first conv (1x1 here) is the sum of
         * what each piece's input channels contribute. At full resolution that saves a map of 2 x c1 channels.
         */
        Tensor residualOfConcat(Ops ops, Tensor a, Tensor b, Tensor skip) {
            Tensor h = first.forwardInputChannels(ops, a, 0, true);
            Tensor hb = first.forwardInputChannels(ops, b, a.dim(1), false);
            ops.backend().add(h, h, hb);
            ops.release(hb);
            ops.backend().leakyRelu(h, h, LRELU.slope());
            Tensor y = second.forward(ops, h, Activation.NONE);
            ops.release(h);
            ops.backend().add(y, y, skip);
            ops.backend().leakyRelu(y, y, LRELU.slope());
            return y;
        }

        /** LReLU(body(x) + skip); x and skip belong to the caller. */
        Tensor residual(Ops ops, Tensor x, Tensor skip) {
            Tensor h = first.forward(ops, x, LRELU);
            Tensor y = second.forward(ops, h, Activation.NONE);
            ops.release(h);
            ops.backend().add(y, y, skip);
            ops.backend().leakyRelu(y, y, LRELU.slope());
            return y;
        }
    }

    /** nn.LayerNorm(C) applied over the channels of every pixel (eps 1e-5, weight and bias). */
    static final class ChannelNorm extends Module {
        private final Parameter weight;
        private final Parameter bias;

        ChannelNorm(int c) {
            weight = param("weight", c);
            bias = param("bias", c);
        }

        Tensor forward(Ops ops, Tensor x) {
            return ops.layerNorm(x, weight.value(), bias.value(), 1e-5f);
        }
    }

    /** A Linear over the channels of every pixel, run as a 1x1 conv on NCHW maps (same weights). */
    static final class PixelLinear extends Module {
        private final Parameter weight;
        private final Parameter bias;

        PixelLinear(int in, int out) {
            weight = param("weight", out, in);
            bias = param("bias", out);
        }

        Tensor forward(Ops ops, Tensor x, Activation act) {
            int[] s = weight.shape();
            return ops.conv2d(x, weight.value().reshape(s[0], s[1], 1, 1), bias.value(),
                    Conv2dParams.of(1, 0).withActivation(act));
        }
    }

    /**
     * Token MLP: fc1 (C to hidden), exact GELU fused, fc2 (hidden to C). Every pixel is on its own, so large maps
     * run in bands of rows whose hidden map holds at most {@value #BAND_FLOATS} floats: the 4C-channel hidden
     * map, the largest tensor of the network (723 MB in the decoder at 1280x720), never exists whole.
     */
    static final class Mlp extends Module {
        static final long BAND_FLOATS = 16L << 20;
        private final PixelLinear fc1;
        private final PixelLinear fc2;
        private final int hidden;

        Mlp(int c, int hidden) {
            this.hidden = hidden;
            fc1 = child("fc1", new PixelLinear(c, hidden));
            fc2 = child("fc2", new PixelLinear(hidden, c));
        }

        Tensor forward(Ops ops, Tensor x) {
            return forward(ops, x, BAND_FLOATS);
        }

        /** {@link #forward(Ops, Tensor)} with bands of at most {@code bandFloats} hidden values (tests use small ones). */
        Tensor forward(Ops ops, Tensor x, long bandFloats) {
            int n = x.dim(0);
            int c = x.dim(1);
            int h = x.dim(2);
            int w = x.dim(3);
            int rows = (int) Math.max(1, Math.min(h, bandFloats / ((long) n * hidden * w)));
            if (rows >= h) {
                return band(ops, x);
            }
            // [N,C,H,W] as [N*C, H, 1, W]: a band of rows is a slice along dimension 1
            Tensor byRow = x.reshape(n * c, h, 1, w);
            Tensor[] parts = new Tensor[(h + rows - 1) / rows];
            for (int i = 0; i < parts.length; i++) {
                int y0 = i * rows;
                int hb = Math.min(rows, h - y0);
                Tensor in = ops.sliceChannels(byRow, y0, hb);
                Tensor out = band(ops, in.reshape(n, c, hb, w));
                ops.release(in);
                parts[i] = out.reshape(n * c, hb, 1, w);
            }
            Tensor y = ops.concat(parts);
            ops.release(parts);
            return y.reshape(n, c, h, w);
        }

        private Tensor band(Ops ops, Tensor x) {
            Tensor t = fc1.forward(ops, x, Activation.GELU);
            Tensor y = fc2.forward(ops, t, Activation.NONE);
            ops.release(t);
            return y;
        }
    }

    /** PEG: a depthwise 3x3 conv (groups = C) plus its input. */
    static final class Peg extends Module {
        private final Conv2d conv;

        Peg(int c) {
            conv = child("PEG", new Conv2d(c, c, 3, Conv2dParams.of(1, 1).withGroups(c), true));
        }

        Tensor forward(Ops ops, Tensor x) {
            Tensor y = conv.forward(ops, x, Activation.NONE);
            ops.backend().add(y, y, x);
            return y;
        }
    }

    /**
     * What the intra- and inter-strip blocks share: the prior's modulation {@code x * k + v} ([k | v] = kv(P))
     * before the norm, the skip from the unmodulated input, conv_input split into the horizontal half A and the
     * vertical half B, fuse_out, the token MLP and PEG.
     */
    abstract static class StripBlock extends Module {
        final int channels;
        final int heads;
        private final ChannelNorm attentionNorm;
        private final Conv2d convInput;
        private final Conv2d fuseOut;
        private final ChannelNorm ffnNorm;
        private final Mlp ffn;
        private final Peg peg;
        private final Linear kv;

        StripBlock(int c, int hidden, boolean withPrior, int latent) {
            channels = c;
            heads = StripformerConfig.heads(c);
            attentionNorm = child("attention_norm", new ChannelNorm(c));
            convInput = child("conv_input", new Conv2d(c, c, 1, 1, 0, true));
            fuseOut = child("fuse_out", new Conv2d(c, c, 1, 1, 0, true));
            ffnNorm = child("ffn_norm", new ChannelNorm(c));
            ffn = child("ffn", new Mlp(c, hidden));
            peg = child("PEG", new Peg(c));
            kv = withPrior ? child("kv", new Linear(latent, 2 * c, false)) : null;
        }

        /** The horizontal and vertical attention outputs, [N,C/2,H,W] each, from the halves a and b (the caller's). */
        abstract Tensor[] strips(Ops ops, Tensor a, Tensor b);

        Tensor forward(Ops ops, Tensor x, Tensor prior) {
            Tensor m = x;
            if (kv != null) {
                Tensor both = kv.forward(ops, prior);
                Tensor[] kAndV = ops.split(both, channels, channels);
                m = ops.channelAffine(x, kAndV[0], kAndV[1]);
                ops.release(both, kAndV[0], kAndV[1]);
            }
            Tensor n = attentionNorm.forward(ops, m);
            if (m != x) {
                ops.release(m);
            }
            Tensor y = convInput.forward(ops, n, Activation.NONE);
            ops.release(n);
            Tensor[] ab = ops.split(y, channels / 2, channels / 2);
            ops.release(y);
            Tensor[] hv = strips(ops, ab[0], ab[1]);
            ops.release(ab[0], ab[1]);
            Tensor cat = ops.concat(hv[0], hv[1]);
            ops.release(hv[0], hv[1]);
            Tensor z = fuseOut.forward(ops, cat, Activation.NONE);
            ops.release(cat);
            ops.backend().add(z, z, x);
            Tensor n2 = ffnNorm.forward(ops, z);
            Tensor f = ffn.forward(ops, n2);
            ops.release(n2);
            ops.backend().add(f, f, z);
            ops.release(z);
            Tensor out = peg.forward(ops, f);
            ops.release(f);
            return out;
        }
    }

    /**
     * Intra_SA: attention inside each row (tokens the row's pixels, features half A's channels, qkv_local_h)
     * and inside each column (half B, qkv_local_v); tokens are made pixel-major by one permute each way.
     */
    static final class IntraStrip extends StripBlock {
        private final Linear qkvH;
        private final Linear qkvV;

        IntraStrip(int c, int hidden, boolean withPrior, int latent) {
            super(c, hidden, withPrior, latent);
            qkvH = child("qkv_local_h", new Linear(c / 2, 3 * (c / 2), true));
            qkvV = child("qkv_local_v", new Linear(c / 2, 3 * (c / 2), true));
        }

        @Override
        Tensor[] strips(Ops ops, Tensor a, Tensor b) {
            int n = a.dim(0);
            int c = a.dim(1);
            int h = a.dim(2);
            int w = a.dim(3);
            // rows: [N,C,H,W] -> [N,H,W,C] = [N*H tokens sequences of W, C features]
            Tensor rows = ops.permute(a, 0, 2, 3, 1);
            Tensor oh = attend(ops, qkvH, rows.reshape(n * h, w, c));
            Tensor horizontal = ops.permute(oh.reshape(n, h, w, c), 0, 3, 1, 2);
            ops.release(rows, oh);
            // columns: [N,C,H,W] -> [N,W,H,C]
            Tensor cols = ops.permute(b, 0, 3, 2, 1);
            Tensor ov = attend(ops, qkvV, cols.reshape(n * w, h, c));
            Tensor vertical = ops.permute(ov.reshape(n, w, h, c), 0, 3, 2, 1);
            ops.release(cols, ov);
            return new Tensor[] {horizontal, vertical};
        }

        private Tensor attend(Ops ops, Linear qkv, Tensor tokens) {
            Tensor packed = qkv.forward(ops, tokens);
            Tensor o = ops.attention(packed, heads);
            ops.release(packed);
            return o;
        }
    }

    /**
     * Inter_SA: attention between whole rows (a token is a row of half A after conv_h: C/2 x W features,
     * channel-major) and between whole columns (half B after conv_v: C/2 x H features); the head size, so the
     * softmax scale, follows the map's size.
     */
    static final class InterStrip extends StripBlock {
        private final Conv2d convH;
        private final Conv2d convV;

        InterStrip(int c, int hidden, boolean withPrior, int latent) {
            super(c, hidden, withPrior, latent);
            convH = child("conv_h", new Conv2d(c / 2, 3 * (c / 2), 1, 1, 0, true));
            convV = child("conv_v", new Conv2d(c / 2, 3 * (c / 2), 1, 1, 0, true));
        }

        @Override
        Tensor[] strips(Ops ops, Tensor a, Tensor b) {
            int n = a.dim(0);
            int c = a.dim(1);
            int h = a.dim(2);
            int w = a.dim(3);
            // rows: [N,3C/2,H,W] -> [N,H,3C/2,W] = N sequences of H tokens of [q | k | v], C/2*W features each
            Tensor qkv = convH.forward(ops, a, Activation.NONE);
            Tensor rows = ops.permute(qkv, 0, 2, 1, 3);
            ops.release(qkv);
            Tensor oh = ops.attention(rows.reshape(n, h, 3 * c * w), heads);
            ops.release(rows);
            Tensor horizontal = ops.permute(oh.reshape(n, h, c, w), 0, 2, 1, 3);
            ops.release(oh);
            // columns: [N,3C/2,H,W] -> [N,W,3C/2,H]
            qkv = convV.forward(ops, b, Activation.NONE);
            Tensor cols = ops.permute(qkv, 0, 3, 1, 2);
            ops.release(qkv);
            Tensor ov = ops.attention(cols.reshape(n, w, 3 * c * h), heads);
            ops.release(cols);
            Tensor vertical = ops.permute(ov.reshape(n, w, c, h), 0, 2, 3, 1);
            ops.release(ov);
            return new Tensor[] {horizontal, vertical};
        }
    }
}
