package io.github.blurdm.blurdm.backbone.stripformer;

import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.backbone.BackboneModule;
import io.github.blurdm.blurdm.backbone.stripformer.StripBlocks.ConvAct;
import io.github.blurdm.blurdm.backbone.stripformer.StripBlocks.ConvPair;
import io.github.blurdm.blurdm.backbone.stripformer.StripBlocks.InterStrip;
import io.github.blurdm.blurdm.backbone.stripformer.StripBlocks.IntraStrip;
import io.github.blurdm.blurdm.backbone.stripformer.StripBlocks.StripBlock;
import io.github.blurdm.layers.Module;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * Stripformer (spec section 5.2), with the BlurDM prior in every transformer block when its config says so:
 * the encoder ({@code encoder.en_layer*}: full resolution, 1/2 and 1/4 by stride-2 convs), the bottleneck
 * {@code Trans_block_1..} at 1/4 (odd blocks intra-strip, even ones inter-strip), the decoder
 * ({@code decoder.*}: a transposed conv to 1/2, {@code de_block_1..}, a transposed conv to full resolution
 * and the residual convs) and the input image added to the last conv's LeakyReLU output. Module names are
 * PyTorch's.
 */
public final class Stripformer extends BackboneModule<StripformerConfig> {
    /** Input sides must be multiples of this: two stride-2 convs and two 2x transposed convs must meet the skips. */
    public static final int SIDE_MULTIPLE = 4;

    private final ConvAct en11;
    private final ConvPair[] en1;
    private final ConvAct en21;
    private final ConvPair[] en2;
    private final ConvAct en31;
    private final StripBlock[] blocks;
    private final ConvAct de31;
    private final ConvAct de22;
    private final StripBlock[] decBlocks;
    private final ConvAct de21;
    private final ConvPair de13;
    private final ConvPair de12;
    private final ConvAct de11;

    public Stripformer(StripformerConfig c) {
        super(Backbone.STRIPFORMER, c);
        Group encoder = child("encoder", new Group());
        en11 = register(encoder, "en_layer1_1", new ConvAct(3, c.c1(), 3, 1, false));
        en1 = new ConvPair[3];
        for (int i = 0; i < 3; i++) {
            en1[i] = register(encoder, "en_layer1_" + (i + 2), new ConvPair(c.c1(), c.c1(), c.c1(), 3));
        }
        en21 = register(encoder, "en_layer2_1", new ConvAct(c.c1(), c.c2(), 3, 2, false));
        en2 = new ConvPair[3];
        for (int i = 0; i < 3; i++) {
            en2[i] = register(encoder, "en_layer2_" + (i + 2), new ConvPair(c.c2(), c.c2(), c.c2(), 3));
        }
        en31 = register(encoder, "en_layer3_1", new ConvAct(c.c2(), c.dim(), 3, 2, false));
        blocks = new StripBlock[c.blocks()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = child("Trans_block_" + (i + 1), block(i, c.dim(), c.hidden(), c));
        }
        Group decoder = child("decoder", new Group());
        de31 = register(decoder, "de_layer3_1", new ConvAct(c.dim(), c.decDim(), 4, 2, true));
        de22 = register(decoder, "de_layer2_2", new ConvAct(c.decDim() + c.c2(), c.decDim(), 1, 1, false));
        decBlocks = new StripBlock[c.decBlocks()];
        for (int i = 0; i < decBlocks.length; i++) {
            decBlocks[i] = register(decoder, "de_block_" + (i + 1), block(i, c.decDim(), c.decHidden(), c));
        }
        de21 = register(decoder, "de_layer2_1", new ConvAct(c.decDim(), c.c1(), 4, 2, true));
        de13 = register(decoder, "de_layer1_3", new ConvPair(2 * c.c1(), c.c1(), c.c1(), 1));
        de12 = register(decoder, "de_layer1_2", new ConvPair(c.c1(), c.c1(), c.c1(), 3));
        de11 = register(decoder, "de_layer1_1", new ConvAct(c.c1(), 3, 3, 1, false));
    }

    private static StripBlock block(int index, int channels, int hidden, StripformerConfig c) {
        return index % 2 == 0 ? new IntraStrip(channels, hidden, c.withPrior(), c.latent())
                : new InterStrip(channels, hidden, c.withPrior(), c.latent());
    }

    /** {@code encoder} and {@code decoder}: modules that only name their members (the code is Stripformer's). */
    private static final class Group extends Module {
        void add(String name, Module m) {
            child(name, m);
        }
    }

    private static ConvAct register(Group parent, String name, ConvAct m) {
        parent.add(name, m.module());
        return m;
    }

    private static ConvPair register(Group parent, String name, ConvPair m) {
        parent.add(name, m.module());
        return m;
    }

    private static StripBlock register(Group parent, String name, StripBlock m) {
        parent.add(name, m);
        return m;
    }

    /**
     * The widest moment: the decoder's token MLP at 1/2 scale (hidden channels) with the 1/2-scale block input and
     * skip, residual_1 at full resolution and the image; taken as 1.5x for the backends' own temporaries.
     */
    @Override
    public long workingBytes(int h, int w) {
        long pixels = (long) h * w;
        long floats = pixels * (3L * config().c1() + 3 + (config().decHidden() + 3L * config().decDim()
                + config().c2()) / 4);
        return floats * Float.BYTES * 3 / 2;
    }

    /**
     * @param x     [N,3,H,W], H and W multiples of {@value #SIDE_MULTIPLE}, normalised as the weights were trained
     * @param prior [N,latent] on the backend, or null for a network without the prior's layers
     * @return the restored image [N,3,H,W]: the decoder's output plus x
     */
    @Override
    public Tensor forward(Ops ops, Tensor x, Tensor prior) {
        checkInputs(x, prior, SIDE_MULTIPLE);
        Tensor h = en11.forward(ops, x);
        for (ConvPair p : en1) {
            h = step(ops, h, p.residual(ops, h, h));
        }
        Tensor residual1 = h;
        h = en21.forward(ops, residual1);
        for (ConvPair p : en2) {
            h = step(ops, h, p.residual(ops, h, h));
        }
        Tensor residual2 = h;
        h = en31.forward(ops, residual2);
        for (StripBlock b : blocks) {
            h = step(ops, h, b.forward(ops, h, prior));
        }
        Tensor up = de31.forward(ops, h);
        ops.release(h);
        Tensor cat = ops.concat(up, residual2);
        ops.release(up, residual2);
        h = de22.forward(ops, cat);
        ops.release(cat);
        for (StripBlock b : decBlocks) {
            h = step(ops, h, b.forward(ops, h, prior));
        }
        up = de21.forward(ops, h);
        ops.release(h);
        h = de13.residualOfConcat(ops, up, residual1, up);
        ops.release(up, residual1);
        h = step(ops, h, de12.residual(ops, h, h));
        Tensor out = de11.forward(ops, h);
        ops.release(h);
        ops.backend().add(out, out, x);
        return out;
    }

    /** Releases the previous stage's output once the next one is made. */
    private static Tensor step(Ops ops, Tensor previous, Tensor next) {
        ops.release(previous);
        return next;
    }
}
