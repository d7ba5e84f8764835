package io.github.blurdm.blurdm.prior;

import io.github.blurdm.layers.Act;
import io.github.blurdm.layers.Conv2d;
import io.github.blurdm.layers.Linear;
import io.github.blurdm.layers.Module;
import io.github.blurdm.layers.Sequential;
import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * LE_arch without BatchNorm (spec section 3): PixelUnshuffle(4) of both inputs, concatenated
 * ({@code x} first), a conv stack at 1/4 scale with LeakyReLU(0.1), global mean, two Linear+LReLU.
 * Input [N,3,H,W] twice (H, W divisible by 4); output [N,latent].
 */
public final class LatentEncoder extends Module {
    static final Activation LRELU = Activation.leakyRelu(0.1f);

    private final Conv2d in;
    private final Conv2d[][] res;
    private final Conv2d up1;
    private final Conv2d up2;
    private final Conv2d up3;
    private final Linear mlp0;
    private final Linear mlp2;

    public LatentEncoder(PriorConfig c) {
        int f = c.encoderFeatures();
        Sequential e = child("E", new Sequential());
        in = e.add(new Conv2d(96, f, 3, 1, 1, true));
        e.add(new Act(LRELU));
        res = new Conv2d[c.encoderResBlocks()][];
        for (int i = 0; i < res.length; i++) {
            ResBlock rb = e.add(new ResBlock(f));
            res[i] = new Conv2d[] {rb.a, rb.b};
        }
        up1 = e.add(new Conv2d(f, 2 * f, 3, 1, 1, true));
        e.add(new Act(LRELU));
        up2 = e.add(new Conv2d(2 * f, 2 * f, 3, 1, 1, true));
        e.add(new Act(LRELU));
        up3 = e.add(new Conv2d(2 * f, c.latent(), 3, 1, 1, true));
        e.add(new Act(LRELU));
        Sequential mlp = child("mlp", new Sequential());
        mlp0 = mlp.add(new Linear(c.latent(), c.latent(), true));
        mlp.add(new Act(LRELU));
        mlp2 = mlp.add(new Linear(c.latent(), c.latent(), true));
        mlp.add(new Act(LRELU));
    }

    /** ResBlock body: {@code body.0} conv, {@code body.1} LReLU, {@code body.2} conv. */
    private static final class ResBlock extends Module {
        final Conv2d a;
        final Conv2d b;

        ResBlock(int f) {
            Sequential body = child("body", new Sequential());
            a = body.add(new Conv2d(f, f, 3, 1, 1, true));
            body.add(new Act(LRELU));
            b = body.add(new Conv2d(f, f, 3, 1, 1, true));
        }
    }

    /** forward(x, g) = head(global mean of features(x, g)). */
    public Tensor forward(Ops ops, Tensor x, Tensor g) {
        Tensor f = features(ops, x, g);
        Tensor pooled = ops.globalAvgPool(f);
        ops.release(f);
        return head(ops, pooled);
    }

    /** The conv stack before the global mean: [N, latent, H/4, W/4]. */
    public Tensor features(Ops ops, Tensor x, Tensor g) {
        Tensor px = ops.pixelUnshuffle(x, 4);
        Tensor pg = ops.pixelUnshuffle(g, 4);
        Tensor cat = ops.concat(px, pg);
        ops.release(px, pg);
        Tensor h = in.forward(ops, cat, LRELU);
        ops.release(cat);
        for (Conv2d[] rb : res) {
            Tensor t1 = rb[0].forward(ops, h, LRELU);
            Tensor t = rb[1].forward(ops, t1, Activation.NONE);
            ops.release(t1);
            ops.backend().add(t, t, h);
            ops.release(h);
            h = t;
        }
        for (Conv2d c : new Conv2d[] {up1, up2, up3}) {
            Tensor next = c.forward(ops, h, LRELU);
            ops.release(h);
            h = next;
        }
        return h;
    }

    /** The MLP after the global mean: [N, latent] to [N, latent]. */
    public Tensor head(Ops ops, Tensor pooled) {
        return mlp2.forward(ops, mlp0.forward(ops, pooled, LRELU), LRELU);
    }

    /**
     * How far, in 1/4-scale pixels, a feature depends on its neighbourhood: one pixel per 3x3 conv.
     * A tile extended by this halo (clipped at the image border) gives exact features inside it.
     */
    public int receptiveRadius() {
        return 1 + 2 * res.length + 3;
    }
}
