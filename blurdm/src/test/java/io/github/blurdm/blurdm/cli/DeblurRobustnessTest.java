package io.github.blurdm.blurdm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.pipeline.Images;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blurdm deblur} on bad inputs and outputs (issue A1 item 4) and its colour policies: every bad
 * input is named and skipped, the others are still written, and the exit code says what happened.
 */
class DeblurRobustnessTest {
    @TempDir
    Path dir;

    private static Path model() throws Exception {
        return Path.of(DeblurRobustnessTest.class.getResource("/fixtures/mimo_small/model.safetensors").toURI());
    }

    private static CliRun run(List<String> inputs, Path out, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("deblur", "--weights", model().toString(), "--backend", "cpu",
                "--out", out.toString()));
        args.addAll(List.of(options));

        args.addAll(inputs);
        return CliRun.of(args.toArray());
    }

    /** A random 8-bit RGB image. */
    private static BufferedImage rgb(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return img;
    }

    private Path png(String name, BufferedImage img) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        assertTrue(ImageIO.write(img, "png", p.toFile()));
        return p;
    }

    private Path good(String name) throws IOException {
        return png(name, rgb(24, 16, name.hashCode()));
    }

    private static void assertSkipped(CliRun r, String name, String why) {
        assertTrue(r.err().lines().anyMatch(l -> l.contains(name) && l.contains(why)),
                "expected '" + name + "' skipped with '" + why + "' in:\n" + r.err());
    }

    @Test
    void truncatedPngIsSkippedAndTheRunGoesOn() throws Exception {
        Path ok = good("ok.png");
        Path cut = good("cut.png");
        byte[] b = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(b, b.length / 2));
        Path out = dir.resolve("out");
        CliRun r = run(List.of(cut.toString(), ok.toString()), out);
        assertEquals(DeblurCommand.SOME_FAILED, r.code(), r.err());
        assertSkipped(r, cut.toString(), "image");
        assertTrue(Files.exists(out.resolve("ok.png")), "the good image after the bad one is written");
        assertFalse(Files.exists(out.resolve("cut.png")));
    }

    @Test
    void textZeroByteAndOnePixelFilesAreSkippedWithReasons() throws Exception {
        Path text = dir.resolve("text.png");
        Files.writeString(text, "hello, not a PNG\n", StandardCharsets.UTF_8);
        Path empty = dir.resolve("zero.png");
        Files.write(empty, new byte[0]);
        Path one = png("one.png", rgb(1, 1, 1));
        Path ok = good("fine.png");
        Path out = dir.resolve("out");
        CliRun r = run(List.of(text.toString(), empty.toString(), one.toString(), ok.toString()), out);
        assertEquals(DeblurCommand.SOME_FAILED, r.code(), r.err());
        assertSkipped(r, "text.png", "not an image");
        assertSkipped(r, "zero.png", "not an image");
        assertSkipped(r, "one.png", "1x1 pixels; MIMO-UNet needs at least 8x8");
        assertTrue(Files.exists(out.resolve("fine.png")));
        assertTrue(r.out().contains("[4/4] " + ok + " -> " + out.resolve("fine.png")), r.out());
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of(out.resolve("fine.png")), s.toList(), "no partial or temporary files are left");
        }
    }

    /** A PNG whose IHDR claims width x height, followed by a tiny IDAT and IEND. */
    private static byte[] pngHeader(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12 + 12 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(b, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(b, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0}, 0);
        chunk(b, "IEND", new byte[0]);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static void chunk(ByteBuffer b, String type, byte[] data) {
        chunk(b, type, data, data.length);
    }

    private static void chunk(ByteBuffer b, String type, byte[] data, int len) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        b.putInt(len).put(t).put(data, 0, len);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data, 0, len);
        b.putInt((int) crc.getValue());
    }

    @Test
    void hugeHeaderIsRefusedBeforeDecoding() throws Exception {
        Path huge = dir.resolve("huge.png");
        Files.write(huge, pngHeader(20000, 20000));
        long free = Runtime.getRuntime().freeMemory();
        IOException e = assertThrows(IOException.class, () -> Images.read(huge));
        assertTrue(e.getMessage().contains("20000x20000 is too large (400.0 Mpx; the limit is")
                && e.getMessage().contains("refused before decoding"), e.getMessage());
        assertTrue(Images.maxPixels() <= Images.MAX_PIXELS);
        Path ok = good("ok.png");
        CliRun r = run(List.of(huge.toString(), ok.toString()), dir.resolve("out"));
        assertEquals(DeblurCommand.SOME_FAILED, r.code(), r.err());
        assertSkipped(r, "huge.png", "too large");
        assertTrue(Files.exists(dir.resolve("out/ok.png")));
        assertTrue(free > 0);
    }

    @Test
    void cmykJpegIsReadAsRgbAndDeblurred() throws Exception {
        // cmyk.jpg: 24x16, left half pure cyan, right half pure black (K), written by PIL as an Adobe CMYK JPEG:
        // Image.new('CMYK', (24, 16)); putpixel ...; save('cmyk.jpg', quality=95)
        Path jpg = dir.resolve("cmyk.jpg");
        Files.copy(Path.of(getClass().getResource("/fixtures/images/cmyk.jpg").toURI()), jpg);
        float[] v = Images.toRgb(Images.read(jpg)).data();
        int left = 3 * (8 * 24 + 3);
        assertTrue(v[left] < 90 && v[left + 1] > 120 && v[left + 2] > 170,
                "cyan reads as cyan: " + v[left] + "," + v[left + 1] + "," + v[left + 2]);
        int right = 3 * (8 * 24 + 20);
        assertTrue(v[right] < 80 && v[right + 1] < 80 && v[right + 2] < 80, "black reads as dark");
        CliRun r = run(List.of(jpg.toString()), dir.resolve("out"));
        assertEquals(DeblurCommand.OK, r.code(), r.err());
        assertNotNull(ImageIO.read(dir.resolve("out/cmyk.png").toFile()));
    }

    private static boolean canCreateIn(Path folder) {
        try {
            Files.delete(Files.createTempFile(folder, "probe", ".tmp"));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void readOnlyOutputFolderStopsBeforeLoadingTheModel() throws Exception {
        Path ok = good("ok.png");
        Path ro = Files.createDirectories(dir.resolve("readonly"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(canCreateIn(ro), "skipped: this user (e.g. root, uid "
                    + System.getProperty("user.name") + ") can write into a r-x folder, so a read-only folder cannot "
                    + "be simulated; outputPathThatIsAFile covers the same exit path");
            CliRun r = run(List.of(ok.toString()), ro);
            assertEquals(DeblurCommand.CANNOT_START, r.code(), r.err());
            assertTrue(r.err().contains("cannot write to the output folder " + ro), r.err());
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void outputPathThatIsAFileIsRefused() throws Exception {
        Path ok = good("ok.png");
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        CliRun r = run(List.of(ok.toString()), file);
        assertEquals(DeblurCommand.CANNOT_START, r.code(), r.err());
        assertTrue(r.err().contains("cannot create the output folder " + file), r.err());
        CliRun nested = run(List.of(ok.toString()), file.resolve("sub"));
        assertEquals(DeblurCommand.CANNOT_START, nested.code(), nested.err());
    }

    @Test
    void missingOutputFoldersAreCreated() throws Exception {
        Path ok = good("ok.png");
        Path out = dir.resolve("a/b/c");
        CliRun r = run(List.of(ok.toString()), out);
        assertEquals(DeblurCommand.OK, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("ok.png")));
    }

    @Test
    void anInputIsNeverOverwrittenEvenWhenItIsAnotherInputsOutput() throws Exception {
        Path a = good("same/a.png");
        Path b = good("same/b.png");
        byte[] before = Files.readAllBytes(a);
        CliRun r = run(List.of(dir.resolve("same").toString()), dir.resolve("same"));
        assertEquals(DeblurCommand.SOME_FAILED, r.code(), r.err());
        assertSkipped(r, "a.png", "is an input of this run");
        assertSkipped(r, "b.png", "is an input of this run");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(a)), "input unchanged");
        assertTrue(Files.exists(b));
    }

    @Test
    void duplicateOutputNamesAreAUsageErrorBeforeAnyWork() throws Exception {
        Path png = good("in/photo.png");
        Path jpg = dir.resolve("in/photo.jpg");
        assertTrue(ImageIO.write(rgb(24, 16, 3), "jpg", jpg.toFile()));
        Path out = dir.resolve("out");
        CliRun r = run(List.of(dir.resolve("in").toString()), out);
        assertEquals(DeblurCommand.USAGE, r.code(), r.err());
        assertTrue(r.err().contains(out.resolve("photo.png") + " <- [" + jpg + ", " + png + "]"), r.err());
        assertFalse(Files.exists(out), "nothing was done");
    }

    @Test
    void grayscaleIsWrittenAsRgbAndAlphaIsPassedThrough() throws Exception {
        BufferedImage gray = new BufferedImage(24, 16, BufferedImage.TYPE_BYTE_GRAY);
        gray.getGraphics().drawImage(rgb(24, 16, 5), 0, 0, null);
        Path g = png("gray.png", gray);
        BufferedImage rgba = new BufferedImage(24, 16, BufferedImage.TYPE_INT_ARGB);
        Random rnd = new Random(9);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                rgba.setRGB(x, y, rnd.nextInt());
            }
        }
        Path a = png("alpha.png", rgba);
        Path out = dir.resolve("out");
        CliRun r = run(List.of(g.toString(), a.toString()), out);
        assertEquals(DeblurCommand.OK, r.code(), r.err());
        BufferedImage gOut = ImageIO.read(out.resolve("gray.png").toFile());
        assertEquals(3, gOut.getColorModel().getNumComponents(), "grayscale in, RGB out");
        BufferedImage aOut = ImageIO.read(out.resolve("alpha.png").toFile());
        assertTrue(aOut.getColorModel().hasAlpha());
        assertTrue(java.util.Arrays.equals(Images.alpha(ImageIO.read(a.toFile())), Images.alpha(aOut)),
                "alpha copied unchanged");
    }

    @Test
    void sixteenBitIsReducedToEightBits() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(24, 16);
        int[] vals = {0, 128, 257, 32896, 65535, 1000};
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                for (int c = 0; c < 4; c++) {
                    raster.setSample(x, y, c, vals[(x + y + c) % vals.length]);
                }
            }
        }
        BufferedImage img16 = new BufferedImage(cm, raster, false, null);
        Path p = png("deep.png", img16);
        BufferedImage back = Images.read(p);
        assertEquals(16, back.getColorModel().getComponentSize(0), "read at 16 bits");
        float[] v = Images.toRgb(back).data();
        assertEquals(Math.round(vals[0] * 255f / 65535f), v[0]);
        assertEquals(Math.round(vals[1] * 255f / 65535f), v[1]);
        assertEquals(Math.round(vals[3] * 255f / 65535f), v[3 * 1 + 2], "x=1 blue is vals[3]");
        byte[] alpha = Images.alpha(back);
        assertEquals(Math.round(vals[3] * 255f / 65535f), alpha[0] & 0xff);
        BufferedImage gray16 = new BufferedImage(24, 16, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSample(0, 0, 0, 50 * 257);
        Path g = png("gray16.png", gray16);
        assertEquals(50f, Images.toRgb(Images.read(g)).data()[0], "16-bit gray: no sRGB curve");
        assertNull(Images.alpha(Images.read(g)));
        CliRun r = run(List.of(p.toString(), g.toString()), dir.resolve("out"));
        assertEquals(DeblurCommand.OK, r.code(), r.err());
        BufferedImage out = ImageIO.read(dir.resolve("out/deep.png").toFile());
        assertEquals(8, out.getColorModel().getComponentSize(0), "written at 8 bits");
        assertTrue(out.getColorModel().hasAlpha());
    }

    @Test
    void theBarShowsCountRateAndEta() throws Exception {
        Path a = good("a.png");
        Path b = good("b.png");
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        CliRun r;
        try {
            r = run(List.of(a.toString(), b.toString()), dir.resolve("out"), "--progress", "bar");
        } finally {
            System.setOut(saved);
        }
        assertEquals(DeblurCommand.OK, r.code(), r.err());
        String bar = captured.toString(StandardCharsets.UTF_8);
        assertTrue(bar.contains("deblur") && bar.contains("2/2 img") && bar.contains("img/s"), bar);
        assertFalse(r.out().contains("[1/2]"), "no plain lines with the bar");
    }
}
