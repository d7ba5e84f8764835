package io.github.blurdm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.runtime.BackendChoice;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/**
 * Which device and how many threads a task's engine gets. (Spark's local mode schedules no GPU resources,
 * so the TaskContext side is not exercised here; it is one call, {@code TaskContext.resourcesJMap()}.)
 */
class TaskSlotTest {
    @Test
    void aTaskWithAGpuRunsOnThatDevice() {
        TaskSlot s = TaskSlot.choose(BackendChoice.AUTO, List.of("3"), 1, 8, 0);
        assertTrue(s.gpuAssigned());
        assertEquals(3, s.cudaDevice());
        assertEquals("GPU 3", s.describe());
        assertEquals(1, TaskSlot.choose(BackendChoice.CUDA, List.of("1", "2"), 1, 8, 0).cudaDevice(), "the first of two");
    }

    @Test
    void theCpuOrTheEmulatorIgnoresAGpuAssignment() {
        for (BackendChoice b : List.of(BackendChoice.CPU, BackendChoice.CUDA_EMULATED)) {
            TaskSlot s = TaskSlot.choose(b, List.of("1"), 1, 4, 0);
            assertFalse(s.gpuAssigned(), b.id());
            assertEquals(0, s.cudaDevice());
        }
    }

    @Test
    void cpuThreadsAreTheExecutorsCoresUnlessOverridden() {
        assertEquals(8, TaskSlot.choose(BackendChoice.CPU, List.of(), 2, 8, 0).cpuThreads());
        assertEquals(4, TaskSlot.choose(BackendChoice.CPU, List.of(), 4, 4, 0).cpuThreads());
        assertEquals(4, TaskSlot.choose(BackendChoice.CPU, List.of(), 4, 1, 0).cpuThreads(), "never below spark.task.cpus");
        assertEquals(3, TaskSlot.choose(BackendChoice.CPU, List.of(), 1, 8, 3).cpuThreads(), "--threads");
        assertEquals("cpu, 8 CPU threads", TaskSlot.choose(BackendChoice.CPU, List.of(), 1, 8, 0).describe());
    }

    @Test
    void executorCoresFromTheConfOrTheMaster() {
        assertEquals(2, TaskSlot.coresOfMaster("local[2]", 16));
        assertEquals(3, TaskSlot.coresOfMaster("local[3,2]", 16));
        assertEquals(16, TaskSlot.coresOfMaster("local[*]", 16));
        assertEquals(16, TaskSlot.coresOfMaster("local[*, 4]", 16));
        assertEquals(1, TaskSlot.coresOfMaster("local", 16));
        assertEquals(2, TaskSlot.coresOfMaster("local-cluster[2, 2, 1024]", 16));
        assertEquals(16, TaskSlot.coresOfMaster("yarn", 16));
        assertEquals(5, TaskSlot.executorCores(new SparkConf(false).set("spark.master", "yarn")
                .set("spark.executor.cores", "5")));
        assertEquals(2, TaskSlot.executorCores(new SparkConf(false).set("spark.master", "local[2]")));
    }

    @Test
    void aGpuAddressThatIsNoDeviceNumberIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TaskSlot.choose(BackendChoice.AUTO, List.of("GPU-8c3f"), 1, 1, 0));
        assertTrue(e.getMessage().contains("GPU address 'GPU-8c3f'"), e.getMessage());
    }
}
