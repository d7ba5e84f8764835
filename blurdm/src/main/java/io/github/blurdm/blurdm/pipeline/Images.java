package io.github.blurdm.blurdm.pipeline;

import io.github.blurdm.runtime.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/**
 * Converts between {@link BufferedImage}s and [H,W,3] float tensors of 8-bit RGB values, and reads and
 * writes image files. Colour handling: any type Java reads is converted to 8-bit sRGB through
 * {@link BufferedImage#getRGB} (alpha dropped, 16-bit reduced), except 8-bit grayscale (with or without
 * alpha), whose sample values are replicated to three channels unchanged, as PIL's
 * {@code convert('RGB')} does ({@code getRGB} would map them through a linear-to-sRGB curve: 50 becomes 122).
 */
public final class Images {
    /** Images with more pixels than this are refused before decoding pixel data. */
    public static final long MAX_PIXELS = 1L << 28;

    private Images() {
    }

    public static Tensor toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        java.awt.image.ColorModel cm = img.getColorModel();
        if (cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
                && !(cm instanceof java.awt.image.IndexColorModel) && cm.getComponentSize(0) == 8) {
            int[] gray = img.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
            float[] v = new float[h * w * 3];
            for (int i = 0; i < gray.length; i++) {
                v[3 * i] = gray[i];
                v[3 * i + 1] = gray[i];
                v[3 * i + 2] = gray[i];
            }
            return Tensor.of(v, h, w, 3);
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[] v = new float[h * w * 3];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            v[3 * i] = (p >> 16) & 0xff;
            v[3 * i + 1] = (p >> 8) & 0xff;
            v[3 * i + 2] = p & 0xff;
        }
        return Tensor.of(v, h, w, 3);
    }

    /** [H,W,3] values 0..255 (rounded and clamped) to an 8-bit RGB image. */
    public static BufferedImage fromRgb(Tensor rgb) {
        int h = rgb.dim(0);
        int w = rgb.dim(1);
        float[] v = rgb.data();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[h * w];
        for (int i = 0; i < px.length; i++) {
            px[i] = (clamp(v[3 * i]) << 16) | (clamp(v[3 * i + 1]) << 8) | clamp(v[3 * i + 2]);
        }
        img.setRGB(0, 0, w, h, px, 0, w);
        return img;
    }

    private static int clamp(float f) {
        return Math.max(0, Math.min(255, Math.round(f)));
    }

    /** Reads an image file; throws IOException naming the file when it is not a readable image. */
    public static BufferedImage read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": not a file");
        }
        try (var in = ImageIO.createImageInputStream(path.toFile())) {
            if (in == null) {
                throw new IOException(path + ": cannot open");
            }
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException(path + ": not an image in a format Java can read (PNG, JPEG, BMP, GIF)");
            }
            var reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new IOException(path + ": " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels exceeds the limit of " + MAX_PIXELS);
                }
                return reader.read(0);
            } catch (RuntimeException e) {
                throw new IOException(path + ": corrupt image: " + e.getMessage(), e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** Writes a PNG atomically: a temporary file beside the target, then a rename. */
    public static void writePng(BufferedImage img, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException(target + ": no PNG writer available");
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
