package io.github.blurdm.blurdm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.blurdm.blurdm.backbone.MimoConfig;
import io.github.blurdm.blurdm.backbone.MimoUNet;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.blurdm.prior.PriorConfig;
import io.github.blurdm.layers.StateLoader;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.WeightsException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A loaded BlurDM model: a MIMO-UNet-family backbone and, when it takes one, the prior generator.
 *
 * <p>The engine's weights files are safetensors with keys {@code backbone.<key>} and
 * {@code prior.<key>} (PyTorch state_dict names) and {@code __metadata__} holding
 * {@code architecture = "mimo_unet_blurdm"} and {@code config}, a JSON object
 * {@code {"backbone": {base_channels, res_blocks, with_prior, latent}, "prior": {encoder_features,
 * encoder_res_blocks, latent, denoiser_blocks, steps}}}. Immutable once loaded.
 */
public final class BlurdmModel {
    /** The architecture name this class reads. */
    public static final String ARCHITECTURE = "mimo_unet_blurdm";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MimoUNet backbone;
    private final LatentExposureDiffusion prior;

    public BlurdmModel(MimoUNet backbone, LatentExposureDiffusion prior) {
        if (backbone.config().withPrior() != (prior != null)) {
            throw new IllegalArgumentException("backbone " + (backbone.config().withPrior() ? "needs" : "takes no")
                    + " prior generator");
        }
        this.backbone = backbone;
        this.prior = prior;
    }

    public MimoUNet backbone() {
        return backbone;
    }

    /** The prior generator, or null for a backbone without prior. */
    public LatentExposureDiffusion prior() {
        return prior;
    }

    /** Reads the configuration from the file's metadata, builds the networks and loads them strictly. */
    public static BlurdmModel load(Path path, Backend backend) throws WeightsException {
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            String arch = f.metadata().get("architecture");
            if (!ARCHITECTURE.equals(arch)) {
                throw new WeightsException(path + ": architecture '" + arch + "' is not '" + ARCHITECTURE + "'");
            }
            JsonNode config = parseConfig(path, f.metadata().get("config"));
            MimoConfig mc = mimoConfig(path, config.path("backbone"));
            MimoUNet backbone = new MimoUNet(mc);
            StateLoader.load(backbone, f, "backbone.", backend);
            LatentExposureDiffusion dm = null;
            if (mc.withPrior()) {
                dm = new LatentExposureDiffusion(priorConfig(path, config.path("prior")));
                StateLoader.load(dm, f, "prior.", backend);
                if (dm.config().latent() != mc.latent()) {
                    throw new WeightsException(path + ": prior latent " + dm.config().latent()
                            + " differs from the backbone's " + mc.latent());
                }
            }
            return new BlurdmModel(backbone, dm);
        }
    }

    private static JsonNode parseConfig(Path path, String text) throws WeightsException {
        if (text == null) {
            throw new WeightsException(path + ": __metadata__ has no 'config'");
        }
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) {
                throw new WeightsException(path + ": __metadata__.config must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new WeightsException(path + ": __metadata__.config is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static int intField(Path path, JsonNode n, String section, String name) throws WeightsException {
        JsonNode v = n.get(name);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new WeightsException(path + ": config." + section + "." + name + " must be an integer, found " + v);
        }
        return v.asInt();
    }

    private static MimoConfig mimoConfig(Path path, JsonNode n) throws WeightsException {
        if (!n.isObject()) {
            throw new WeightsException(path + ": config.backbone is missing");
        }
        JsonNode wp = n.get("with_prior");
        if (wp == null || !wp.isBoolean()) {
            throw new WeightsException(path + ": config.backbone.with_prior must be true or false");
        }
        try {
            return new MimoConfig(intField(path, n, "backbone", "base_channels"),
                    intField(path, n, "backbone", "res_blocks"), wp.asBoolean(), intField(path, n, "backbone", "latent"));
        } catch (IllegalArgumentException e) {
            throw new WeightsException(path + ": " + e.getMessage(), e);
        }
    }

    private static PriorConfig priorConfig(Path path, JsonNode n) throws WeightsException {
        if (!n.isObject()) {
            throw new WeightsException(path + ": config.prior is missing");
        }
        try {
            return new PriorConfig(intField(path, n, "prior", "encoder_features"),
                    intField(path, n, "prior", "encoder_res_blocks"), intField(path, n, "prior", "latent"),
                    intField(path, n, "prior", "denoiser_blocks"), intField(path, n, "prior", "steps"));
        } catch (IllegalArgumentException e) {
            throw new WeightsException(path + ": " + e.getMessage(), e);
        }
    }
}
