package io.github.blurdm.blurdm.pipeline;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * A JPEG's EXIF orientation (tag 274): cameras and phones store the sensor's pixels and record how
 * to turn them. Viewers apply it; a PNG written from the stored pixels would show sideways. The
 * image is turned upright on reading, as {@code cv2.imread} and PIL's {@code exif_transpose} do.
 */
final class ExifOrientation {
    private ExifOrientation() {
    }

    /** The orientation (1-8) in the file's first EXIF segment; 1 when there is none or it is unreadable. */
    static int of(Path jpeg) {
        try (ImageInputStream in = ImageIO.createImageInputStream(jpeg.toFile())) {
            if (in == null) {
                return 1;
            }
            for (JPEGSegment s : JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif")) {
                InputStream data = s.data(); // after "Exif\0"; then one pad byte
                if (data.read() < 0) {
                    continue;
                }
                Directory exif = new TIFFReader().read(new MemoryCacheImageInputStream(data));
                Entry e = exif.getEntryById(TIFF.TAG_ORIENTATION);
                if (e != null && e.getValue() instanceof Number n && n.intValue() >= 1 && n.intValue() <= 8) {
                    return n.intValue();
                }
                return 1;
            }
        } catch (IOException | RuntimeException e) {
            // a damaged EXIF block does not make the picture unreadable: viewers show it as stored
        }
        return 1;
    }

    /** {@code img} turned upright for EXIF orientation {@code o} (itself when o is 1). */
    static BufferedImage apply(BufferedImage img, int o) {
        if (o <= 1 || o > 8) {
            return img;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        boolean swap = o >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        ColorModel cm = img.getColorModel();
        WritableRaster dst = cm.createCompatibleWritableRaster(ow, oh);
        Raster src = img.getRaster();
        int bands = src.getNumBands();
        int[] row = new int[w * bands];
        int[] px = new int[bands];
        for (int y = 0; y < h; y++) {
            src.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                // where stored pixel (x, y) lands in the upright image
                int dx;
                int dy;
                switch (o) {
                    case 2 -> { dx = w - 1 - x; dy = y; }           // mirrored
                    case 3 -> { dx = w - 1 - x; dy = h - 1 - y; }   // 180 degrees
                    case 4 -> { dx = x; dy = h - 1 - y; }           // flipped
                    case 5 -> { dx = y; dy = x; }                   // transposed
                    case 6 -> { dx = h - 1 - y; dy = x; }           // turn 90 degrees clockwise
                    case 7 -> { dx = h - 1 - y; dy = w - 1 - x; }   // transversed
                    default -> { dx = y; dy = w - 1 - x; }          // 8: turn 90 degrees anticlockwise
                }
                System.arraycopy(row, x * bands, px, 0, bands);
                dst.setPixel(dx, dy, px);
            }
        }
        return new BufferedImage(cm, dst, cm.isAlphaPremultiplied(), null);
    }
}
