package io.github.blurdm.runtime.ops;

/** {@link LinearCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class LinearTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return LinearCases.INSTANCE;
    }
}
