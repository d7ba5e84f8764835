package io.github.blurdm.runtime.ops;

/** {@link ConcatCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class ConcatTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return ConcatCases.INSTANCE;
    }
}
