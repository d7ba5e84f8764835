package io.github.blurdm.runtime.ops;

/** {@link ConvTranspose2dCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class ConvTranspose2dTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return ConvTranspose2dCases.INSTANCE;
    }
}
