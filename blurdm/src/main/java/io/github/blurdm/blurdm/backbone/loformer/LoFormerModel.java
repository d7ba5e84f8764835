package io.github.blurdm.blurdm.backbone.loformer;

import io.github.blurdm.blurdm.ConfigInference;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.blurdm.prior.PriorConfig;
import io.github.blurdm.layers.StateLoader;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.weights.StateDict;
import io.github.blurdm.weights.TorchCheckpoint;
import io.github.blurdm.weights.WeightsException;
import java.nio.file.Path;
import java.util.List;

/**
 * A LoFormer loaded from a checkpoint, with its prior generator when it takes one: BlurDM's training files
 * ({@code model_state} and {@code model_dm_state}) and the original LoFormer release (BasicSR's
 * {@code {'params': state_dict}}), also a bare state dict; a leading {@code module.} is stripped. Sizes come
 * from the shapes ({@link LoFormerConfig#infer}), loading is strict (every missing, unexpected or mis-shaped
 * name at once). Immutable once loaded.
 *
 * @param prior the prior generator, or null for a network without prior
 */
public record LoFormerModel(LoFormer net, LatentExposureDiffusion prior) {
    private static final List<String> BACKBONE_KEYS = List.of("model_state", "model", "params");
    private static final String PRIOR_KEY = "model_dm_state";

    /** Loads a torch checkpoint ({@code .pth}). */
    public static LoFormerModel load(Path path, Backend backend) throws WeightsException {
        try (TorchCheckpoint ck = TorchCheckpoint.open(path)) {
            List<String> dicts = ck.stateDictKeys();
            StateDict backbone = null;
            for (String k : BACKBONE_KEYS) {
                if (dicts.contains(k)) {
                    backbone = ck.stateDict(k).stripPrefix("module.");
                    break;
                }
            }
            if (backbone == null) {
                backbone = ck.stateDict(null).stripPrefix("module.");
            }
            LoFormerConfig config;
            try {
                config = LoFormerConfig.infer(backbone.shapes());
            } catch (IllegalArgumentException e) {
                throw new WeightsException(path + ": " + e.getMessage(), e);
            }
            LoFormer net = new LoFormer(config);
            StateLoader.load(net, backbone, backend);
            LatentExposureDiffusion dm = null;
            if (config.withPrior()) {
                if (!dicts.contains(PRIOR_KEY)) {
                    throw new WeightsException(path + ": " + config.displayName() + " takes the BlurDM prior but the "
                            + "file has no '" + PRIOR_KEY + "' (found " + dicts + ")");
                }
                StateDict p = ck.stateDict(PRIOR_KEY).stripPrefix("module.");
                PriorConfig pc;
                try {
                    pc = ConfigInference.prior(p.shapes());
                } catch (IllegalArgumentException e) {
                    throw new WeightsException(path + ": " + PRIOR_KEY + ": " + e.getMessage(), e);
                }
                if (pc.latent() != config.latent()) {
                    throw new WeightsException(path + ": prior latent " + pc.latent() + " differs from the kv layers' "
                            + config.latent());
                }
                dm = new LatentExposureDiffusion(pc);
                StateLoader.load(dm, p, backend);
            }
            return new LoFormerModel(net, dm);
        }
    }
}
