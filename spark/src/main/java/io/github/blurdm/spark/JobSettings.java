package io.github.blurdm.spark;

import io.github.blurdm.blurdm.Origin;
import io.github.blurdm.blurdm.backbone.Backbone;
import io.github.blurdm.runtime.BackendChoice;
import java.io.Serializable;

/**
 * What every task needs to know about the job, shipped to the executors with the task. Paths are
 * strings (Hadoop paths or URIs: local, {@code hdfs://}, {@code s3a://}) because executors resolve
 * them on their own machines.
 *
 * @param weights      the model weights as given ({@code --weights}); executors find them locally, among
 *                     the files shipped with {@code --files}, or copy them from a Hadoop file system
 * @param prior        the prior generator in a separate file, or null
 * @param conventions  {@code original} or {@code blurdm} to override the file's conventions, or null
 * @param architecture the backbone family to read the weights as ({@code --architecture}), or null for the file's
 * @param seed         the prior's noise seed
 * @param backend      auto, cpu, cuda or cuda-emulated
 * @param tile         tile side, 0 = automatic
 * @param overlap      tile overlap
 * @param threads      CPU threads of each executor's engine, or 0 for the executor's cores
 * @param format       png or jpg
 * @param quality      JPEG quality (1-100)
 * @param skipExisting leave images whose output exists alone
 */
record JobSettings(String weights, String prior, String conventions, String architecture, long seed, String backend, int tile,
        int overlap, int threads, String format, int quality, boolean skipExisting) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** JPEG quality without {@code --quality}, as {@code blurdm deblur}. */
    static final int DEFAULT_QUALITY = 95;

    BackendChoice backendChoice() {
        return BackendChoice.parse(backend, "--backend");
    }

    /** The override, or null to follow the weights file. */
    Origin origin() {
        return conventions == null ? null : Origin.parse(conventions, "--conventions");
    }

    /** The override, or null to follow the weights file. */
    Backbone backbone() {
        return architecture == null ? null : Backbone.parse(architecture, "--architecture");
    }

    boolean jpeg() {
        return format.equals("jpg");
    }
}
