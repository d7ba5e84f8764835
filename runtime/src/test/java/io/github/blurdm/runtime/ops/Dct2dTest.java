package io.github.blurdm.runtime.ops;

/** {@link Dct2dCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class Dct2dTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return Dct2dCases.INSTANCE;
    }
}
