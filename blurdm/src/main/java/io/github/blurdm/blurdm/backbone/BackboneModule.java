package io.github.blurdm.blurdm.backbone;

import io.github.blurdm.layers.Module;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.Arrays;

/**
 * The part every backbone network shares: its family and configuration, and the check of what
 * {@link #forward} is given. A backbone class declares its layers and its forward pass, nothing else.
 *
 * @param <C> the backbone's configuration
 */
public abstract class BackboneModule<C extends BackboneConfig> extends Module implements BackboneNetwork {
    private final Backbone backbone;
    private final C config;

    /** Observes named intermediate outputs of a forward pass, for parity tests. */
    @FunctionalInterface
    public interface Trace {
        void record(String name, Tensor value);
    }

    protected BackboneModule(Backbone backbone, C config) {
        this.backbone = backbone;
        this.config = config;
    }

    public final C config() {
        return config;
    }

    @Override
    public final Backbone backbone() {
        return backbone;
    }

    @Override
    public String displayName() {
        return config.displayName();
    }

    @Override
    public final boolean takesPrior() {
        return config.withPrior();
    }

    @Override
    public final int latent() {
        return config.latent();
    }

    @Override
    public final Module module() {
        return this;
    }

    /** Hands a trace (when there is one) the named intermediate, downloaded from the backend. */
    protected static void record(Ops ops, Trace trace, String name, Tensor t) {
        if (trace != null) {
            trace.record(name, ops.backend().download(t));
        }
    }

    /**
     * Refuses inputs the network cannot take, naming it: x must be [N,3,H,W] with H and W multiples of
     * {@code sideMultiple}; the prior [N,latent] when the network takes one, null otherwise.
     */
    protected final void checkInputs(Tensor x, Tensor prior, int sideMultiple) {
        if (x.rank() != 4 || x.dim(1) != 3 || x.dim(2) % sideMultiple != 0 || x.dim(3) % sideMultiple != 0) {
            throw new IllegalArgumentException(displayName() + ": input must be [N,3,H,W] with H and W multiples of "
                    + sideMultiple + ", found " + Arrays.toString(x.shape()));
        }
        if (!takesPrior()) {
            if (prior != null) {
                throw new IllegalArgumentException(displayName() + " takes no prior, was given "
                        + Arrays.toString(prior.shape()));
            }
            return;
        }
        if (prior == null) {
            throw new IllegalArgumentException(displayName() + " needs the BlurDM prior [" + x.dim(0) + ","
                    + latent() + "], was given none");
        }
        if (prior.rank() != 2 || prior.dim(0) != x.dim(0) || prior.dim(1) != latent()) {
            throw new IllegalArgumentException(displayName() + ": prior must be [" + x.dim(0) + "," + latent()
                    + "], found " + Arrays.toString(prior.shape()));
        }
    }
}
