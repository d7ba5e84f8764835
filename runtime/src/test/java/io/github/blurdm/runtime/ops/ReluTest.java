package io.github.blurdm.runtime.ops;

/** {@link ReluCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class ReluTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return ReluCases.INSTANCE;
    }
}
