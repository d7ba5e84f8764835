package io.github.blurdm.blurdm.backbone.mimo;

import io.github.blurdm.layers.Act;
import io.github.blurdm.layers.Conv2d;
import io.github.blurdm.layers.ConvTranspose2d;
import io.github.blurdm.layers.Linear;
import io.github.blurdm.layers.Module;
import io.github.blurdm.layers.Sequential;
import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/** The building blocks of MIMO-UNet (spec 5.1), named as PyTorch names them. */
final class MimoBlocks {
    private MimoBlocks() {
    }

    /** BasicConv: {@code main.0} a conv (or transposed conv, padding k/2 - 1), {@code main.1} an optional ReLU. */
    static final class BasicConv extends Module {
        private final Conv2d conv;
        private final ConvTranspose2d convT;
        private final Activation act;

        BasicConv(int cin, int cout, int k, int stride, boolean relu, boolean transpose) {
            Sequential main = child("main", new Sequential());
            if (transpose) {
                convT = main.add(new ConvTranspose2d(cin, cout, k, stride, k / 2 - 1, true));
                conv = null;
            } else {
                conv = main.add(new Conv2d(cin, cout, k, stride, k / 2, true));
                convT = null;
            }
            act = relu ? Activation.RELU : Activation.NONE;
            if (relu) {
                main.add(new Act(Activation.RELU));
            }
        }

        static BasicConv conv(int cin, int cout, int k, boolean relu) {
            return new BasicConv(cin, cout, k, 1, relu, false);
        }

        Tensor forward(Ops ops, Tensor x) {
            return conv != null ? conv.forward(ops, x, act) : convT.forward(ops, x, act);
        }
    }

    /** ResBlock: conv3x3 + ReLU, conv3x3, plus the input. */
    static final class ResBlock extends Module {
        private final BasicConv a;
        private final BasicConv b;

        ResBlock(int c) {
            Sequential main = child("main", new Sequential());
            a = main.add(BasicConv.conv(c, c, 3, true));
            b = main.add(BasicConv.conv(c, c, 3, false));
        }

        Tensor forward(Ops ops, Tensor x) {
            Tensor h = a.forward(ops, x);
            Tensor t = b.forward(ops, h);
            ops.release(h);
            ops.backend().add(t, t, x);
            return t;
        }
    }

    /** EBlock (and the ResBlock stack of a DBlock): {@code layers.0 ... layers.(n-1)}. */
    static final class ResStack extends Module {
        private final ResBlock[] blocks;

        ResStack(int c, int n) {
            Sequential layers = child("layers", new Sequential());
            blocks = new ResBlock[n];
            for (int i = 0; i < n; i++) {
                blocks[i] = layers.add(new ResBlock(c));
            }
        }

        /** The stack's input belongs to the caller; the intermediate block outputs are released. */
        Tensor forward(Ops ops, Tensor x) {
            return runBlocks(ops, blocks, x, false);
        }
    }

    /** DBlock: the prior modulation {@code x * k + v} ([k | v] = kv(P), no bias) when present, then ResBlocks. */
    static final class DBlock extends Module {
        private final Linear kv;
        private final ResBlock[] blocks;
        private final int channels;

        DBlock(int c, int n, boolean withPrior, int latent) {
            channels = c;
            kv = withPrior ? child("kv", new Linear(latent, 2 * c, false)) : null;
            Sequential layers = child("layers", new Sequential());
            blocks = new ResBlock[n];
            for (int i = 0; i < n; i++) {
                blocks[i] = layers.add(new ResBlock(c));
            }
        }

        Tensor forward(Ops ops, Tensor x, Tensor prior) {
            boolean owned = false;
            if (kv != null) {
                Tensor both = kv.forward(ops, prior);
                Tensor[] kAndV = ops.split(both, channels, channels);
                x = ops.channelAffine(x, kAndV[0], kAndV[1]);
                ops.release(both, kAndV[0], kAndV[1]);
                owned = true;
            }
            return runBlocks(ops, blocks, x, owned);
        }
    }

    /** Runs ResBlocks in turn, releasing each intermediate (and the input when {@code ownsInput}). */
    static Tensor runBlocks(Ops ops, ResBlock[] blocks, Tensor x, boolean ownsInput) {
        boolean owned = ownsInput;
        for (ResBlock rb : blocks) {
            Tensor y = rb.forward(ops, x);
            if (owned) {
                ops.release(x);
            }
            x = y;
            owned = true;
        }
        return x;
    }

    /** SCM: shallow convs on a downscaled image, concatenated after the image, then a 1x1 conv. */
    static final class Scm extends Module {
        private final BasicConv[] main;
        private final BasicConv conv;

        Scm(int planes) {
            Sequential m = child("main", new Sequential());
            main = new BasicConv[] {
                m.add(BasicConv.conv(3, planes / 4, 3, true)),
                m.add(BasicConv.conv(planes / 4, planes / 2, 1, true)),
                m.add(BasicConv.conv(planes / 2, planes / 2, 3, true)),
                m.add(BasicConv.conv(planes / 2, planes - 3, 1, true))};
            conv = child("conv", BasicConv.conv(planes, planes, 1, false));
        }

        Tensor forward(Ops ops, Tensor x) {
            Tensor h = x;
            for (BasicConv c : main) {
                Tensor next = c.forward(ops, h);
                if (h != x) {
                    ops.release(h);
                }
                h = next;
            }
            Tensor cat = ops.concat(x, h);
            ops.release(h);
            Tensor out = conv.forward(ops, cat);
            ops.release(cat);
            return out;
        }
    }

    /** FAM: x1 + merge(x1 * x2). */
    static final class Fam extends Module {
        private final BasicConv merge;

        Fam(int c) {
            merge = child("merge", BasicConv.conv(c, c, 3, false));
        }

        Tensor forward(Ops ops, Tensor x1, Tensor x2) {
            Tensor prod = ops.mul(x1, x2);
            Tensor t = merge.forward(ops, prod);
            ops.release(prod);
            ops.backend().add(t, t, x1);
            return t;
        }
    }

    /** AFF: concatenate three maps, 1x1 conv + ReLU, 3x3 conv. */
    static final class Aff extends Module {
        private final BasicConv a;
        private final BasicConv b;

        Aff(int cin, int cout) {
            Sequential conv = child("conv", new Sequential());
            a = conv.add(BasicConv.conv(cin, cout, 1, true));
            b = conv.add(BasicConv.conv(cout, cout, 3, false));
        }

        Tensor forward(Ops ops, Tensor x1, Tensor x2, Tensor x3) {
            Tensor cat = ops.concat(x1, x2, x3);
            Tensor h = a.forward(ops, cat);
            ops.release(cat);
            Tensor out = b.forward(ops, h);
            ops.release(h);
            return out;
        }

        /**
         * {@link #forward} of {@code (up^k1(x1), up^k2(x2), up^k3(x3))}, each input at its own resolution: the
         * output's (the finest input's) divided by 2^k, k >= 0, with up = nearest 2x upsampling. The 1x1 conv
         * is linear per pixel, so it commutes with nearest upsampling: each input is convolved with its slice
         * of the weight where it is, and the partial sums are upsampled and added, coarsest first, before the
         * ReLU. 4^k fewer multiply-adds per input, and no full-resolution copy of the coarse maps (at
         * 1280x720 the concatenation alone was 112 channels, 413 MB).
         */
        Tensor forwardAcrossScales(Ops ops, Tensor x1, Tensor x2, Tensor x3) {
            Tensor[] xs = {x1, x2, x3};
            int outH = 0;
            int outW = 0;
            for (Tensor x : xs) {
                outH = Math.max(outH, x.dim(2));
                outW = Math.max(outW, x.dim(3));
            }
            Tensor[] sums = new Tensor[xs.length]; // by level k
            int start = 0;
            boolean biasAdded = false;
            for (Tensor x : xs) {
                int k = level(x, outH, outW);
                boolean withBias = k == 0 && !biasAdded;
                Tensor p = a.conv.forwardInputChannels(ops, x, start, withBias);
                biasAdded |= withBias;
                start += x.dim(1);
                if (sums[k] == null) {
                    sums[k] = p;
                } else {
                    ops.backend().add(sums[k], sums[k], p);
                    ops.release(p);
                }
            }
            for (int k = sums.length - 1; k > 0; k--) {
                if (sums[k] != null) {
                    Tensor up = ops.upsampleNearest2(sums[k]);
                    ops.release(sums[k]);
                    if (sums[k - 1] == null) {
                        sums[k - 1] = up;
                    } else {
                        ops.backend().add(sums[k - 1], sums[k - 1], up);
                        ops.release(up);
                    }
                }
            }
            Tensor h = sums[0];
            ops.backend().relu(h, h);
            Tensor out = b.forward(ops, h);
            ops.release(h);
            return out;
        }

        /** k such that x is the output size (outH, outW) divided by 2^k, k in 0..2. */
        private static int level(Tensor x, int outH, int outW) {
            for (int k = 0; k < 3; k++) {
                if (x.dim(2) << k == outH && x.dim(3) << k == outW) {
                    return k;
                }
            }
            throw new IllegalArgumentException("AFF: input " + java.util.Arrays.toString(x.shape())
                    + " is not the output size " + outH + "x" + outW + " divided by 1, 2 or 4");
        }
    }
}
