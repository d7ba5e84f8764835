package io.github.blurdm.runtime.ops;

/** {@link PixelUnshuffleCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class PixelUnshuffleTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return PixelUnshuffleCases.INSTANCE;
    }
}
