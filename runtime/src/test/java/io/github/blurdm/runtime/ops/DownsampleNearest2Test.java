package io.github.blurdm.runtime.ops;

/** {@link DownsampleNearest2Cases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class DownsampleNearest2Test extends OpParityTest {
    @Override
    protected OpCases cases() {
        return DownsampleNearest2Cases.INSTANCE;
    }
}
