package io.github.blurdm.runtime.ops;

/** {@link UpsampleNearest2Cases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class UpsampleNearest2Test extends OpParityTest {
    @Override
    protected OpCases cases() {
        return UpsampleNearest2Cases.INSTANCE;
    }
}
