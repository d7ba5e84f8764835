package io.github.blurdm.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Removes the hidden temporary files ({@code .NAME.HEX.tmp}) that an attempt killed in the middle of a
 * write leaves beside its output: an executor lost, a JVM killed. A task that merely fails or is cancelled
 * removes its own; this sweep, run by the driver after the job, catches the rest. Only the temporary files
 * of this job's outputs are touched.
 */
final class TemporaryFiles {
    private static final Pattern TEMP = Pattern.compile("\\.(.+)\\.[0-9a-f]{1,16}\\.tmp");

    private TemporaryFiles() {
    }

    /** @return how many were removed */
    static int sweep(List<ImageItem> items, Configuration conf) throws IOException {
        Map<String, Set<String>> namesByFolder = new LinkedHashMap<>();
        for (ImageItem it : items) {
            if (it.output() != null) {
                Path o = HadoopFiles.path(it.output());
                namesByFolder.computeIfAbsent(HadoopFiles.uri(o.getParent()), k -> new HashSet<>()).add(o.getName());
            }
        }
        int removed = 0;
        for (Map.Entry<String, Set<String>> e : namesByFolder.entrySet()) {
            Path folder = HadoopFiles.path(e.getKey());
            FileSystem fs = folder.getFileSystem(conf);
            FileStatus[] files;
            try {
                files = fs.listStatus(folder);
            } catch (FileNotFoundException ex) {
                continue;
            }
            for (FileStatus f : files) {
                Matcher m = TEMP.matcher(f.getPath().getName());
                if (f.isFile() && m.matches() && e.getValue().contains(m.group(1)) && fs.delete(f.getPath(), false)) {
                    removed++;
                }
            }
        }
        return removed;
    }
}
