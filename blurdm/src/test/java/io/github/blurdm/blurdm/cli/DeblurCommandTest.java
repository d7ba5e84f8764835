package io.github.blurdm.blurdm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.blurdm.pipeline.Images;
import io.github.blurdm.runtime.Tensor;
import io.github.blurdm.weights.SafetensorsFile;
import io.github.blurdm.weights.TensorData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blurdm deblur} end to end: PNG in, PNG out, equal to what the PyTorch reference produced. */
class DeblurCommandTest {
    @TempDir
    Path dir;

    private static Path fixture(String name) throws Exception {
        return Path.of(DeblurCommandTest.class.getResource("/fixtures/mimo_small/" + name).toURI());
    }

    private static CliRun run(Object... args) {
        return CliRun.of(args);
    }

    private static Tensor fixtureTensor(String key) throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(fixture("cases.safetensors"))) {
            TensorData t = f.get(key);
            return Tensor.of(t.toFloats(), t.intShape());
        }
    }

    @Test
    void deblursAPngExactlyAsTheReference() throws Exception {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        Path png = in.resolve("blurry.png");
        Images.writePng(Images.fromRgb(fixtureTensor("c0/image")), png);
        Path out = dir.resolve("out");
        CliRun r = run("deblur", "--weights", fixture("model.safetensors").toString(), "--noise",
                fixture("noise_c0.npy").toString(), "--backend", "cpu", "--out", out.toString(), png.toString());
        assertEquals(0, r.code(), r.err());
        float[] got = Images.toRgb(Images.read(out.resolve("blurry.png"))).data();
        float[] want = fixtureTensor("c0/result").data();
        int off = 0;
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(got[i] - want[i]) <= 1, "value " + i + ": " + got[i] + " vs " + want[i]);
            off += got[i] != want[i] ? 1 : 0;
        }
        assertTrue(off <= want.length / 1000, off + " values differ by one");
    }

    /** A JPEG tagged "turn 90 degrees clockwise" (stored 24x16) comes out upright: a 16x24 PNG. */
    @Test
    void exifOrientationGivesAnUprightOutput() throws Exception {
        Path jpg = Path.of(DeblurCommandTest.class.getResource("/fixtures/images/exif/o6.jpg").toURI());
        Path out = dir.resolve("out");
        CliRun r = run("deblur", "--weights", fixture("model.safetensors").toString(), "--backend", "cpu",
                "--progress", "none", "--out", out.toString(), jpg.toString());
        assertEquals(0, r.code(), r.err());
        java.awt.image.BufferedImage img = Images.read(out.resolve("o6.png"));
        assertEquals(16, img.getWidth());
        assertEquals(24, img.getHeight());
    }

    /** --format jpg writes name.jpg close to the PNG result; bad --format / --quality are usage errors. */
    @Test
    void jpegOutputIsCloseToThePngOne() throws Exception {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        Path png = in.resolve("blurry.png");
        Images.writePng(Images.fromRgb(fixtureTensor("c0/image")), png);
        String w = fixture("model.safetensors").toString();
        String nz = fixture("noise_c0.npy").toString();
        Path out = dir.resolve("out");
        assertEquals(0, run("deblur", "--weights", w, "--noise", nz, "--backend", "cpu", "--progress", "none", "--out",
                out.toString(), png.toString()).code());
        CliRun r = run("deblur", "--weights", w, "--noise", nz, "--backend", "cpu", "--progress", "none", "--format",
                "jpg", "--quality", "97", "--out", out.toString(), png.toString());
        assertEquals(0, r.code(), r.err());
        Path jpg = out.resolve("blurry.jpg");
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(jpg), 2);
        assertEquals(0xff, head[0] & 0xff, "JPEG SOI");
        assertEquals(0xd8, head[1] & 0xff, "JPEG SOI");
        float[] a = Images.toRgb(Images.read(jpg)).data();
        float[] b = Images.toRgb(Images.read(out.resolve("blurry.png"))).data();
        assertEquals(b.length, a.length);
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            se += (a[i] - b[i]) * (a[i] - b[i]);
        }
        double psnr = 10 * Math.log10(255.0 * 255 / (se / a.length));
        assertTrue(psnr > 30, "JPEG q97 vs PNG: " + psnr + " dB");
        for (String[] bad : new String[][] {{"--format", "gif"}, {"--quality", "90"}, {"--format", "jpg", "--quality",
            "0"}}) {
            List<String> args = new ArrayList<>(List.of("deblur", "--weights", w, "--backend", "cpu", "--out",
                    out.toString()));
            args.addAll(List.of(bad));
            args.add(png.toString());
            CliRun u = run(args.toArray());
            assertEquals(2, u.code(), String.join(" ", bad) + ": " + u.err());
        }
    }

    /** The warm-up run before a first image of 0.25 MP or more changes nothing in the result. */
    @Test
    void warmUpLeavesTheResultUnchanged() throws Exception {
        int side = 512;
        float[] px = new float[side * side * 3];
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) (127.5 + 100 * Math.sin(i * 0.001 + (i % 3)) + rnd.nextInt(20));
        }
        Path png = dir.resolve("large.png");
        Images.writePng(Images.fromRgb(Tensor.of(px, side, side, 3)), png);
        float[][] got = new float[2][];
        String[] modes = {"--warm-up", "--no-warm-up"};
        for (int m = 0; m < 2; m++) {
            Path out = dir.resolve("out" + m);
            CliRun r = run("deblur", modes[m], "--weights", fixture("model.safetensors").toString(), "--backend", "cpu",
                    "--progress", "none", "--out", out.toString(), png.toString());
            assertEquals(0, r.code(), r.err());
            got[m] = Images.toRgb(Images.read(out.resolve("large.png"))).data();
        }
        assertTrue(java.util.Arrays.equals(got[0], got[1]), "--warm-up and --no-warm-up give different images");
    }

    @Test
    void badInputsAreSkippedNamedAndCounted() throws Exception {
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not an image", StandardCharsets.UTF_8);
        Path empty = dir.resolve("empty.png");
        Files.write(empty, new byte[0]);
        Path tiny = dir.resolve("tiny.png");
        Images.writePng(Images.fromRgb(Tensor.of(new float[5 * 4 * 3], 5, 4, 3)), tiny);
        Path good = dir.resolve("good.png");
        Images.writePng(Images.fromRgb(fixtureTensor("c1/image")), good);
        Path out = dir.resolve("out");
        List<String> args = new ArrayList<>(List.of("deblur", "--weights", fixture("model.safetensors").toString(),
                "--backend", "cpu", "--out", out.toString()));
        args.addAll(List.of(text.toString(), empty.toString(), tiny.toString(), dir.resolve("missing.png").toString(),
                good.toString()));
        CliRun r = run(args.toArray(String[]::new));
        assertEquals(1, r.code(), "some inputs failed: exit code 1");
        assertTrue(r.err().contains("notes.png"), r.err());
        assertTrue(r.err().contains("empty.png"), r.err());
        assertTrue(r.err().contains("tiny.png") && r.err().contains("at least 8x8"), r.err());
        assertTrue(r.err().contains("missing.png"), r.err());
        assertTrue(Files.exists(out.resolve("good.png")), "the good image is still written");
        assertFalse(Files.exists(out.resolve("notes.png")));
    }

    @Test
    void refusesToOverwriteItsInput() throws Exception {
        Path png = dir.resolve("same.png");
        Images.writePng(Images.fromRgb(fixtureTensor("c1/image")), png);
        byte[] before = Files.readAllBytes(png);
        CliRun r = run("deblur", "--weights", fixture("model.safetensors").toString(), "--backend", "cpu", "--out",
                dir.toString(), png.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("is an input of this run"), r.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(png)), "input unchanged");
    }

    @Test
    void unreadableWeightsFailWithTheFileName() throws Exception {
        Path png = dir.resolve("x.png");
        Images.writePng(Images.fromRgb(fixtureTensor("c1/image")), png);
        Path bogus = dir.resolve("bogus.safetensors");
        Files.writeString(bogus, "garbage");
        CliRun r = run("deblur", "--weights", bogus.toString(), "--backend", "cpu", "--out", dir.resolve("o").toString(),
                png.toString());
        assertEquals(DeblurCommand.CANNOT_START, r.code(), r.err());
        assertTrue(r.err().contains("bogus.safetensors"), r.err());
    }

    @Test
    void wrongNoiseShapeIsAUsageError() throws Exception {
        Path png = dir.resolve("a.png");
        Images.writePng(Images.fromRgb(fixtureTensor("c1/image")), png);
        Path npy = dir.resolve("bad.npy");
        byte[] header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }          \n"
                .getBytes(StandardCharsets.US_ASCII);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + header.length + 12)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putShort((short) header.length).put(header).putFloat(1f).putFloat(2f).putFloat(3f);
        Files.write(npy, b.array());
        CliRun r = run("deblur", "--weights", fixture("model.safetensors").toString(), "--noise", npy.toString(),
                "--backend", "cpu", "--out", dir.resolve("o").toString(), png.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("bad.npy") && r.err().contains("(32,)"), r.err());
    }
}
