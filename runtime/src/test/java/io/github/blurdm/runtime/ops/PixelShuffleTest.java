package io.github.blurdm.runtime.ops;

/** {@link PixelShuffleCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class PixelShuffleTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return PixelShuffleCases.INSTANCE;
    }
}
