package io.github.blurdm.runtime.ops;

/** {@link AddCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class AddTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return AddCases.INSTANCE;
    }
}
