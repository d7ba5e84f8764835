package io.github.blurdm.runtime.ops;

/** {@link GeluCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class GeluTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return GeluCases.INSTANCE;
    }
}
