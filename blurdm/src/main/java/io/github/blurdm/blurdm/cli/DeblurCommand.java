package io.github.blurdm.blurdm.cli;

import io.github.blurdm.blurdm.BlurdmModel;
import io.github.blurdm.blurdm.pipeline.Images;
import io.github.blurdm.blurdm.pipeline.MimoPipeline;
import io.github.blurdm.blurdm.prior.LatentExposureDiffusion;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.BackendChoice;
import io.github.blurdm.runtime.Backends;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.weights.NpyFile;
import io.github.blurdm.weights.WeightsException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code blurdm deblur}: deblurs image files with a MIMO-UNet model (with or without the BlurDM prior)
 * and writes PNGs named after the inputs. Exit codes: 0 all written, 1 some input failed or the weights
 * could not be loaded, 2 usage error.
 */
@Command(name = "deblur", mixinStandardHelpOptions = true,
        description = "Deblur images with a BlurDM model; writes <out>/<input name>.png for each input.")
final class DeblurCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--weights", required = true, paramLabel = "FILE",
            description = "Model weights: this project's .safetensors, a checkpoint of the official training code (.pth), "
                    + "or a converted state dict.")
    private Path weights;

    @Option(names = "--prior", paramLabel = "FILE",
            description = "The prior generator, when --weights holds only the backbone (e.g. a checkpoint with model_dm_state).")
    private Path priorFile;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if missing).")
    private Path out;

    @Option(names = "--noise", paramLabel = "FILE.npy",
            description = "The prior's initial noise as a float32 .npy of shape (L,) or (1,L); default: drawn from --seed.")
    private Path noiseFile;

    @Option(names = "--seed", defaultValue = "2023", description = "Seed of the prior's noise (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--backend", defaultValue = "${sys:blurdm.backend:-${env:BLURDM_BACKEND:-auto}}",
            description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}; auto takes CUDA when usable).")
    private String backendName;

    @Parameters(arity = "1..*", paramLabel = "IN", description = "Input images (PNG, JPEG, BMP).")
    private List<Path> inputs;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        BackendChoice choice;
        try {
            choice = BackendChoice.parse(backendName, "--backend");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Files.createDirectories(out);
        int failed = 0;
        Backend created;
        try {
            created = Backends.create(choice);
        } catch (IllegalStateException e) {
            err.println("blurdm deblur: " + e.getMessage());
            return 1;
        }
        try (Backend backend = created) {
            BlurdmModel model;
            try {
                model = BlurdmModel.load(weights, priorFile, backend);
            } catch (WeightsException e) {
                err.println("blurdm deblur: " + e.getMessage());
                return 1;
            }
            LatentExposureDiffusion.Noise noise = LatentExposureDiffusion.Noise.philox(seed, 0);
            if (model.prior() != null && noiseFile != null) {
                noise = LatentExposureDiffusion.Noise.of(
                        backend.upload(readNoise(noiseFile, model.prior().config().latent())));
            }
            Ops ops = new Ops(backend);
            for (Path in : inputs) {
                Path target = out.resolve(baseName(in) + ".png");
                try {
                    if (Files.exists(target) && Files.isSameFile(target, in)) {
                        throw new IOException(in + ": output would overwrite the input; choose another --out");
                    }
                    Tensor rgb = Images.toRgb(Images.read(in));
                    Tensor result = MimoPipeline.deblur(ops, model.backbone(), model.prior(), rgb, noise);
                    Images.writePng(Images.fromRgb(result), target);
                    outw.println(in + " -> " + target);
                } catch (IOException e) {
                    err.println("blurdm deblur: skipped " + e.getMessage());
                    failed++;
                } catch (IllegalArgumentException e) {
                    err.println("blurdm deblur: skipped " + in + ": " + e.getMessage());
                    failed++;
                }
            }
        }
        outw.flush();
        return failed == 0 ? 0 : 1;
    }

    private Tensor readNoise(Path file, int latent) throws WeightsException {
        NpyFile npy = NpyFile.read(file);
        long[] s = npy.shape();
        boolean ok = (s.length == 1 && s[0] == latent) || (s.length == 2 && s[0] == 1 && s[1] == latent);
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), file + ": noise must have shape (" + latent
                    + ",) or (1, " + latent + "), found " + java.util.Arrays.toString(s));
        }
        return Tensor.of(npy.values(), 1, latent);
    }

    static String baseName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
