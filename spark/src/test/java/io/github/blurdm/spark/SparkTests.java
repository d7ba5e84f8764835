package io.github.blurdm.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.cli.BlurdmCli;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/** What the Spark tests share: the shipped model, a small local session, fixture images, in-process runs. */
final class SparkTests {
    private SparkTests() {
    }

    /** The repository root (where bin/blurdm is). */
    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("bin/blurdm"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("bin/blurdm not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** The shipped small model. */
    static Path model() {
        return repoRoot().resolve("weights/models/blurdm-mimo-small.safetensors");
    }

    /** A local session for one test class: no UI, few shuffle partitions, quiet. */
    static SparkSession session(String master) {
        SparkSession s = SparkSession.builder().master(master).appName("blurdm-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        s.sparkContext().setLogLevel("WARN");
        return s;
    }

    /** One run's exit code and output. */
    record Run(int code, String out, String err) {
    }

    /** The job in-process on {@code spark}. */
    static Run job(SparkSession spark, Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = BlurdmSparkJob.execute(spark, new PrintWriter(out, true), new PrintWriter(err, true),
                Stream.of(args).map(String::valueOf).toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    /** {@code blurdm ...} in-process: the command's own code, as bin/blurdm runs it. */
    static Run cli(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = BlurdmCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(Stream.of(args).map(String::valueOf).toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    /** A smooth gradient with a few edges and seeded noise: something for a deblurring model to change. */
    static BufferedImage picture(int w, int h, int type, long seed) {
        BufferedImage img = new BufferedImage(w, h, type);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int red = (x * 255 / w + r.nextInt(20)) & 0xff;
                int green = (y * 255 / h + r.nextInt(20)) & 0xff;
                int blue = ((x / 6 + y / 6) % 2 == 0 ? 200 : 40) + r.nextInt(10);
                int alpha = 255 - (x * 100 / w);
                img.setRGB(x, y, alpha << 24 | red << 16 | green << 8 | blue);
            }
        }
        return img;
    }

    static Path write(Path dir, String name, BufferedImage img, String format) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        assertTrue(ImageIO.write(img, format, p.toFile()), "wrote " + p);
        return p;
    }

    /**
     * Eight inputs: five images of different kinds (RGB PNG, JPEG, grayscale PNG with odd sides, RGBA PNG,
     * BMP) and three broken files (a truncated PNG, text named .png, a 6x6 image).
     */
    static List<Path> fixtureImages(Path dir) throws IOException {
        List<Path> all = new ArrayList<>();
        all.add(write(dir, "a.png", picture(40, 32, BufferedImage.TYPE_INT_RGB, 1), "png"));
        all.add(write(dir, "b.jpg", picture(36, 28, BufferedImage.TYPE_INT_RGB, 2), "jpg"));
        all.add(write(dir, "c_gray.png", picture(33, 25, BufferedImage.TYPE_BYTE_GRAY, 3), "png"));
        all.add(write(dir, "d_alpha.png", picture(32, 24, BufferedImage.TYPE_INT_ARGB, 4), "png"));
        all.add(write(dir, "e.bmp", picture(24, 40, BufferedImage.TYPE_INT_RGB, 5), "bmp"));
        Path full = write(dir.resolve("..").normalize().resolve("scratch"), "t.png",
                picture(40, 40, BufferedImage.TYPE_INT_RGB, 6), "png");
        byte[] bytes = Files.readAllBytes(full);
        Path truncated = dir.resolve("truncated.png");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        all.add(truncated);
        Path text = dir.resolve("not_an_image.png");
        Files.writeString(text, "this is text, not a PNG\n");
        all.add(text);
        all.add(write(dir, "tiny.png", picture(6, 6, BufferedImage.TYPE_INT_RGB, 7), "png"));
        return all;
    }

    /** The 8-bit ARGB pixels of an image file. */
    static int[] pixels(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    /** Regular, non-hidden files of a folder, by name. */
    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .sorted().toList();
        }
    }
}
