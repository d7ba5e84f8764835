package io.github.blurdm.runtime.ops;

/** {@link GlobalAvgPoolCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class GlobalAvgPoolTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return GlobalAvgPoolCases.INSTANCE;
    }
}
