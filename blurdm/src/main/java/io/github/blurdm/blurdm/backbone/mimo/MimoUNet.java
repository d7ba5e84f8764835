package io.github.blurdm.blurdm.backbone.mimo;

import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.backbone.BackboneModule;
import io.github.blurdm.blurdm.backbone.mimo.MimoBlocks.Aff;
import io.github.blurdm.blurdm.backbone.mimo.MimoBlocks.BasicConv;
import io.github.blurdm.blurdm.backbone.mimo.MimoBlocks.DBlock;
import io.github.blurdm.blurdm.backbone.mimo.MimoBlocks.Fam;
import io.github.blurdm.blurdm.backbone.mimo.MimoBlocks.ResStack;
import io.github.blurdm.blurdm.backbone.mimo.MimoBlocks.Scm;
import io.github.blurdm.layers.Sequential;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * MIMO-UNet / MIMO-UNet+ (spec section 5.1), optionally with the BlurDM prior in its three decoder
 * blocks. {@link #forward} returns only the full-resolution output {@code out1}, the one inference
 * uses; the 1/4 and 1/2 heads ({@code ConvsOut}) are loaded but skipped.
 */
public final class MimoUNet extends BackboneModule<MimoConfig> {
    /**
     * Input sides must be multiples of this: two stride-2 stages must halve them exactly, or the
     * 1/4-scale features and the 1/4-scale image differ in size (the original eval.py then fails).
     */
    public static final int SIDE_MULTIPLE = 4;

    private final ResStack[] encoder;
    private final BasicConv[] feat;
    private final DBlock[] decoder;
    private final BasicConv[] convs;
    private final Aff[] affs;
    private final Fam fam1;
    private final Scm scm1;
    private final Fam fam2;
    private final Scm scm2;

    public MimoUNet(MimoConfig c) {
        super(Backbone.MIMO_UNET, c);
        int c1 = c.baseChannels();
        int c2 = 2 * c1;
        int c4 = 4 * c1;
        int n = c.resBlocks();
        Sequential enc = child("Encoder", new Sequential());
        encoder = new ResStack[] {enc.add(new ResStack(c1, n)), enc.add(new ResStack(c2, n)),
            enc.add(new ResStack(c4, n))};
        Sequential fe = child("feat_extract", new Sequential());
        feat = new BasicConv[] {
            fe.add(new BasicConv(3, c1, 3, 1, true, false)),
            fe.add(new BasicConv(c1, c2, 3, 2, true, false)),
            fe.add(new BasicConv(c2, c4, 3, 2, true, false)),
            fe.add(new BasicConv(c4, c2, 4, 2, true, true)),
            fe.add(new BasicConv(c2, c1, 4, 2, true, true)),
            fe.add(new BasicConv(c1, 3, 3, 1, false, false))};
        Sequential dec = child("Decoder", new Sequential());
        decoder = new DBlock[] {dec.add(new DBlock(c4, n, c.withPrior(), c.latent())),
            dec.add(new DBlock(c2, n, c.withPrior(), c.latent())),
            dec.add(new DBlock(c1, n, c.withPrior(), c.latent()))};
        Sequential cv = child("Convs", new Sequential());
        convs = new BasicConv[] {cv.add(BasicConv.conv(c4, c2, 1, true)), cv.add(BasicConv.conv(c2, c1, 1, true))};
        Sequential co = child("ConvsOut", new Sequential());
        co.add(BasicConv.conv(c4, 3, 3, false));
        co.add(BasicConv.conv(c2, 3, 3, false));
        Sequential af = child("AFFs", new Sequential());
        affs = new Aff[] {af.add(new Aff(c1 + c2 + c4, c1)), af.add(new Aff(c1 + c2 + c4, c2))};
        fam1 = child("FAM1", new Fam(c4));
        scm1 = child("SCM1", new Scm(c4));
        fam2 = child("FAM2", new Fam(c2));
        scm2 = child("SCM2", new Scm(c2));
    }

    /**
     * The backbone's peak of live feature maps, measured at 4.7 full-resolution maps of the base width
     * (ModelProfile's allocations, small and paper sizes, since the AFFs upsample after their 1x1 conv; it was
     * 15.7 with the full-resolution concatenations), taken as 8 for the backends' own temporaries.
     */
    @Override
    public long workingBytes(int h, int w) {
        return 8L * config().baseChannels() * ((long) h * w) * Float.BYTES;
    }

    /** {@link #forward(Ops, Tensor, Tensor, Trace)} without a trace: out1. */
    @Override
    public Tensor forward(Ops ops, Tensor x, Tensor prior) {
        return forward(ops, x, prior, null);
    }

    /**
     * @param x     [N,3,H,W], H and W multiples of {@value #SIDE_MULTIPLE}, normalised as the weights were
     *              trained (see {@code pipeline.Conventions})
     * @param prior [N,latent] on the backend, or null for a backbone without prior
     * @param trace null, or observes the decoder outputs ("decoder0".."decoder2")
     * @return out1, [N,3,H,W]
     */
    public Tensor forward(Ops ops, Tensor x, Tensor prior, Trace trace) {
        checkInputs(x, prior, SIDE_MULTIPLE);
        // Intermediates are released as soon as they are dead (x and prior belong to the caller).
        Tensor x2 = ops.downsampleNearest2(x);
        Tensor x4 = ops.downsampleNearest2(x2);
        Tensor z2 = scm2.forward(ops, x2);
        Tensor z4 = scm1.forward(ops, x4);
        ops.release(x2, x4); // only the skipped 1/2 and 1/4 heads would need them again
        Tensor f = feat[0].forward(ops, x);
        Tensor res1 = encoder[0].forward(ops, f);
        releaseIfOther(ops, f, res1);
        f = feat[1].forward(ops, res1);
        Tensor z = fam2.forward(ops, f, z2);
        ops.release(f, z2);
        Tensor res2 = encoder[1].forward(ops, z);
        releaseIfOther(ops, z, res2);
        f = feat[2].forward(ops, res2);
        Tensor fused = fam1.forward(ops, f, z4);
        ops.release(f, z4);
        z = encoder[2].forward(ops, fused);
        releaseIfOther(ops, fused, z);
        // PyTorch: AFF1(down(res1), res2, up(z)) and AFF0(res1, up(res2), up(up(z))); the upsampling happens
        // after each AFF's 1x1 conv instead (the same function, less work and memory)
        Tensor z12 = ops.downsampleNearest2(res1);
        Tensor res2b = affs[1].forwardAcrossScales(ops, z12, res2, z);
        ops.release(z12);
        Tensor res1b = affs[0].forwardAcrossScales(ops, res1, res2, z);
        ops.release(res1, res2);
        Tensor d = decoder[0].forward(ops, z, prior);
        releaseIfOther(ops, z, d);
        record(ops, trace, "decoder0", d);
        z = feat[3].forward(ops, d);
        ops.release(d);
        Tensor cat = ops.concat(z, res2b);
        ops.release(z, res2b);
        z = convs[0].forward(ops, cat);
        ops.release(cat);
        d = decoder[1].forward(ops, z, prior);
        releaseIfOther(ops, z, d);
        record(ops, trace, "decoder1", d);
        z = feat[4].forward(ops, d);
        ops.release(d);
        cat = ops.concat(z, res1b);
        ops.release(z, res1b);
        z = convs[1].forward(ops, cat);
        ops.release(cat);
        d = decoder[2].forward(ops, z, prior);
        releaseIfOther(ops, z, d);
        record(ops, trace, "decoder2", d);
        Tensor out = feat[5].forward(ops, d);
        ops.release(d);
        ops.backend().add(out, out, x);
        return out;
    }

    /** Releases {@code a} unless a block passed it through unchanged as {@code b} (no ResBlocks). */
    private static void releaseIfOther(Ops ops, Tensor a, Tensor b) {
        if (a != b) {
            ops.release(a);
        }
    }
}
