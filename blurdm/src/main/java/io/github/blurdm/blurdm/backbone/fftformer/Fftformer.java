package io.github.blurdm.blurdm.backbone.fftformer;

import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.backbone.BackboneModule;
import io.github.blurdm.blurdm.backbone.fftformer.FftformerBlocks.Fuse;
import io.github.blurdm.blurdm.backbone.fftformer.FftformerBlocks.Resample;
import io.github.blurdm.blurdm.backbone.fftformer.FftformerBlocks.TransformerBlock;
import io.github.blurdm.layers.Conv2d;
import io.github.blurdm.layers.Module;
import io.github.blurdm.layers.Sequential;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * FFTformer (spec 5.3), with the BlurDM prior in the FSAS blocks of its decoder and refinement when its
 * configuration has a latent: patch_embed, three encoder levels (DFFN-only blocks), a decoder from level 3 up
 * with Fuse blocks joining the encoder's skips, refinement, output conv plus the input image. The unused
 * {@code reduce_chan_level2} is loaded when the weights have it and never run.
 */
public final class Fftformer extends BackboneModule<FftformerConfig> {
    /** Sides must be multiples of this: two halvings, then 8x8 patches at quarter scale. */
    public static final int SIDE_MULTIPLE = 32;

    private final Conv2d patchEmbed;
    private final TransformerBlock[][] encoder = new TransformerBlock[3][];
    private final TransformerBlock[][] decoder = new TransformerBlock[3][];
    private final TransformerBlock[] refinement;
    private final Resample down12;
    private final Resample down23;
    private final Resample up32;
    private final Resample up21;
    private final Fuse fuse1;
    private final Fuse fuse2;
    private final Conv2d output;

    public Fftformer(FftformerConfig c) {
        super(Backbone.FFTFORMER, c);
        boolean bias = c.bias();
        boolean ln = c.layerNormBias();
        Module embed = child("patch_embed", new Holder());
        patchEmbed = ((Holder) embed).put("proj", new Conv2d(3, c.dim(), 3, 1, 1, false));
        encoder[0] = FftformerBlocks.level(child("encoder_level1", new Sequential()), c.encoderBlocks(1), c.width(1),
                c.hidden(1), bias, false, 0, ln);
        down12 = child("down1_2", new Resample(c.width(1), c.width(2), 0.5));
        encoder[1] = FftformerBlocks.level(child("encoder_level2", new Sequential()), c.encoderBlocks(2), c.width(2),
                c.hidden(2), bias, false, 0, ln);
        down23 = child("down2_3", new Resample(c.width(2), c.width(3), 0.5));
        encoder[2] = FftformerBlocks.level(child("encoder_level3", new Sequential()), c.encoderBlocks(3), c.width(3),
                c.hidden(3), bias, false, 0, ln);
        decoder[2] = FftformerBlocks.level(child("decoder_level3", new Sequential()), c.decoderBlocks(3), c.width(3),
                c.hidden(3), bias, true, c.latent(), ln);
        up32 = child("up3_2", new Resample(c.width(3), c.width(2), 2));
        if (c.reduceChan()) {
            child("reduce_chan_level2", new Conv2d(c.width(3), c.width(2), 1, 1, 0, bias));
        }
        decoder[1] = FftformerBlocks.level(child("decoder_level2", new Sequential()), c.decoderBlocks(2), c.width(2),
                c.hidden(2), bias, true, c.latent(), ln);
        up21 = child("up2_1", new Resample(c.width(2), c.width(1), 2));
        decoder[0] = FftformerBlocks.level(child("decoder_level1", new Sequential()), c.decoderBlocks(1), c.width(1),
                c.hidden(1), bias, true, c.latent(), ln);
        refinement = FftformerBlocks.level(child("refinement", new Sequential()), c.refinementBlocks(), c.width(1),
                c.hidden(1), bias, true, c.latent(), ln);
        fuse2 = child("fuse2", new Fuse(c.width(2), c.fuseHidden(2), ln));
        fuse1 = child("fuse1", new Fuse(c.width(1), c.fuseHidden(1), ln));
        output = child("output", new Conv2d(c.width(1), 3, 3, 1, 1, bias));
    }

    /** A named container with one child (patch_embed.proj). */
    private static final class Holder extends Module {
        <M extends Module> M put(String name, M m) {
            return child(name, m);
        }
    }

    @Override
    public Tensor forward(Ops ops, Tensor x, Tensor prior) {
        return forward(ops, x, prior, null);
    }

    /**
     * @param x     [N,3,H,W], H and W multiples of {@value #SIDE_MULTIPLE}, v/255 (no shift)
     * @param prior [N,latent] on the backend, or null for a network without prior
     * @param trace null, or observes the level outputs ("enc1", "enc3", "dec3", "dec2", "dec1", "refinement")
     * @return the restored image [N,3,H,W] (output conv plus x), not clamped
     */
    public Tensor forward(Ops ops, Tensor x, Tensor prior, Trace trace) {
        checkInputs(x, prior, SIDE_MULTIPLE);
        Tensor e = patchEmbed.forward(ops, x);
        Tensor enc1 = FftformerBlocks.run(ops, encoder[0], e, true, null);
        record(ops, trace, "enc1", enc1);
        Tensor d = down12.forward(ops, enc1);
        Tensor enc2 = FftformerBlocks.run(ops, encoder[1], d, true, null);
        d = down23.forward(ops, enc2);
        Tensor enc3 = FftformerBlocks.run(ops, encoder[2], d, true, null);
        record(ops, trace, "enc3", enc3);
        Tensor dec3 = FftformerBlocks.run(ops, decoder[2], enc3, true, prior);
        record(ops, trace, "dec3", dec3);
        Tensor u = up32.forward(ops, dec3);
        ops.release(dec3);
        Tensor f = fuse2.forward(ops, u, enc2);
        ops.release(u, enc2);
        Tensor dec2 = FftformerBlocks.run(ops, decoder[1], f, true, prior);
        record(ops, trace, "dec2", dec2);
        u = up21.forward(ops, dec2);
        ops.release(dec2);
        f = fuse1.forward(ops, u, enc1);
        ops.release(u, enc1);
        Tensor dec1 = FftformerBlocks.run(ops, decoder[0], f, true, prior);
        record(ops, trace, "dec1", dec1);
        Tensor ref = FftformerBlocks.run(ops, refinement, dec1, true, prior);
        record(ops, trace, "refinement", ref);
        Tensor out = output.forward(ops, ref);
        ops.release(ref);
        ops.backend().add(out, out, x);
        return out;
    }

    /**
     * About how many bytes one forward pass at h x w holds at its peak: at full resolution the encoder's skip
     * (dim), the block's input and residual (2 dim) and the widest block temporaries (FSAS: 6 dim twice and
     * 2 dim; DFFN: 2 hidden twice), plus the image; the lower levels hold less.
     */
    @Override
    public long workingBytes(int h, int w) {
        long d = config().dim();
        long widest = Math.max(14 * d, 4L * config().hidden(1) + 2 * d);
        return 4L * h * w * (widest + 3 * d + 6);
    }
}
