package io.github.blurdm.blurdm.backbone.loformer;

import io.github.blurdm.layers.Conv2d;
import io.github.blurdm.layers.Linear;
import io.github.blurdm.layers.Module;
import io.github.blurdm.layers.Parameter;
import io.github.blurdm.layers.Sequential;
import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.OpShapes;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * LoFormer's building blocks (spec 5.4), named as PyTorch's state dict names them. Each {@code forward} leaves
 * its input to the caller and releases its own temporaries.
 */
final class LoFormerBlocks {
    /** LoFormer's LayerNorm eps (WithBias_LayerNorm). */
    static final float NORM_EPS = 1e-5f;

    private LoFormerBlocks() {
    }

    /** LayerNorm over channels with weight and bias, keys {@code body.weight}, {@code body.bias}. */
    static final class ChannelNorm extends Module {
        private final Parameter weight;
        private final Parameter bias;

        ChannelNorm(int c) {
            Body body = child("body", new Body(c));
            weight = body.weight;
            bias = body.bias;
        }

        Tensor forward(Ops ops, Tensor x) {
            return ops.layerNorm(x, weight.value(), bias.value(), NORM_EPS);
        }

        private static final class Body extends Module {
            final Parameter weight;
            final Parameter bias;

            Body(int c) {
                weight = param("weight", c);
                bias = param("bias", c);
            }
        }
    }

    /**
     * The 'channel_mlp' attention: [x k + v with [k | v] = kv(prior)], qkv 1x1, depthwise 3x3, the window
     * channel attention op (8x8 windows, the 64x64 MLP gate {@code mlp.0}), project_out 1x1.
     */
    static final class Attention extends Module {
        private final int channels;
        private final Parameter temperature;
        private final Linear kv;
        private final Linear mlp;
        private final Conv2d qkv;
        private final Conv2d qkvDw;
        private final Conv2d projectOut;

        Attention(int c, int heads, int latent) {
            channels = c;
            temperature = param("temperature", heads, 1, 1);
            kv = latent > 0 ? child("kv", new Linear(latent, 2 * c, true)) : null;
            int p = OpShapes.ATTENTION_WINDOW * OpShapes.ATTENTION_WINDOW;
            mlp = child("mlp", new Sequential()).add(new Linear(p, p, true));
            qkv = child("qkv", new Conv2d(c, 3 * c, 1, 1, 0, true));
            qkvDw = child("qkv_dwconv", new Conv2d(3 * c, 3 * c, 3, Conv2dParams.of(1, 1).withGroups(3 * c), true));
            projectOut = child("project_out", new Conv2d(c, c, 1, 1, 0, true));
        }

        Tensor forward(Ops ops, Tensor x, Tensor prior) {
            Tensor in = x;
            if (kv != null) {
                Tensor both = kv.forward(ops, prior);
                Tensor[] kAndV = ops.split(both, channels, channels);
                in = ops.channelAffine(x, kAndV[0], kAndV[1]);
                ops.release(both, kAndV[0], kAndV[1]);
            }
            Tensor q = qkv.forward(ops, in);
            if (in != x) {
                ops.release(in);
            }
            Tensor dw = qkvDw.forward(ops, q);
            ops.release(q);
            Tensor t = temperature.value();
            Tensor a = ops.windowChannelAttention(dw, t.reshape(t.dim(0)), mlp.weight(), mlp.bias());
            ops.release(dw);
            Tensor out = projectOut.forward(ops, a);
            ops.release(a);
            return out;
        }
    }

    /** The gated FFN: project_in 1x1 to 2 hidden, depthwise 3x3, GELU(first half) * second half, project_out. */
    static final class FeedForward extends Module {
        private final int hidden;
        private final Conv2d projectIn;
        private final Conv2d dwconv;
        private final Conv2d projectOut;

        FeedForward(int c, int hidden) {
            this.hidden = hidden;
            projectIn = child("project_in", new Conv2d(c, 2 * hidden, 1, 1, 0, true));
            dwconv = child("dwconv", new Conv2d(2 * hidden, 2 * hidden, 3,
                    Conv2dParams.of(1, 1).withGroups(2 * hidden), true));
            projectOut = child("project_out", new Conv2d(hidden, c, 1, 1, 0, true));
        }

        Tensor forward(Ops ops, Tensor x) {
            Tensor h = projectIn.forward(ops, x);
            Tensor d = dwconv.forward(ops, h);
            ops.release(h);
            Tensor[] halves = ops.split(d, hidden, hidden);
            ops.release(d);
            Tensor g = ops.gelu(halves[0]);
            Tensor gated = ops.mul(g, halves[1]);
            ops.release(g, halves[0], halves[1]);
            Tensor out = projectOut.forward(ops, gated);
            ops.release(gated);
            return out;
        }
    }

    /** X = DCT(x); X = X + attn(norm1(X), prior); x = IDCT(X); x = x + ffn(norm2(x)). */
    static final class TransformerBlock extends Module {
        private final ChannelNorm norm1;
        private final Attention attn;
        private final ChannelNorm norm2;
        private final FeedForward ffn;

        TransformerBlock(int c, int heads, int hidden, int latent) {
            norm1 = child("norm1", new ChannelNorm(c));
            attn = child("attn", new Sequential()).add(new Attention(c, heads, latent));
            norm2 = child("norm2", new ChannelNorm(c));
            ffn = child("ffn", new Sequential()).add(new FeedForward(c, hidden));
        }

        Tensor forward(Ops ops, Tensor x, Tensor prior) {
            Tensor xd = ops.dct2d(x, false);
            Tensor n1 = norm1.forward(ops, xd);
            Tensor a = attn.forward(ops, n1, prior);
            ops.release(n1);
            ops.backend().add(xd, xd, a);
            ops.release(a);
            Tensor y = ops.dct2d(xd, true);
            ops.release(xd);
            Tensor n2 = norm2.forward(ops, y);
            Tensor f = ffn.forward(ops, n2);
            ops.release(n2);
            ops.backend().add(y, y, f);
            ops.release(f);
            return y;
        }
    }

    /** Two transformer blocks in series (TransformerBlock_2b: trans1, trans2). */
    static final class BlockPair extends Module {
        private final TransformerBlock trans1;
        private final TransformerBlock trans2;

        BlockPair(int c, int heads, int hidden, int latent) {
            trans1 = child("trans1", new TransformerBlock(c, heads, hidden, latent));
            trans2 = child("trans2", new TransformerBlock(c, heads, hidden, latent));
        }

        Tensor forward(Ops ops, Tensor x, Tensor prior) {
            Tensor y = trans1.forward(ops, x, prior);
            Tensor z = trans2.forward(ops, y, prior);
            ops.release(y);
            return z;
        }
    }

    /** Block pairs run in turn (an nn.Sequential of TransformerBlock_2b); the input stays the caller's. */
    static final class Stage extends Module {
        private final BlockPair[] pairs;

        Stage(int count, int c, int heads, int hidden, int latent) {
            pairs = new BlockPair[count];
            for (int i = 0; i < count; i++) {
                pairs[i] = child(Integer.toString(i), new BlockPair(c, heads, hidden, latent));
            }
        }

        Tensor forward(Ops ops, Tensor x, Tensor prior) {
            Tensor cur = x;
            for (BlockPair p : pairs) {
                Tensor next = p.forward(ops, cur, prior);
                if (cur != x) {
                    ops.release(cur);
                }
                cur = next;
            }
            return cur == x ? copy(ops, x) : cur;
        }

        private static Tensor copy(Ops ops, Tensor x) {
            return ops.sliceChannels(x, 0, x.dim(1));
        }
    }

    /** Downsample: conv 3x3 C -> C/2 without bias, then pixel-unshuffle by 2 (2C at half resolution). */
    static final class Down extends Module {
        private final Conv2d conv;

        Down(int c) {
            conv = child("body", new Sequential()).add(new Conv2d(c, c / 2, 3, 1, 1, false));
        }

        Tensor forward(Ops ops, Tensor x) {
            Tensor h = conv.forward(ops, x, Activation.NONE);
            Tensor out = ops.pixelUnshuffle(h, 2);
            ops.release(h);
            return out;
        }
    }

    /** Upsample: conv 3x3 C -> 2C without bias, then pixel-shuffle by 2 (C/2 at double resolution). */
    static final class Up extends Module {
        private final Conv2d conv;

        Up(int c) {
            conv = child("body", new Sequential()).add(new Conv2d(c, 2 * c, 3, 1, 1, false));
        }

        Tensor forward(Ops ops, Tensor x) {
            Tensor h = conv.forward(ops, x, Activation.NONE);
            Tensor out = ops.pixelShuffle(h, 2);
            ops.release(h);
            return out;
        }
    }
}
