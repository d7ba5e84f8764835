package io.github.blurdm.runtime.ops;

/** {@link AttentionCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class AttentionTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return AttentionCases.INSTANCE;
    }
}
