package io.github.blurdm.blurdm.backbone;

/** What every backbone's configuration tells the pipeline: its name in words and whether it takes the prior. */
public interface BackboneConfig {
    /** The network in words, e.g. "MIMO-UNet+ with the BlurDM prior". */
    String displayName();

    /** Whether the network owns the prior's {@code kv} layers. */
    boolean withPrior();

    /** The prior length the {@code kv} layers take; meaningful when {@link #withPrior()}. */
    int latent();
}
