package io.github.blurdm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.runtime.cuda.CudaSupport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Backend choice: AUTO falls back to the CPU with a reason when CUDA is unusable; overrides parse. */
class BackendChoiceTest {

    @Test
    void autoPicksCpuWithAReasonWhenCudaIsUnusable() {
        CudaSupport.Status s = Backends.cudaStatus();
        System.out.println("[BackendChoiceTest] CUDA usable: " + s.usable() + (s.usable() ? "" : "; reason: " + s.reason()));
        try (Backend b = Backends.create(BackendChoice.AUTO)) {
            if (s.usable()) {
                assertEquals("cuda:0", b.name());
                assertEquals("", Backends.autoReason());
            } else {
                assertEquals("cpu", b.name(), "AUTO without a usable CUDA must give the CPU");
                assertFalse(s.reason().isBlank(), "the fallback must say why");
                assertEquals(s.reason(), Backends.autoReason());
                assertEquals("cpu", Backends.autoChoice());
            }
        }
        // The verdict is detected once and cached.
        assertTrue(Backends.cudaStatus() == CudaSupport.status());
    }

    @Test
    void cudaChoiceFailsClearlyWhenUnusable() {
        if (CudaSupport.usable()) {
            System.out.println("[BackendChoiceTest] CUDA is usable here; the unusable-CUDA error is not exercised");
            return;
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.create(BackendChoice.CUDA));
        assertTrue(e.getMessage().contains("cuda") && e.getMessage().contains(CudaSupport.status().reason()),
                e.getMessage());
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> Backends.create("cuda"));
        assertTrue(e2.getMessage().contains("not usable"), e2.getMessage());
    }

    @Test
    void probeReportsEveryBackend() {
        List<BackendStatus> p = Backends.probe();
        assertEquals(List.of("cpu", "cuda", "cuda-emulated"), p.stream().map(BackendStatus::name).toList());
        BackendStatus cuda = p.get(1);
        System.out.println("[BackendChoiceTest] probe: " + p);
        assertTrue(cuda.detail().contains("kernel cache"), cuda.detail());
        assertEquals(CudaSupport.usable(), cuda.available());
        BackendStatus emulated = p.get(2);
        assertEquals(CudaSupport.emulatorStatus().usable(), emulated.available());
        assertTrue(emulated.detail().contains(emulated.available() ? "g++" : CudaSupport.emulatorStatus().reason()),
                emulated.detail());
    }

    @Test
    void theEmulatedDeviceIsChosenByName() {
        assertEquals(BackendChoice.CUDA_EMULATED, BackendChoice.parse("CUDA-Emulated", "test"));
        assertEquals("cuda-emulated", BackendChoice.CUDA_EMULATED.id());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendChoice.parse("gpu", "--backend"));
        assertTrue(e.getMessage().contains("cuda-emulated") && e.getMessage().contains("--backend"), e.getMessage());
        CudaSupport.EmulatorStatus s = CudaSupport.emulatorStatus();
        if (s.usable()) {
            try (Backend b = Backends.create(BackendChoice.CUDA_EMULATED)) {
                assertEquals("cuda:0 (emulated)", b.name());
            }
        } else {
            IllegalStateException why = assertThrows(IllegalStateException.class,
                    () -> Backends.create(BackendChoice.CUDA_EMULATED));
            assertTrue(why.getMessage().contains(s.reason()), why.getMessage());
        }
    }

    @Test
    void choiceParsesPropertyAndRejectsNonsense() {
        String old = System.getProperty(BackendChoice.PROPERTY);
        try {
            System.setProperty(BackendChoice.PROPERTY, "CpU");
            assertEquals(BackendChoice.CPU, BackendChoice.configured());
            try (Backend b = Backends.createDefault()) {
                assertEquals("cpu", b.name());
            }
            System.setProperty(BackendChoice.PROPERTY, "tpu");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, BackendChoice::configured);
            assertTrue(e.getMessage().contains("blurdm.backend") && e.getMessage().contains("tpu"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(BackendChoice.PROPERTY);
            } else {
                System.setProperty(BackendChoice.PROPERTY, old);
            }
        }
        assertEquals(BackendChoice.AUTO, BackendChoice.parse(" auto ", "x"));
    }
}
