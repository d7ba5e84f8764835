package io.github.blurdm.runtime.ops;

/** {@link ResizeBilinearCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class ResizeBilinearTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return ResizeBilinearCases.INSTANCE;
    }
}
