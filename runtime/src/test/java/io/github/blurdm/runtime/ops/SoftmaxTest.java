package io.github.blurdm.runtime.ops;

/** {@link SoftmaxCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class SoftmaxTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return SoftmaxCases.INSTANCE;
    }
}
