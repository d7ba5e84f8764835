package io.github.blurdm.blurdm;

import io.github.blurdm.runtime.Backend;

/**
 * Estimates the working memory of one run (backbone and prior) and the budget it may use, so large images
 * are tiled before they exhaust the heap or the device.
 */
final class MemoryBudget {
    private MemoryBudget() {
    }

    /**
     * Bytes one forward pass needs at h x w: the backbone's own estimate
     * ({@link io.github.blurdm.blurdm.backbone.BackboneNetwork#workingBytes}) plus the prior encoder's three
     * widest maps at 1/4 scale.
     */
    static long estimate(BlurdmModel m, int h, int w) {
        long pixels = (long) h * w;
        long backbone = m.backbone().workingBytes(h, w);
        long prior = m.prior() == null ? 0 : 3L * m.prior().config().latent() * (pixels / 16) * Float.BYTES;
        return backbone + prior;
    }

    /**
     * Half of what the backend could still allocate (heap headroom on the CPU, free device memory on a
     * GPU), leaving room for fragmentation and the host-side buffers of the pipeline.
     */
    static long bytes(Backend b) {
        return b.availableMemory() / 2;
    }
}
