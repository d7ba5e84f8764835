package io.github.blurdm.spark;

import io.github.blurdm.runtime.BackendChoice;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The device and CPU threads a task's engine runs with, from what Spark gave the task.
 *
 * <p>GPU: with {@code spark.task.resource.gpu.amount} set, Spark assigns each task GPU addresses
 * ({@link TaskContext#resources()}); the engine runs on the first one, as a CUDA device number. Tasks given
 * the same GPU (an amount below 1) share that GPU's engine.
 *
 * <p>CPU: an executor's tasks share one engine, and a {@code Deblurrer} runs one image at a time, so the
 * engine gets the cores of all of the executor's task slots (slots x {@code spark.task.cpus}, which is
 * {@code spark.executor.cores}; in local mode the N of {@code local[N]}): each image runs on every core the
 * executor was given while its tasks take turns, and the others' reading, decoding and writing overlaps it.
 * With {@code spark.task.cpus} = {@code spark.executor.cores}, one task at a time runs on that many threads.
 * One engine per executor keeps one copy of the weights and one set of working buffers, where an engine per
 * slot would multiply the memory by the number of slots. {@code --threads} overrides the count.
 *
 * @param backend    the backend asked for (AUTO still falls back to the CPU when CUDA is not usable)
 * @param cudaDevice the CUDA device number (0 without a GPU assignment)
 * @param cpuThreads CPU backend threads
 * @param gpuAssigned whether Spark assigned this task a GPU
 */
record TaskSlot(BackendChoice backend, int cudaDevice, int cpuThreads, boolean gpuAssigned) {
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?])?");
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*\\d+\\s*,\\s*(\\d+)\\s*,.*]");

    /** The slot of the task running on this thread. */
    static TaskSlot current(JobSettings settings) {
        TaskContext tc = TaskContext.get();
        if (tc == null) {
            throw new IllegalStateException("not inside a Spark task");
        }
        Map<String, ResourceInformation> res = tc.resourcesJMap();
        ResourceInformation gpu = res.get("gpu");
        List<String> gpus = gpu == null ? List.of() : List.of(gpu.addresses());
        return choose(settings.backendChoice(), gpus, tc.cpus(), executorCores(SparkEnv.get().conf()),
                settings.threads());
    }

    /**
     * @param gpuAddresses    what Spark assigned the task ("0", "3"), empty without GPU scheduling
     * @param taskCpus        {@code spark.task.cpus}
     * @param executorCores   the executor's cores (see {@link #executorCores})
     * @param threadsOverride {@code --threads}, 0 when not given
     */
    static TaskSlot choose(BackendChoice backend, List<String> gpuAddresses, int taskCpus, int executorCores,
            int threadsOverride) {
        int threads = threadsOverride > 0 ? threadsOverride : Math.max(Math.max(1, taskCpus), executorCores);
        boolean useGpu = !gpuAddresses.isEmpty() && (backend == BackendChoice.AUTO || backend == BackendChoice.CUDA);
        int device = useGpu ? cudaDeviceNumber(gpuAddresses.get(0)) : 0;
        return new TaskSlot(backend, device, threads, useGpu);
    }

    /** A GPU address as a CUDA device number; discovery scripts print nvidia-smi's indices ("0", "1" ...). */
    static int cudaDeviceNumber(String address) {
        try {
            int n = Integer.parseInt(address.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // message below
        }
        throw new IllegalStateException("GPU address '" + address + "' assigned by Spark is not a CUDA device "
                + "number; the GPU discovery script must print device indices (0, 1, ...), as Spark's "
                + "getGpusResources.sh does");
    }

    /**
     * The cores an executor was given: {@code spark.executor.cores} when set; in local mode the N of
     * {@code local[N]} ({@code local[*]}: the machine's processors, {@code local}: 1); else (a standalone
     * executor takes a whole worker by default) the processors this JVM sees.
     */
    static int executorCores(SparkConf conf) {
        String cores = conf.get("spark.executor.cores", null);
        if (cores != null && !cores.isBlank()) {
            return Integer.parseInt(cores.trim());
        }
        return coresOfMaster(conf.get("spark.master", ""), Runtime.getRuntime().availableProcessors());
    }

    static int coresOfMaster(String master, int processors) {
        String m = master.trim().toLowerCase(Locale.ROOT);
        Matcher local = LOCAL.matcher(m);
        if (local.matches()) {
            String n = local.group(1);
            return n == null ? 1 : n.equals("*") ? processors : Integer.parseInt(n);
        }
        Matcher cluster = LOCAL_CLUSTER.matcher(m);
        if (cluster.matches()) {
            return Integer.parseInt(cluster.group(1));
        }
        return processors;
    }

    /** "cpu, 2 threads" or "GPU 1". */
    String describe() {
        return gpuAssigned ? "GPU " + cudaDevice : backend.id() + ", " + cpuThreads + " CPU threads";
    }
}
