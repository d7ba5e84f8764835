package io.github.blurdm.blurdm.cli;

import io.github.blurdm.blurdm.BlurdmModel;
import io.github.blurdm.blurdm.ConventionChoice;
import io.github.blurdm.blurdm.ConventionRules;
import io.github.blurdm.blurdm.Origin;
import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.weights.ModelConfig;
import io.github.blurdm.weights.SafetensorsWriter;
import io.github.blurdm.weights.StateDict;
import io.github.blurdm.weights.WeightsException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code blurdm weights convert IN OUT.safetensors}: one state dict of a checkpoint to safetensors. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert one state dict of a PyTorch checkpoint (or a safetensors file) to safetensors.",
                "Writes a temporary file beside OUT and renames it; never overwrites IN; refuses an existing OUT "
                        + "unless --force. Floating tensors become float32 unless --dtype keep; integer and bool "
                        + "tensors keep their type.",
                "A backbone's architecture (unless --config or --architecture names one) and its conventions (original "
                        + "or blurdm, from the input's origin or --conventions) are recorded in the metadata (architecture, "
                        + ConventionRules.METADATA_KEY + ", " + ConventionRules.METADATA_REASON_KEY + "), so the "
                        + "converted file runs as the input did."})
final class WeightsConvertCommand implements Callable<Integer> {
    enum OutDType { float32, keep }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "a .pth checkpoint or a .safetensors file")
    private Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "the .safetensors file to write")
    private Path out;

    @Option(names = "--key", paramLabel = "NAME", description = "the state dict to take, e.g. model_state or "
            + "model_dm_state (default: the only one in the file; several: an error listing them)")
    private String key;

    @Option(names = "--strip-prefix", paramLabel = "PREFIX", description = "remove PREFIX from names that start with "
            + "it, e.g. module. (DataParallel)")
    private String stripPrefix;

    @Option(names = "--config", paramLabel = "JSON", description = "model configuration to store in the metadata: a "
            + "JSON object (or @FILE holding one); its \"architecture\" field names the architecture")
    private String config;

    @Option(names = "--architecture", paramLabel = "NAME", description = "architecture name for the metadata "
            + "(overrides the one in --config)")
    private String architecture;

    @Option(names = "--dtype", paramLabel = "float32|keep", defaultValue = "float32",
            description = "float32 (default) converts F16/BF16/F64 tensors; keep writes every dtype as found")
    private OutDType dtype;

    @Option(names = "--force", description = "replace OUT if it exists (never IN)")
    private boolean force;

    @Option(names = "--conventions", paramLabel = "original|blurdm", description = "record these conventions: original (the "
            + "authors' eval.py) or blurdm (BlurDM's scripts); default: those of the input's origin")
    private String conventionsName;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        Origin override = null;
        if (conventionsName != null) {
            try {
                override = Origin.parse(conventionsName, "--conventions");
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        try {
            ModelConfig cfg = modelConfig();
            if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
                if (sameFile(in, out)) {
                    throw new WeightsException(out + ": is the input file; choose another output");
                }
                if (!force) {
                    throw new WeightsException(out + ": already exists (use --force to replace it)");
                }
            }
            StateDict sd = StateDict.load(in, key).stripPrefix(stripPrefix);
            if (dtype == OutDType.float32) {
                sd = sd.toFloat32();
            }
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("source", String.valueOf(in.getFileName()));
            if (key != null) {
                meta.put("source_key", key);
            }
            Optional<BlurdmModel.Found> backbone = backbone(sd, override);
            ConventionChoice conventions = backbone.map(BlurdmModel.Found::conventions).orElse(null);
            if (cfg == null && backbone.isPresent()) {
                cfg = new ModelConfig(backbone.get().network().backbone().architecture(), null);
            }
            if (conventions != null) {
                meta.put(ConventionRules.METADATA_KEY, conventions.origin().id());
                meta.put(ConventionRules.METADATA_REASON_KEY, conventions.reason());
            }
            SafetensorsWriter.write(out, sd.tensors().values(), meta, cfg, force);
            o.printf("wrote %s: %d tensors, %,d parameters from %s%n", out, sd.size(), sd.parameterCount(),
                    sd.source());
            if (conventions != null) {
                o.printf("backbone %s, architecture %s%n", backbone.get().network().displayName(), cfg.architecture());
                o.printf("%s (recorded as %s = %s)%n", conventions.describe(), ConventionRules.METADATA_KEY,
                        conventions.origin().id());
            }
            o.flush();
            return 0;
        } catch (WeightsException e) {
            return WeightsCli.fail(spec, e);
        }
    }

    /**
     * The backbone to record when the converted state dict is one (empty otherwise: a prior generator alone has
     * no architecture or conventions of its own), with its conventions decided from the whole input file as
     * loading it would.
     */
    private Optional<BlurdmModel.Found> backbone(StateDict sd, Origin override) throws WeightsException {
        if (Backbone.detect(sd.stripPrefix("module.").names()).isEmpty()) {
            return Optional.empty();
        }
        try {
            return BlurdmModel.describe(in, override, null);
        } catch (WeightsException e) {
            // the tensors convert fine; only the model-level reading failed, so say so and go on
            spec.commandLine().getErr().println("blurdm weights convert: note: no architecture or conventions recorded: "
                    + e.getMessage());
            return Optional.empty();
        }
    }

    private ModelConfig modelConfig() throws WeightsException {
        if (config == null && architecture == null) {
            return null;
        }
        String json = config;
        if (json != null && json.startsWith("@")) {
            Path p = Path.of(json.substring(1));
            try {
                if (Files.size(p) > 1 << 20) {
                    throw new WeightsException(p + ": config file larger than 1 MiB");
                }
                json = Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new WeightsException(p + ": cannot read config: " + e.getMessage(), e);
            }
        }
        return ModelConfig.parse(architecture, json);
    }

    private static boolean sameFile(Path a, Path b) throws WeightsException {
        try {
            return Files.exists(a) && Files.isSameFile(a, b);
        } catch (IOException e) {
            throw new WeightsException(b + ": cannot compare with " + a + ": " + e.getMessage(), e);
        }
    }
}
