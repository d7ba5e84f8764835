package io.github.blurdm.spark;

import io.github.blurdm.blurdm.Deblurrer;
import io.github.blurdm.blurdm.pipeline.Images;
import io.github.blurdm.blurdm.pipeline.DeblurPipeline;
import io.github.blurdm.runtime.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.hadoop.conf.Configuration;

/**
 * Deblurs one image in a task, as {@code blurdm deblur} does one input: read with {@link Images#read}
 * (EXIF turned, 16-bit reduced, grayscale replicated, alpha kept apart), deblurred by the executor's
 * engine, written with {@link Images#writePng} or {@link Images#writeJpeg} (atomically), so the output is
 * byte for byte the command's. Whatever goes wrong with the image (unreadable, truncated, not an image,
 * too small, out of memory, not writable) becomes its row's error, naming the file; only an engine that
 * cannot start fails the task.
 */
final class ImageWork {
    private final JobSettings settings;
    private final Configuration conf;
    private final Path workDir;
    private final Supplier<ExecutorEngines.Lease> engine;

    /**
     * @param workDir local folder for copies of files on other file systems
     * @param engine  the executor's engine, acquired on the first call (a run that skips everything
     *                loads no model)
     */
    ImageWork(JobSettings settings, Configuration conf, Path workDir, Supplier<ExecutorEngines.Lease> engine) {
        this.settings = settings;
        this.conf = conf;
        this.workDir = workDir;
        this.engine = engine;
    }

    ResultTable.Result process(ImageItem item) {
        String name = HadoopFiles.display(item.input());
        ResultTable.Result r = new ResultTable.Result(name, item.output() == null ? null
                : HadoopFiles.display(item.output()));
        if (item.failure() != null) {
            return r.fail(item.failure());
        }
        org.apache.hadoop.fs.Path in = HadoopFiles.path(item.input());
        org.apache.hadoop.fs.Path out = HadoopFiles.path(item.output());
        Path localIn = null;
        try {
            if (settings.skipExisting() && HadoopFiles.exists(out, conf)) {
                return skipped(item, out, r);
            }
            long t0 = System.nanoTime();
            if (!HadoopFiles.exists(in, conf)) {
                return r.fail(name + ": no such file");
            }
            localIn = HadoopFiles.fetch(in, conf, workDir);
            Deblurred d = deblur(localIn, name);
            Path written;
            try {
                written = HadoopFiles.writeAtomically(out, conf, workDir, target -> {
                    if (settings.jpeg()) {
                        Images.writeJpeg(Images.fromRgb(d.rgb), target, settings.quality());
                    } else {
                        Images.writePng(Images.fromRgb(d.rgb, d.alpha), target);
                    }
                });
            } catch (IOException e) {
                throw new IOException(name + ": cannot write " + r.output + ": " + e, e);
            }
            r.status = ResultTable.OK;
            r.seconds = (System.nanoTime() - t0) / 1e9;
            r.width = d.rgb.dim(1);
            r.height = d.rgb.dim(0);
            r.backend = d.backend;
            if (item.gt() != null) {
                measure(written, item, r);
            }
            return r;
        } catch (IOException e) {
            return r.fail(named(e.getMessage(), localIn, name));
        } catch (OutOfMemoryError e) {
            return r.fail(name + ": out of memory (" + e.getMessage() + "); try --tile 512 or a larger executor "
                    + "heap (spark.executor.memory)");
        } catch (EngineUnavailableException e) {
            throw e;
        } catch (RuntimeException e) {
            return r.fail(named(name + ": " + e.getMessage(), localIn, name));
        }
    }

    private record Deblurred(Tensor rgb, byte[] alpha, String backend) {
    }

    private Deblurred deblur(Path localIn, String name) throws IOException {
        BufferedImage img = Images.read(localIn);
        Tensor rgb;
        byte[] alpha;
        try {
            rgb = Images.toRgb(img);
            alpha = Images.alpha(img);
        } catch (RuntimeException e) {
            throw new IOException(name + ": cannot convert this image to RGB: " + e.getMessage(), e);
        }
        ExecutorEngines.Lease lease = engine.get();
        lease.beforeImage((long) rgb.dim(0) * rgb.dim(1));
        Deblurrer d = lease.deblurrer();
        try {
            return new Deblurred(d.deblur(rgb, null, DeblurPipeline.Progress.NONE), alpha, d.backendName());
        } catch (IllegalArgumentException e) {
            throw new IOException(name + ": " + e.getMessage(), e);
        }
    }

    /** The output exists: left alone; its size from its header and, with --gt, its metrics. */
    private ResultTable.Result skipped(ImageItem item, org.apache.hadoop.fs.Path out, ResultTable.Result r)
            throws IOException {
        r.status = ResultTable.SKIPPED;
        int[] size = headerSize(out);
        if (size != null) {
            r.width = size[0];
            r.height = size[1];
        }
        if (item.gt() != null) {
            measure(HadoopFiles.fetch(out, conf, workDir), item, r);
        }
        return r;
    }

    private void measure(Path written, ImageItem item, ResultTable.Result r) throws IOException {
        Path gt = HadoopFiles.fetch(HadoopFiles.path(item.gt()), conf, workDir);
        GroundTruthMetrics.Measured m = GroundTruthMetrics.measure(written, gt, r.output, HadoopFiles.display(item.gt()));
        if (m.error() == null) {
            r.psnr = m.psnr();
            r.ssim = m.ssim();
        } else {
            r.error = m.error();
        }
    }

    /** Width and height from the image's header, reading no pixels; null when it cannot be read. */
    private int[] headerSize(org.apache.hadoop.fs.Path p) throws IOException {
        try (InputStream s = p.getFileSystem(conf).open(p); ImageInputStream iis = ImageIO.createImageInputStream(s)) {
            var readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        }
    }

    /** A message naming the local copy of a remote input names the input instead. */
    private static String named(String message, Path localCopy, String name) {
        if (message == null) {
            return name + ": failed";
        }
        return localCopy == null || name.equals(localCopy.toString()) ? message : message.replace(localCopy.toString(), name);
    }
}
