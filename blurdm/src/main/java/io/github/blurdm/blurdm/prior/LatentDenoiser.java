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

    /**
     * All weights flattened in the order {@link io.github.blurdm.runtime.Op#PRIOR_SAMPLER} reads them,
     * {@code w0 | b0 | (w_k | b_k) x D}, as one [P] tensor on the backend.
     */
    public Tensor packed(Ops ops) {
        Tensor[] parts = new Tensor[2 * (blocks.length + 1)];
        int i = 0;
        for (Linear lin : concatFirst()) {
            parts[i++] = flat(lin.weight());
            parts[i++] = flat(lin.bias());
        }
        Tensor row = ops.concat(parts);
        return row.reshape(row.dim(1));
    }

    private Linear[] concatFirst() {
        Linear[] all = new Linear[blocks.length + 1];
        all[0] = first;
        System.arraycopy(blocks, 0, all, 1, blocks.length);
        return all;
    }

    private static Tensor flat(Tensor t) {
        return t.reshape(1, t.size());
    }
}
