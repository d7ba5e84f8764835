package io.github.blurdm.blurdm.pipeline;

import io.github.blurdm.blurdm.AtomicFiles;
import io.github.blurdm.runtime.Tensor;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Converts between {@link BufferedImage}s and [H,W,3] float tensors of 8-bit RGB values, and reads and
 * writes image files. Colour handling:
 * <ul>
 * <li>8-bit grayscale (with or without alpha): the sample values are replicated to three channels
 *     unchanged, as PIL's {@code convert('RGB')} does ({@code getRGB} would map them through a
 *     linear-to-sRGB curve: 50 becomes 122);</li>
 * <li>16-bit grayscale and 16-bit RGB (PNG): each sample is reduced to 8 bits as
 *     {@code round(v * 255 / 65535)}, with no colour conversion (gray replicated to three channels);</li>
 * <li>everything else Java reads (8-bit RGB, palette, CMYK/YCCK JPEG through TwelveMonkeys, ...) is
 *     converted to 8-bit sRGB through {@link BufferedImage#getRGB}.</li>
 * </ul>
 * Alpha is not part of the RGB tensor; {@link #alpha} extracts it (8-bit) and
 * {@link #fromRgb(Tensor, byte[])} puts it back, so a caller can pass it through unchanged.
 */
public final class Images {
    /** Images with more pixels than this (16384 x 16384) are refused before decoding pixel data. */
    public static final long MAX_PIXELS = 1L << 28;

    /**
     * Heap bytes per pixel that deblurring one image needs besides the model's tiles, about: the
     * decoded image, the float RGB tensor, its normalised and padded copies, the tile blend
     * accumulators, the quantised result and the output image.
     */
    public static final int HEAP_BYTES_PER_PIXEL = 80;

    /**
     * The largest image {@link #read} accepts: {@link #MAX_PIXELS}, or fewer when this JVM's maximum
     * heap cannot hold {@link #HEAP_BYTES_PER_PIXEL} bytes per pixel.
     */
    public static long maxPixels() {
        return Math.min(MAX_PIXELS, Runtime.getRuntime().maxMemory() / HEAP_BYTES_PER_PIXEL);
    }

    private Images() {
    }

    /** The image's colour as [H,W,3] 8-bit values (see the class comment); alpha is ignored. */
    public static Tensor toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        int space = cm.getColorSpace().getType();
        boolean plain = cm instanceof ComponentColorModel;
        if (plain && space == ColorSpace.TYPE_GRAY && (cm.getComponentSize(0) == 8 || cm.getComponentSize(0) == 16)) {
            boolean wide = cm.getComponentSize(0) == 16;
            int[] gray = img.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
            float[] v = new float[h * w * 3];
            for (int i = 0; i < gray.length; i++) {
                float g = wide ? to8(gray[i]) : gray[i];
                v[3 * i] = g;
                v[3 * i + 1] = g;
                v[3 * i + 2] = g;
            }
            return Tensor.of(v, h, w, 3);
        }
        if (plain && cm.getColorSpace().isCS_sRGB() && cm.getNumColorComponents() == 3 && cm.getComponentSize(0) == 16) {
            float[] v = new float[h * w * 3];
            for (int c = 0; c < 3; c++) {
                int[] s = img.getRaster().getSamples(0, 0, w, h, c, (int[]) null);
                for (int i = 0; i < s.length; i++) {
                    v[3 * i + c] = to8(s[i]);
                }
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

    /** A 16-bit sample reduced to 8 bits: round(v * 255 / 65535). */
    private static int to8(int v16) {
        return (v16 * 255 + 32767) / 65535;
    }

    /**
     * The image's alpha channel as 8-bit values, row-major (16-bit alpha reduced as
     * {@code round(a * 255 / 65535)}), or null when the image has no alpha (palette transparency counts).
     */
    public static byte[] alpha(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        if (!cm.hasAlpha()) {
            return null;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] a = new byte[w * h];
        if (cm instanceof ComponentColorModel && !cm.isAlphaPremultiplied()) {
            int band = cm.getNumComponents() - 1;
            int[] s = img.getRaster().getSamples(0, 0, w, h, band, (int[]) null);
            boolean wide = cm.getComponentSize(band) == 16;
            for (int i = 0; i < s.length; i++) {
                a[i] = (byte) (wide ? to8(s[i]) : s[i]);
            }
            return a;
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            a[i] = (byte) (argb[i] >>> 24);
        }
        return a;
    }

    /** [H,W,3] values 0..255 (rounded and clamped) to an 8-bit RGB image. */
    public static BufferedImage fromRgb(Tensor rgb) {
        return fromRgb(rgb, null);
    }

    /**
     * [H,W,3] values 0..255 (rounded and clamped) to an 8-bit RGB image, or, when {@code alpha}
     * (H*W values, row-major, as {@link #alpha} returns) is given, a non-premultiplied ARGB image
     * carrying it unchanged.
     */
    public static BufferedImage fromRgb(Tensor rgb, byte[] alpha) {
        int h = rgb.dim(0);
        int w = rgb.dim(1);
        if (alpha != null && alpha.length != h * w) {
            throw new IllegalArgumentException("alpha has " + alpha.length + " values for a " + w + "x" + h + " image");
        }
        float[] v = rgb.data();
        BufferedImage img = new BufferedImage(w, h, alpha == null ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
        int[] px = new int[h * w];
        for (int i = 0; i < px.length; i++) {
            int a = alpha == null ? 0 : (alpha[i] & 0xff) << 24;
            px[i] = a | (clamp(v[3 * i]) << 16) | (clamp(v[3 * i + 1]) << 8) | clamp(v[3 * i + 2]);
        }
        img.setRGB(0, 0, w, h, px, 0, w);
        return img;
    }

    private static int clamp(float f) {
        return Math.max(0, Math.min(255, Math.round(f)));
    }

    /**
     * Reads an image file; throws IOException naming the file when it is not a readable image, or when
     * its header declares more than {@link #maxPixels()} pixels (checked before any pixel data is
     * decoded or allocated). A JPEG comes back turned upright by its EXIF orientation, if any.
     */
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
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                long pixels = (long) w * h;
                long max = maxPixels();
                if (pixels > max) {
                    throw new IOException(path + ": " + w + "x" + h + " is too large (" + mpx(pixels)
                            + " Mpx; the limit is " + mpx(max) + " Mpx"
                            + (max < MAX_PIXELS ? ", about " + HEAP_BYTES_PER_PIXEL + " bytes per pixel in this JVM's "
                            + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB heap; a larger -Xmx, e.g. "
                            + "BLURDM_JAVA_OPTS=-Xmx16g, raises it up to " + mpx(MAX_PIXELS) + " Mpx" : "")
                            + "); refused before decoding");
                }
                if (w <= 0 || h <= 0) {
                    throw new IOException(path + ": corrupt image: header declares " + w + "x" + h);
                }
                BufferedImage img = reader.read(0);
                return "jpeg".equalsIgnoreCase(reader.getFormatName())
                        ? ExifOrientation.apply(img, ExifOrientation.of(path)) : img;
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith(path.toString())) {
                    throw e;
                }
                throw new IOException(path + ": corrupt or truncated image: " + describe(e), e);
            } catch (RuntimeException e) {
                throw new IOException(path + ": corrupt image: " + describe(e), e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** The writer's default JPEG metadata with every component sampled 1x1 (no chroma subsampling). */
    private static javax.imageio.metadata.IIOMetadata fullChroma(javax.imageio.ImageWriter writer, BufferedImage img,
            javax.imageio.ImageWriteParam param) throws IOException {
        String native1 = "javax_imageio_jpeg_image_1.0";
        javax.imageio.metadata.IIOMetadata meta = writer.getDefaultImageMetadata(
                new javax.imageio.ImageTypeSpecifier(img), param);
        javax.imageio.metadata.IIOMetadataNode root = (javax.imageio.metadata.IIOMetadataNode) meta.getAsTree(native1);
        org.w3c.dom.NodeList comps = root.getElementsByTagName("componentSpec");
        for (int i = 0; i < comps.getLength(); i++) {
            javax.imageio.metadata.IIOMetadataNode c = (javax.imageio.metadata.IIOMetadataNode) comps.item(i);
            c.setAttribute("HsamplingFactor", "1");
            c.setAttribute("VsamplingFactor", "1");
        }
        meta.setFromTree(native1, root);
        return meta;
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
            if (c.getMessage() != null && !b.toString().contains(c.getMessage())) {
                b.append(" (").append(c.getMessage()).append(')');
            }
        }
        return b.toString();
    }

    private static String mpx(long pixels) {
        return String.format(java.util.Locale.ROOT, "%.1f", pixels / 1e6);
    }

    /** Writes a PNG atomically ({@link AtomicFiles}: a temporary file beside the target, then a rename). */
    public static void writePng(BufferedImage img, Path target) throws IOException {
        AtomicFiles.write(target, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException(target + ": no PNG writer available");
            }
        });
    }

    /**
     * Writes an RGB image as a baseline JPEG of the given quality (1-100, as libjpeg's scale) with full
     * chroma resolution (4:4:4: the default 4:2:0 halves the colour detail a deblurred image has just
     * regained) atomically: a temporary file beside the target, then a rename.
     */
    public static void writeJpeg(BufferedImage img, Path target, int quality) throws IOException {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1 to 100, got " + quality);
        }
        if (img.getColorModel().hasAlpha()) {
            throw new IllegalArgumentException("JPEG has no alpha channel; give an RGB image");
        }
        var writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IOException(target + ": no JPEG writer available");
        }
        javax.imageio.ImageWriter writer = writers.next();
        try {
            javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            javax.imageio.metadata.IIOMetadata meta = fullChroma(writer, img, param);
            AtomicFiles.write(target, tmp -> {
                try (var out = ImageIO.createImageOutputStream(tmp.toFile())) {
                    writer.setOutput(out);
                    writer.write(null, new javax.imageio.IIOImage(img, null, meta), param);
                }
            });
        } finally {
            writer.dispose();
        }
    }
}
