package io.github.blurdm.blurdm.backbone;

import io.github.blurdm.layers.Module;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;

/**
 * A backbone network built for one set of weights, as the pipeline runs it: padded, normalised images in,
 * the output inference uses out. Implementations are {@link Module} trees named as PyTorch names them;
 * once loaded they are only read.
 */
public interface BackboneNetwork {
    /** The family whose rules it runs by. */
    Backbone backbone();

    /** The network in words, for logs and messages, e.g. "MIMO-UNet+ with the BlurDM prior". */
    String displayName();

    /** Whether it takes the BlurDM prior (owns the prior's {@code kv} layers). */
    boolean takesPrior();

    /** The prior length its {@code kv} layers take; meaningful when {@link #takesPrior()}. */
    int latent();

    /** The module tree whose parameters load by PyTorch name. */
    Module module();

    /**
     * The output inference uses ({@link BackboneFamily#output()}).
     *
     * @param x     [N,3,H,W] on the backend, normalised as the weights were trained, H and W multiples of
     *              {@link BackboneFamily#sideMultiple()}
     * @param prior [N,latent] on the backend, or null when it takes none
     * @return [N,3,H,W] on the backend
     */
    Tensor forward(Ops ops, Tensor x, Tensor prior);

    /** About how many bytes one forward pass at h x w needs at its peak: whether an image runs whole or tiled. */
    long workingBytes(int h, int w);
}
