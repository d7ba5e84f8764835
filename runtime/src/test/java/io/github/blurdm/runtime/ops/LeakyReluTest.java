package io.github.blurdm.runtime.ops;

/** {@link LeakyReluCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class LeakyReluTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return LeakyReluCases.INSTANCE;
    }
}
