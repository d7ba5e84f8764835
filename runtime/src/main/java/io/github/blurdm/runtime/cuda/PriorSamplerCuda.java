package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.PriorSamplerParams;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * prior_sampler: launcher for prior_sampler.cu: v1 one block of 512 threads per image, both denoisers'
 * rows spread over the warps, activations in dynamic shared memory ((2L+1) + 4L floats).
 */
final class PriorSamplerCuda {
    /** v1, the only version; not yet timed on a GPU. */
    static final int DEFAULT_VERSION = 1;
    static final int VERSIONS = 1;
    private static final int THREADS = 512;

    private PriorSamplerCuda() {
    }

    static void launch(CudaBackend b, int version, Tensor out, Tensor cond, Tensor noise, Tensor noiseModel,
                       Tensor lcrModel, Tensor schedule, PriorSamplerParams p) {
        int l = p.latent();
        int shared = (2 * l + 1 + 4 * l) * Float.BYTES;
        b.launchShared("prior_sampler.cu", List.of(), "prior_sampler_v" + version, cond.dim(0), 1, 1, THREADS, 1, 1,
                shared, out, cond, noise, noiseModel, lcrModel, schedule, l, p.denoiserBlocks(), p.steps(), p.seed(),
                p.stream0());
    }
}
