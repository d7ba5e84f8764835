package io.github.blurdm.runtime.ops;

/** {@link PatchFftFilterCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class PatchFftFilterTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return PatchFftFilterCases.INSTANCE;
    }

    /** The official code's patch split needs no remainder (the fixture script checks it refuses one): so does the op. */
    @org.junit.jupiter.api.Test
    void refusesMapsThatAreNotWholePatches() {
        for (int[] shape : new int[][] {{1, 2, 12, 8}, {1, 2, 8, 20}}) {
            io.github.blurdm.runtime.Tensor x = io.github.blurdm.runtime.Tensor.zeros(shape);
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new io.github.blurdm.runtime.Ops(CpuVariants.SCALAR.backend()).patchFftFilter(x,
                            io.github.blurdm.runtime.Tensor.zeros(2, 8, 5)));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("patch_fft_filter")
                    && e.getMessage().contains("multiples of 8") && e.getMessage().contains(shape[2] + "x" + shape[3]),
                    e.getMessage());
        }
    }
}
