package io.github.blurdm.blurdm.cli;

import io.github.blurdm.blurdm.synth.Defocus;
import io.github.blurdm.blurdm.synth.MotionBlurSynth;
import io.github.blurdm.blurdm.synth.PairSetWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code blurdm synth}: makes (blurred, sharp) pairs from sharp photos with the continuous-exposure motion
 * blur model ({@link MotionBlurSynth}), in the benchmarks' layout {@code OUT/{train,val}/{input,target}/}.
 * Exit codes: 0 written, 1 failure (no usable photos, I/O error), 2 usage error.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Synthesise motion-blurred training pairs from sharp photos (continuous exposure: sub-frames "
                + "along a smooth random camera path averaged in linear light, sensor noise, 8-bit).",
                "Writes OUT/{train,val}/{input,target}/NNNNN.png, OUT/pairs.csv and OUT/synth-settings.txt."})
final class SynthCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--sharp", required = true, paramLabel = "DIR",
            description = "Folder of sharp photos (PNG, JPEG, BMP; searched recursively).")
    private Path sharp;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if missing).")
    private Path out;

    @Option(names = "--pairs", required = true, paramLabel = "N", description = "Number of pairs, train and val together.")
    private int pairs;

    @Option(names = "--seed", defaultValue = "2023", description = "Seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--size", defaultValue = "256x256", paramLabel = "WxH", description = "Crop size (default: ${DEFAULT-VALUE}).")
    private String size;

    @Option(names = "--val-fraction", defaultValue = "0.1", paramLabel = "F",
            description = "Share of photos (whole photos, by name hash) and of pairs kept for validation (default: ${DEFAULT-VALUE}).")
    private double valFraction;

    @Option(names = "--subframes", defaultValue = "49", description = "Sub-frames averaged per exposure (default: ${DEFAULT-VALUE}).")
    private int subframes;

    @Option(names = "--min-length", defaultValue = "5", description = "Shortest camera path, pixels (default: ${DEFAULT-VALUE}).")
    private double minLength;

    @Option(names = "--max-length", defaultValue = "30", description = "Longest camera path, pixels (default: ${DEFAULT-VALUE}).")
    private double maxLength;

    @Option(names = "--max-rotation", defaultValue = "1.5",
            description = "Largest rotation over the exposure, degrees (default: ${DEFAULT-VALUE}).")
    private double maxRotation;

    @Option(names = "--object-probability", defaultValue = "0.3",
            description = "Chance of a moving object layer per pair (default: ${DEFAULT-VALUE}).")
    private double objectProbability;

    @Option(names = "--max-shot", defaultValue = "1e-3",
            description = "Highest shot-noise variance in linear light; levels are log-uniform in [1e-5, this] (default: ${DEFAULT-VALUE}).")
    private double maxShot;

    @Option(names = "--defocus-probability", defaultValue = "0", paramLabel = "P",
            description = "Chance that part of the scene is out of focus (a disk blur over the whole frame or "
                    + "a depth ramp) in both images, so a model learns to keep optical softness (default: ${DEFAULT-VALUE}).")
    private double defocusProbability;

    @Option(names = "--max-defocus-radius", defaultValue = "6", paramLabel = "PX",
            description = "Largest defocus disk radius, pixels; radii are uniform from 1 (default: ${DEFAULT-VALUE}).")
    private double maxDefocusRadius;

    @Option(names = "--no-noise", description = "No sensor noise (quantisation only).")
    private boolean noNoise;

    @Option(names = "--max-side", defaultValue = "1280",
            description = "Photos with a longer side are box-downscaled by an integer factor to at most this (default: ${DEFAULT-VALUE}).")
    private int maxSide;

    @Option(names = "--threads", description = "Worker threads (default: the number of processors).")
    private Integer threads;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        int[] wh = parseSize(size);
        if (pairs < 1) {
            throw usage("--pairs must be >= 1, got " + pairs);
        }
        if (!(valFraction >= 0 && valFraction < 1)) {
            throw usage("--val-fraction must be in [0, 1), got " + valFraction);
        }
        if (maxSide < Math.max(wh[0], wh[1])) {
            throw usage("--max-side " + maxSide + " is smaller than the crop " + size);
        }
        if (!noNoise && !(maxShot >= 1e-5)) {
            throw usage("--max-shot must be >= 1e-5, got " + maxShot);
        }
        if (!(defocusProbability >= 0 && defocusProbability <= 1)) {
            throw usage("--defocus-probability must be in [0, 1], got " + defocusProbability);
        }
        if (defocusProbability > 0
                && !(maxDefocusRadius >= Defocus.MIN_RADIUS && maxDefocusRadius <= Defocus.MAX_RADIUS)) {
            throw usage("--max-defocus-radius must be in [" + Defocus.MIN_RADIUS + ", " + Defocus.MAX_RADIUS
                    + "] pixels, got " + maxDefocusRadius);
        }
        MotionBlurSynth.Settings settings;
        try {
            settings = new MotionBlurSynth.Settings(wh[0], wh[1], subframes, minLength, maxLength, maxRotation,
                    objectProbability, noNoise ? 0 : 1e-5, noNoise ? 0 : maxShot, defocusProbability, maxDefocusRadius);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (!Files.isDirectory(sharp)) {
            err.println("blurdm synth: " + sharp + ": not a folder");
            return 1;
        }
        PairSetWriter writer = new PairSetWriter(settings, maxSide, line -> {
            outw.println(line);
            outw.flush();
        });
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        try {
            int written = writer.write(sharp, out, pairs, seed, valFraction, n);
            outw.println("wrote " + written + " pairs to " + out);
            outw.flush();
            return 0;
        } catch (IOException e) {
            err.println("blurdm synth: " + e.getMessage());
            return 1;
        }
    }

    private int[] parseSize(String s) {
        String[] p = s.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw usage("--size must be WxH (e.g. 256x256), got '" + s + "'");
    }

    private CommandLine.ParameterException usage(String msg) {
        return new CommandLine.ParameterException(spec.commandLine(), msg);
    }
}
