package io.github.blurdm.blurdm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.blurdm.backbone.BackboneNetwork;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded BlurDM model: a backbone network of one of the {@link Backbone} families and, when it takes one,
 * the prior generator, with the conventions its images run with.
 *
 * <p>Files it reads:
 * <ul>
 * <li>The engine's own safetensors: keys {@code backbone.<key>} and {@code prior.<key>} (PyTorch
 *     state_dict names), {@code __metadata__} with {@code architecture = "<family>_blurdm"} (e.g.
 *     {@code mimo_unet_blurdm}) and {@code config}, a JSON object {@code {"backbone": {...}, "prior":
 *     {encoder_features, encoder_res_blocks, latent, denoiser_blocks, steps}}}.</li>
 * <li>Checkpoints of the official PyTorch training code ({@code torch.save} dicts): the backbone from
 *     the first of {@code model_state}, {@code model}, {@code params} or the whole file when it is a
 *     state dict, the prior from {@code model_dm_state}; a leading {@code module.} is stripped.</li>
 * <li>Plain state dicts in safetensors (e.g. written by {@code weights convert}, which records the
 *     architecture, {@code architecture = "<family>"}).</li>
 * </ul>
 * The family is detected from the backbone's names ({@link Backbone#detect}) unless the file records it or
 * the caller names it; sizes come from the engine's configuration or are inferred from the names and shapes
 * by the family. The prior may come from a second file. The conventions images are run with follow the
 * backbone file's origin ({@link ConventionRules}). Immutable once loaded.
 */
public final class BlurdmModel {
    /** The engine's own files name their architecture "<family architecture>" + this, e.g. "mimo_unet_blurdm". */
    public static final String ENGINE_SUFFIX = "_blurdm";

    private static final List<String> BACKBONE_KEYS = List.of("model_state", "model", "params");
    private static final String PRIOR_KEY = "model_dm_state";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BackboneNetwork backbone;
    private final LatentExposureDiffusion prior;
    private final ConventionChoice conventions;

    public BlurdmModel(BackboneNetwork backbone, LatentExposureDiffusion prior, ConventionChoice conventions) {
        if (backbone.takesPrior() != (prior != null)) {
            throw new IllegalArgumentException("backbone " + (backbone.takesPrior() ? "needs" : "takes no")
                    + " prior generator");
        }
        if (prior != null && prior.config().latent() != backbone.latent()) {
            throw new IllegalArgumentException("prior latent " + prior.config().latent() + " differs from the backbone's "
                    + backbone.latent());
        }
        this.backbone = backbone;
        this.prior = prior;
        this.conventions = Objects.requireNonNull(conventions, "conventions");
    }

    /** The backbone network; its {@link BackboneNetwork#backbone()} family holds the inference rules. */
    public BackboneNetwork backbone() {
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

    /** The engine's architecture name for a family's own files, e.g. "mimo_unet_blurdm". */
    public static String engineArchitecture(Backbone b) {
        return b.architecture() + ENGINE_SUFFIX;
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
        return load(path, priorPath, backend, origin, null);
    }

    /**
     * As {@link #load(Path, Path, Backend, Origin)}, reading the backbone as {@code architecture} when it is
     * not null instead of the family its names (or the file's metadata) say.
     */
    public static BlurdmModel load(Path path, Path priorPath, Backend backend, Origin origin, Backbone architecture)
            throws WeightsException {
        Parts main = read(path, architecture);
        Found found = backbone(path, main, origin, architecture);
        BackboneNetwork net = found.network();
        StateLoader.load(net.module(), main.backbone, backend);
        LatentExposureDiffusion dm = null;
        if (net.takesPrior()) {
            Parts priorParts = priorPath == null ? main : read(priorPath, null);
            Path from = priorPath == null ? path : priorPath;
            if (priorParts.prior == null) {
                throw new WeightsException(from + ": the backbone takes the BlurDM prior but no prior generator was found "
                        + "(looked for '" + PRIOR_KEY + "', 'prior.*' keys, or a plain prior state dict)"
                        + (priorPath == null ? "; give it as a second file" : ""));
            }
            PriorConfig pc = priorParts.config != null ? priorConfig(from, priorParts.config.path("prior"))
                    : infer(from, () -> PriorConfig.infer(priorParts.prior.shapes()));
            dm = new LatentExposureDiffusion(pc);
            StateLoader.load(dm, priorParts.prior, backend);
            if (pc.latent() != net.latent()) {
                throw new WeightsException(from + ": prior latent " + pc.latent() + " differs from the backbone's "
                        + net.latent() + " in " + path);
            }
        }
        return new BlurdmModel(net, dm, found.conventions());
    }

    /**
     * The conventions the backbone in {@code path} would run with, and why, without loading its weights;
     * empty when the file holds no backbone (a prior generator alone, other tensors).
     *
     * @param origin an explicit origin, or null to decide from the file
     */
    public static Optional<ConventionChoice> conventionsOf(Path path, Origin origin) throws WeightsException {
        return describe(path, origin, null).map(Found::conventions);
    }

    /**
     * The backbone network {@code path} holds, built (not loaded) with its conventions; empty when the file holds
     * no backbone. For {@code weights inspect} and {@code weights convert}.
     *
     * @param origin       an explicit origin, or null to decide from the file
     * @param architecture an explicit family, or null to detect it
     */
    public static Optional<Found> describe(Path path, Origin origin, Backbone architecture) throws WeightsException {
        Parts parts = read(path, architecture);
        return parts.backbone == null ? Optional.empty() : Optional.of(backbone(path, parts, origin, architecture));
    }

    /** A file's backbone network, built but not loaded, and the conventions it runs with. */
    public record Found(BackboneNetwork network, ConventionChoice conventions) {
    }

    private static Found backbone(Path path, Parts parts, Origin origin, Backbone architecture)
            throws WeightsException {
        if (parts.backbone == null) {
            throw new WeightsException(path + ": no backbone found (looked for " + BACKBONE_KEYS
                    + ", 'backbone.*' keys, or a plain state dict of " + Backbone.known() + ")");
        }
        Backbone family = architecture != null ? architecture : parts.architecture != null ? parts.architecture
                : Backbone.detect(parts.backbone.names()).orElseThrow(() -> unknown(path, parts.backbone));
        JsonNode config = parts.config == null ? null : parts.config.path("backbone");
        BackboneNetwork net = infer(path, () -> family.family().build(parts.backbone.shapes(), config));
        ConventionChoice choice = ConventionRules.choose(family, net.displayName(), net.takesPrior(), parts.layout,
                origin);
        return new Found(net, choice);
    }

    private static WeightsException unknown(Path path, StateDict sd) {
        List<String> some = new ArrayList<>(sd.names()).subList(0, Math.min(5, sd.size()));
        return new WeightsException(path + ": the backbone's " + sd.size() + " names (" + String.join(", ", some)
                + (sd.size() > some.size() ? ", ..." : "") + ") are not those of any architecture this engine runs: "
                + Backbone.known() + "; --architecture reads it as one of them and lists every name that does not fit");
    }

    /**
     * The state dicts a file holds: backbone and/or prior, the engine's configuration if present, the family
     * the file records (or null), and what the container says about the file's origin.
     */
    private record Parts(StateDict backbone, StateDict prior, JsonNode config, FileLayout layout,
                         Backbone architecture) {
    }

    private static Parts read(Path path, Backbone architecture) throws WeightsException {
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
            String arch = meta.get("architecture");
            if (arch != null) {
                Optional<Backbone> plain = Backbone.byArchitecture(arch);
                if (plain.isPresent()) {
                    return classify(all.stripPrefix("module."), new FileLayout("a safetensors state dict of "
                            + plain.get().architecture(), false, false, recorded, recordedReason),
                            architecture != null ? architecture : plain.get());
                }
                Backbone engine = engineFamily(arch).orElseThrow(() -> new WeightsException(path + ": architecture '"
                        + arch + "' is none this engine runs: the engine's own files name "
                        + engineNames() + ", converted state dicts " + Backbone.known()));
                StateDict prior = all.select("prior.");
                return new Parts(all.select("backbone."), prior.size() == 0 ? null : prior,
                        parseConfig(path, meta.get("config")), new FileLayout("architecture '" + arch + "'",
                                true, false, recorded, recordedReason), engine);
            }
            return classify(all.stripPrefix("module."), new FileLayout("a plain safetensors state dict", false, false,
                    recorded, recordedReason), architecture);
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
                return classify(ck.stateDict("").stripPrefix("module."), FileLayout.of("a bare state dict"),
                        architecture);
            }
            boolean training = dicts.contains("model_state") || dicts.contains(PRIOR_KEY);
            return new Parts(backbone, prior, null, new FileLayout(dictLayout(dicts), false, training, null, null),
                    null);
        }
    }

    private static Optional<Backbone> engineFamily(String architecture) {
        for (Backbone b : Backbone.values()) {
            if (engineArchitecture(b).equals(architecture)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    private static String engineNames() {
        List<String> names = new ArrayList<>();
        for (Backbone b : Backbone.values()) {
            names.add(engineArchitecture(b));
        }
        return String.join(", ", names);
    }

    /** A dict's state-dict entries as Python would show them: {'model_state': ..., 'model_dm_state': ...}. */
    private static String dictLayout(List<String> keys) {
        StringBuilder b = new StringBuilder("{");
        for (String k : keys) {
            b.append(b.length() > 1 ? ", " : "").append('\'').append(k).append("': ...");
        }
        return b.append('}').toString();
    }

    /**
     * A plain state dict: a backbone or a prior generator, told apart by its names; a backbone of
     * {@code architecture} when one is named (recorded or explicit) and it is not a prior generator.
     */
    private static Parts classify(StateDict sd, FileLayout layout, Backbone architecture) {
        boolean prior = PriorConfig.recognises(sd.names());
        if (!prior && (architecture != null || Backbone.detect(sd.names()).isPresent())) {
            return new Parts(sd, null, null, layout, architecture);
        }
        return prior ? new Parts(null, sd, null, layout, null) : new Parts(null, null, null, layout, null);
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
