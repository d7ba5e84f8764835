package io.github.blurdm.blurdm.prior;

import io.github.blurdm.layers.Act;
import io.github.blurdm.layers.Linear;
import io.github.blurdm.layers.Module;
import io.github.blurdm.layers.Sequential;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * One latent denoiser (spec section 4), used both as {@code noise_model} and {@code lcr_model}: the
 * input {@code [c (latent) | t/T | z_t]} goes through Linear(2L+1 -> L) + LReLU(0.1), then
 * {@code denoiserBlocks} x (Linear(L -> L) + LReLU). No residual connections.
 */
public final class LatentDenoiser extends Module {
    private final Linear first;
    private final Linear[] blocks;

    public LatentDenoiser(PriorConfig c) {
        int l = c.latent();
        Sequential s = child("resmlp", new Sequential());
        first = s.add(new Linear(2 * l + 1, l, true));
        s.add(new Act(LatentEncoder.LRELU));
        blocks = new Linear[c.denoiserBlocks()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = s.add(new Block(l)).linear;
        }
    }

    /** {@code resmlp.k.resmlp.0} Linear and {@code resmlp.k.resmlp.1} LReLU. */
    private static final class Block extends Module {
        final Linear linear;

        Block(int l) {
            Sequential s = child("resmlp", new Sequential());
            linear = s.add(new Linear(l, l, true));
            s.add(new Act(LatentEncoder.LRELU));
        }
    }

    /** @param input [N, 2L+1], already laid out as {@code [c | t/T | z]} */
    public Tensor forward(Ops ops, Tensor input) {
        Tensor h = first.forward(ops, input, LatentEncoder.LRELU);
        for (Linear b : blocks) {
            h = b.forward(ops, h, LatentEncoder.LRELU);
        }
        return h;
    }
}
