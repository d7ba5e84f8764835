package io.github.blurdm.blurdm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.backbone.MimoConfig;
import io.github.blurdm.blurdm.backbone.MimoUNet;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.blurdm.prior.PriorConfig;
import io.github.blurdm.layers.StateLoader;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.StateDict;
import io.github.blurdm.weights.TorchCheckpoint;
import io.github.blurdm.weights.WeightsException;
import io.github.blurdm.weights.WeightsFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded BlurDM model: a MIMO-UNet-family backbone and, when it takes one, the prior generator.
 *
 * <p>Files it reads:
 * <ul>
 * <li>The engine's own safetensors: keys {@code backbone.<key>} and {@code prior.<key>} (PyTorch
 *     state_dict names), {@code __metadata__} with {@code architecture = "mimo_unet_blurdm"} and
 *     {@code config}, a JSON object {@code {"backbone": {base_channels, res_blocks, with_prior, latent},
 *     "prior": {encoder_features, encoder_res_blocks, latent, denoiser_blocks, steps}}}.</li>
 * <li>Checkpoints of the official PyTorch training code ({@code torch.save} dicts): the backbone from
 *     the first of {@code model_state}, {@code model}, {@code params} or the whole file when it is a
 *     state dict, the prior from {@code model_dm_state}; a leading {@code module.} is stripped.</li>
 * <li>Plain state dicts in safetensors (e.g. written by {@code weights convert}).</li>
 * </ul>
 * Without a configuration, sizes are inferred from the names and shapes ({@link ConfigInference}).
 * The prior may come from a second file. The conventions images are run with follow the backbone file's
 * origin ({@link ConventionRules}): original releases ({@code {'model': ...}}, no prior keys) run as their
 * authors' eval.py, everything from BlurDM's code or this engine as BlurDM's scripts. Immutable once loaded.
 */
public final class BlurdmModel {
    /** The architecture name of the engine's own weights files. */
    public static final String ARCHITECTURE = "mimo_unet_blurdm";

    private static final List<String> BACKBONE_KEYS = List.of("model_state", "model", "params");
    private static final String PRIOR_KEY = "model_dm_state";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MimoUNet backbone;
    private final LatentExposureDiffusion prior;
    private final ConventionChoice conventions;

    public BlurdmModel(MimoUNet backbone, LatentExposureDiffusion prior, ConventionChoice conventions) {
        if (backbone.config().withPrior() != (prior != null)) {
            throw new IllegalArgumentException("backbone " + (backbone.config().withPrior() ? "needs" : "takes no")
                    + " prior generator");
        }
        if (prior != null && prior.config().latent() != backbone.config().latent()) {
            throw new IllegalArgumentException("prior latent " + prior.config().latent() + " differs from the backbone's "
                    + backbone.config().latent());
        }
        this.backbone = backbone;
        this.prior = prior;
        this.conventions = Objects.requireNonNull(conventions, "conventions");
    }

    public MimoUNet backbone() {
        return backbone;
    }

    /** The prior generator, or null for a backbone without prior. */
    public LatentExposureDiffusion prior() {
        return prior;
    }

    /** The conventions images run with (normalisation, padding, quantisation), and why. */
    public ConventionChoice conventions() {
        return conventions;
    }

    /** Loads backbone and (if the backbone takes one) prior from one file. */
    public static BlurdmModel load(Path path, Backend backend) throws WeightsException {
        return load(path, null, backend);
    }

    /**
     * Loads the backbone from {@code path} and the prior from {@code priorPath}, or from {@code path}
     * too when {@code priorPath} is null; conventions from the backbone file's origin.
     */
    public static BlurdmModel load(Path path, Path priorPath, Backend backend) throws WeightsException {
        return load(path, priorPath, backend, null);
    }

    /**
     * As {@link #load(Path, Path, Backend)}, with the conventions of {@code origin} when it is not null
     * instead of those of the file's own origin.
     */
    public static BlurdmModel load(Path path, Path priorPath, Backend backend, Origin origin)
            throws WeightsException {
        Parts main = read(path);
        if (main.backbone == null) {
            throw new WeightsException(path + ": no MIMO-UNet backbone found (looked for " + BACKBONE_KEYS
                    + ", 'backbone.*' keys, or a plain MIMO-UNet state dict)");
        }
        Parts priorParts = priorPath == null ? main : read(priorPath);
        MimoConfig mc = backboneConfig(path, main);
        ConventionChoice choice = ConventionRules.choose(Backbone.MIMO_UNET, mc.displayName(), mc.withPrior(),
                main.layout, origin);
        MimoUNet net = new MimoUNet(mc);
        StateLoader.load(net, main.backbone, backend);
        LatentExposureDiffusion dm = null;
        if (mc.withPrior()) {
            Path from = priorPath == null ? path : priorPath;
            if (priorParts.prior == null) {
                throw new WeightsException(from + ": the backbone takes the BlurDM prior but no prior generator was found "
                        + "(looked for '" + PRIOR_KEY + "', 'prior.*' keys, or a plain prior state dict)"
                        + (priorPath == null ? "; give it as a second file" : ""));
            }
            PriorConfig pc = priorParts.config != null ? priorConfig(from, priorParts.config.path("prior"))
                    : infer(from, () -> ConfigInference.prior(priorParts.prior.shapes()));
            dm = new LatentExposureDiffusion(pc);
            StateLoader.load(dm, priorParts.prior, backend);
            if (pc.latent() != mc.latent()) {
                throw new WeightsException(from + ": prior latent " + pc.latent() + " differs from the backbone's "
                        + mc.latent() + " in " + path);
            }
        }
        return new BlurdmModel(net, dm, choice);
    }

    /**
     * The conventions a MIMO-UNet backbone in {@code path} would run with, and why, without building the
     * network; empty when the file holds no MIMO-UNet backbone (a prior generator alone, other tensors).
     *
     * @param origin an explicit origin, or null to decide from the file
     */
    public static Optional<ConventionChoice> conventionsOf(Path path, Origin origin) throws WeightsException {
        Parts parts = read(path);
        if (parts.backbone == null) {
            return Optional.empty();
        }
        MimoConfig mc = backboneConfig(path, parts);
        return Optional.of(ConventionRules.choose(Backbone.MIMO_UNET, mc.displayName(), mc.withPrior(), parts.layout,
                origin));
    }

    private static MimoConfig backboneConfig(Path path, Parts parts) throws WeightsException {
        return parts.config != null ? mimoConfig(path, parts.config.path("backbone"))
                : infer(path, () -> ConfigInference.mimo(parts.backbone.shapes()));
    }

    /**
     * The state dicts a file holds: backbone and/or prior, the engine's configuration if present, and what
     * the container says about the file's origin.
     */
    private record Parts(StateDict backbone, StateDict prior, JsonNode config, FileLayout layout) {
    }

    private static Parts read(Path path) throws WeightsException {
        if (WeightsFormat.detect(path) == WeightsFormat.SAFETENSORS) {
            Map<String, String> meta;
            try (SafetensorsFile f = SafetensorsFile.open(path)) {
                meta = f.metadata();
            }
            StateDict all = StateDict.load(path);
            Origin recorded = null;
            if (meta.containsKey(ConventionRules.METADATA_KEY)) {
                try {
                    recorded = Origin.parse(meta.get(ConventionRules.METADATA_KEY),
                            "__metadata__." + ConventionRules.METADATA_KEY);
                } catch (IllegalArgumentException e) {
                    throw new WeightsException(path + ": " + e.getMessage(), e);
                }
            }
            String recordedReason = meta.get(ConventionRules.METADATA_REASON_KEY);
            if (meta.containsKey("architecture")) {
                if (!ARCHITECTURE.equals(meta.get("architecture"))) {
                    throw new WeightsException(path + ": architecture '" + meta.get("architecture") + "' is not '"
                            + ARCHITECTURE + "'");
                }
                StateDict prior = all.select("prior.");
                return new Parts(all.select("backbone."), prior.size() == 0 ? null : prior,
                        parseConfig(path, meta.get("config")), new FileLayout("architecture '" + ARCHITECTURE + "'",
                                true, false, recorded, recordedReason));
            }
            return classify(all.stripPrefix("module."), new FileLayout("a plain safetensors state dict", false, false,
                    recorded, recordedReason));
        }
        try (TorchCheckpoint ck = TorchCheckpoint.open(path)) {
            List<String> dicts = ck.stateDictKeys();
            StateDict backbone = null;
            for (String k : BACKBONE_KEYS) {
                if (dicts.contains(k)) {
                    backbone = ck.stateDict(k).stripPrefix("module.");
                    break;
                }
            }
            StateDict prior = dicts.contains(PRIOR_KEY) ? ck.stateDict(PRIOR_KEY).stripPrefix("module.") : null;
            if (backbone == null && prior == null && dicts.contains("")) {
                return classify(ck.stateDict("").stripPrefix("module."), FileLayout.of("a bare state dict"));
            }
            boolean training = dicts.contains("model_state") || dicts.contains(PRIOR_KEY);
            return new Parts(backbone, prior, null, new FileLayout(dictLayout(dicts), false, training, null, null));
        }
    }

    /** A dict's state-dict entries as Python would show them: {'model_state': ..., 'model_dm_state': ...}. */
    private static String dictLayout(List<String> keys) {
        StringBuilder b = new StringBuilder("{");
        for (String k : keys) {
            b.append(b.length() > 1 ? ", " : "").append('\'').append(k).append("': ...");
        }
        return b.append('}').toString();
    }

    /** A plain state dict: a backbone or a prior generator, told apart by its names. */
    private static Parts classify(StateDict sd, FileLayout layout) {
        Map<String, long[]> shapes = sd.shapes();
        if (ConfigInference.isMimo(shapes)) {
            return new Parts(sd, null, null, layout);
        }
        if (ConfigInference.isPrior(shapes)) {
            return new Parts(null, sd, null, layout);
        }
        return new Parts(null, null, null, layout);
    }

    private interface Inference<T> {
        T get();
    }

    private static <T> T infer(Path path, Inference<T> f) throws WeightsException {
        try {
            return f.get();
        } catch (IllegalArgumentException e) {
            throw new WeightsException(path + ": " + e.getMessage(), e);
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
        int base = intField(path, n, "backbone", "base_channels");
        int blocks = intField(path, n, "backbone", "res_blocks");
        int latent = intField(path, n, "backbone", "latent");
        return infer(path, () -> new MimoConfig(base, blocks, wp.asBoolean(), latent));
    }

    private static PriorConfig priorConfig(Path path, JsonNode n) throws WeightsException {
        if (!n.isObject()) {
            throw new WeightsException(path + ": config.prior is missing");
        }
        int f = intField(path, n, "prior", "encoder_features");
        int r = intField(path, n, "prior", "encoder_res_blocks");
        int l = intField(path, n, "prior", "latent");
        int d = intField(path, n, "prior", "denoiser_blocks");
        int s = intField(path, n, "prior", "steps");
        return infer(path, () -> new PriorConfig(f, r, l, d, s));
    }
}
