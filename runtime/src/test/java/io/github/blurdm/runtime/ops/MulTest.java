package io.github.blurdm.runtime.ops;

/** {@link MulCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class MulTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return MulCases.INSTANCE;
    }
}
