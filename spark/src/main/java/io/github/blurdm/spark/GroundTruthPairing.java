package io.github.blurdm.spark;

import io.github.blurdm.blurdm.cli.CliFileNames;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Gives each output the ground-truth file {@code blurdm eval --pred OUT --gt GT} would measure it against
 * ({@link CliFileNames#evalPairs}: equal file names, then names equal without their extension, one on each
 * side). Outputs in a sub-folder of {@code --out} (from {@code --recursive}) pair with the same sub-folder
 * of {@code --gt}. Runs on the driver: one listing per output folder.
 */
final class GroundTruthPairing {
    private GroundTruthPairing() {
    }

    /**
     * @return the items, those with a ground truth carrying it
     */
    static List<ImageItem> pair(List<ImageItem> items, Path out, Path gt, Configuration conf) throws IOException {
        Map<String, List<Integer>> byFolder = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            ImageItem it = items.get(i);
            if (it.output() != null && it.failure() == null) {
                byFolder.computeIfAbsent(HadoopFiles.uri(HadoopFiles.path(it.output()).getParent()),
                        k -> new ArrayList<>()).add(i);
            }
        }
        List<ImageItem> paired = new ArrayList<>(items);
        String outRoot = HadoopFiles.uri(out);
        FileSystem fs = gt.getFileSystem(conf);
        for (Map.Entry<String, List<Integer>> e : byFolder.entrySet()) {
            String rel = e.getKey().equals(outRoot) ? "" : e.getKey().substring(outRoot.length() + 1);
            Path gtFolder = rel.isEmpty() ? gt : new Path(gt, rel);
            TreeSet<String> gtNames = names(fs, gtFolder);
            TreeSet<String> predNames = new TreeSet<>();
            for (int i : e.getValue()) {
                predNames.add(HadoopFiles.path(items.get(i).output()).getName());
            }
            SortedMap<String, String> pairs = CliFileNames.evalPairs(predNames, gtNames);
            for (int i : e.getValue()) {
                String gtName = pairs.get(HadoopFiles.path(items.get(i).output()).getName());
                if (gtName != null) {
                    paired.set(i, items.get(i).withGroundTruth(HadoopFiles.uri(new Path(gtFolder, gtName))));
                }
            }
        }
        return paired;
    }

    /** The non-hidden regular files of a folder, as eval lists them; none when it does not exist. */
    private static TreeSet<String> names(FileSystem fs, Path folder) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        try {
            for (FileStatus f : fs.listStatus(folder)) {
                String n = f.getPath().getName();
                if (f.isFile() && !n.startsWith(".")) {
                    names.add(n);
                }
            }
        } catch (FileNotFoundException e) {
            // no such folder: nothing to pair with
        }
        return names;
    }
}
