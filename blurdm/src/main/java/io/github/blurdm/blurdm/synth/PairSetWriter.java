package io.github.blurdm.blurdm.synth;

import io.github.blurdm.blurdm.AtomicFiles;
import io.github.blurdm.blurdm.pipeline.Images;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Writes a paired data set in the layout of the official benchmarks:
 * {@code OUT/{train,val}/{input,target}/NNNNN.png} (same name for the blurred input and its sharp target),
 * {@code OUT/pairs.csv} (one row per pair: source photo, crop, seed and path parameters) and
 * {@code OUT/synth-settings.txt}. Photos are split into train and validation as <em>whole photos</em>, by a
 * hash of their path relative to the photo folder, so no validation photo is ever seen in training. Each
 * split's pairs go round-robin over its photos; pair i of a split is seeded by (seed, split, i) alone, so
 * results do not depend on the number of threads. Each PNG is written atomically (temporary file, rename).
 */
public final class PairSetWriter {
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp");

    /** A source photo: its path, name relative to the photo folder, and size. */
    public record Photo(Path path, String name, int width, int height) {
    }

    private record Job(String split, int index, Photo photo, long seed) {
    }

    private final MotionBlurSynth.Settings settings;
    private final int maxSide;
    private final Consumer<String> log;

    /**
     * @param settings the synthesiser's settings (crop size among them)
     * @param maxSide  photos whose long side exceeds this are box-downscaled (in linear light) by the
     *                 smallest integer factor that brings it to at most maxSide
     * @param log      progress and warnings, one line each
     */
    public PairSetWriter(MotionBlurSynth.Settings settings, int maxSide, Consumer<String> log) {
        this.settings = settings;
        this.maxSide = maxSide;
        this.log = log;
    }

    /** Image files under dir (recursively), sorted by relative name; unreadable headers are skipped with a warning. */
    public List<Photo> listPhotos(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return EXTENSIONS.stream().anyMatch(n::endsWith);
            }).sorted().toList();
        }
        List<Photo> photos = new ArrayList<>();
        for (Path p : files) {
            String name = dir.relativize(p).toString().replace('\\', '/');
            try (var in = ImageIO.createImageInputStream(p.toFile())) {
                var readers = in == null ? null : ImageIO.getImageReaders(in);
                if (readers == null || !readers.hasNext()) {
                    log.accept("skipping " + name + ": not an image Java can read");
                    continue;
                }
                var r = readers.next();
                try {
                    r.setInput(in, true, true);
                    photos.add(new Photo(p, name, r.getWidth(0), r.getHeight(0)));
                } finally {
                    r.dispose();
                }
            } catch (IOException | RuntimeException e) {
                log.accept("skipping " + name + ": " + e.getMessage());
            }
        }
        return photos;
    }

    /** Downscale factor applied to a photo of this size. */
    public int scaleOf(int width, int height) {
        return Math.max(1, (Math.max(width, height) + maxSide - 1) / maxSide);
    }

    /** Hash of a photo name, uniform in [0, 1): photos below the validation fraction go to val. */
    public static double nameHash(String name) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 7; i++) {
                v = (v << 8) | (d[i] & 0xff);
            }
            return v / (double) (1L << 56);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Splits photos into [train, val]: val are those with nameHash below valFraction; when valFraction
     * &gt; 0 and there are at least two photos, each side keeps at least one (the lowest hash goes to val,
     * the highest to train).
     */
    public static List<List<Photo>> split(List<Photo> photos, double valFraction) {
        List<Photo> train = new ArrayList<>();
        List<Photo> val = new ArrayList<>();
        for (Photo p : photos) {
            (nameHash(p.name()) < valFraction ? val : train).add(p);
        }
        if (valFraction > 0 && photos.size() >= 2) {
            java.util.Comparator<Photo> byHash = java.util.Comparator.comparingDouble(p -> nameHash(p.name()));
            if (val.isEmpty()) {
                Photo p = train.stream().min(byHash).orElseThrow();
                train.remove(p);
                val.add(p);
            } else if (train.isEmpty()) {
                Photo p = val.stream().max(byHash).orElseThrow();
                val.remove(p);
                train.add(p);
            }
        }
        return List.of(train, val);
    }

    /** Seed of pair {@code index} of a split (SplitMix64 finaliser over seed, split and index). */
    public static long pairSeed(long seed, String split, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + ("val".equals(split) ? 0x5851F42D4C957F2DL : 0) + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Generates {@code pairs} pairs (round(pairs·valFraction) of them validation) into out. Returns the count written. */
    public int write(Path photoDir, Path out, int pairs, long seed, double valFraction, int threads)
            throws IOException, InterruptedException {
        List<Photo> all = new ArrayList<>();
        for (Photo p : listPhotos(photoDir)) {
            int k = scaleOf(p.width(), p.height());
            if (p.width() / k < settings.width() || p.height() / k < settings.height()) {
                log.accept("skipping " + p.name() + ": " + p.width() + "x" + p.height() + " is smaller than the crop");
            } else {
                all.add(p);
            }
        }
        if (all.isEmpty()) {
            throw new IOException(photoDir + ": no usable photos (PNG, JPEG, BMP at least the crop size)");
        }
        List<List<Photo>> sp = split(all, valFraction);
        int nVal = sp.get(1).isEmpty() ? 0 : (int) Math.round(pairs * valFraction);
        int nTrain = pairs - nVal;
        log.accept(String.format(Locale.ROOT, "%d photos: %d train, %d val; %d train pairs, %d val pairs",
                all.size(), sp.get(0).size(), sp.get(1).size(), nTrain, nVal));
        List<Job> jobs = new ArrayList<>();
        addJobs(jobs, "train", sp.get(0), nTrain, seed);
        addJobs(jobs, "val", sp.get(1), nVal, seed);
        for (String s : List.of("train", "val")) {
            Files.createDirectories(out.resolve(s).resolve("input"));
            Files.createDirectories(out.resolve(s).resolve("target"));
        }
        // one task per photo: decode it once, make all its pairs
        List<Photo> order = new ArrayList<>(all);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        String[] rows = new String[jobs.size()];
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Photo p : order) {
                futures.add(pool.submit(() -> {
                    runPhoto(p, jobs, rows, out);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    throw c instanceof IOException io ? io : new IOException(c.getMessage(), c);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        StringBuilder csv = new StringBuilder("split,file,photo,photo_scale,crop_x,crop_y,width,height,seed,"
                + "chord_px,arc_px,direction_deg,rotation_deg,warp,object,object_move_px,shot_var,read_var,subframes,defocus_radius_px,defocus_mask\n");
        for (String r : rows) {
            csv.append(r).append('\n');
        }
        AtomicFiles.writeString(out.resolve("pairs.csv"), csv.toString());
        MotionBlurSynth.Settings s = settings;
        AtomicFiles.writeString(out.resolve("synth-settings.txt"), String.format(Locale.ROOT,
                "generator=blurdm synth%nphotos=%s%npairs=%d%nseed=%d%nval_fraction=%s%nsize=%dx%d%nsubframes=%d%n"
                        + "min_length=%s%nmax_length=%s%nmax_rotation_deg=%s%nobject_probability=%s%n"
                        + "min_shot=%s%nmax_shot=%s%ndefocus_probability=%s%nmax_defocus_radius=%s%nmax_side=%d%n"
                        + "train_photos=%s%nval_photos=%s%n",
                photoDir, pairs, seed, valFraction, s.width(), s.height(), s.subframes(), s.minLength(),
                s.maxLength(), s.maxRotationDeg(), s.objectProbability(), s.minShot(), s.maxShot(),
                s.defocusProbability(), s.maxDefocusRadius(), maxSide,
                String.join(";", sp.get(0).stream().map(Photo::name).toList()),
                String.join(";", sp.get(1).stream().map(Photo::name).toList())));
        return jobs.size();
    }

    private static void addJobs(List<Job> jobs, String split, List<Photo> photos, int n, long seed) {
        for (int i = 0; i < n; i++) {
            jobs.add(new Job(split, i, photos.get(i % photos.size()), pairSeed(seed, split, i)));
        }
    }

    private void runPhoto(Photo p, List<Job> jobs, String[] rows, Path out) throws IOException {
        LinearImage photo = null;
        int k = scaleOf(p.width(), p.height());
        int done = 0;
        for (int j = 0; j < jobs.size(); j++) {
            Job job = jobs.get(j);
            if (job.photo() != p) {
                continue;
            }
            if (photo == null) {
                photo = LinearImage.fromSrgb(Images.read(p.path())).downscale(k);
            }
            MotionBlurSynth.Pair pair = MotionBlurSynth.generate(photo, job.seed(), settings);
            String file = String.format(Locale.ROOT, "%05d.png", job.index());
            Path dir = out.resolve(job.split());
            Images.writePng(pair.blurred(), dir.resolve("input").resolve(file));
            Images.writePng(pair.sharp(), dir.resolve("target").resolve(file));
            rows[j] = row(job, file, p, k, pair.info());
            done++;
        }
        if (done > 0) {
            log.accept(String.format(Locale.ROOT, "%s: %d pairs", p.name(), done));
        }
    }

    private String row(Job job, String file, Photo p, int k, MotionBlurSynth.PairInfo in) {
        CameraPath c = in.path();
        MovingObject o = in.object();
        Defocus d = in.defocus();
        return String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%d,%d,%d,%d,%.3f,%.3f,%.2f,%.4f,%.4f,%d,%.3f,%.4g,%.4g,%d,%.3f,%s",
                job.split(), file, csvField(p.name()), k, in.cropX(), in.cropY(), settings.width(), settings.height(),
                in.seed(), c.chordLength(), c.arcLength(), c.directionDegrees(), c.rotationDegrees(), c.warp(),
                o == null ? 0 : 1, o == null ? 0.0 : Math.hypot(o.moveX(), o.moveY()), in.noise().shot(),
                in.noise().read(), settings.subframes(), d == null ? 0.0 : d.radius(),
                d == null ? "none" : d.wholeFrame() ? "full" : "ramp");
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
