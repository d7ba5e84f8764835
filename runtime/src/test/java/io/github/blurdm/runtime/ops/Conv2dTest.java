package io.github.blurdm.runtime.ops;

/** {@link Conv2dCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class Conv2dTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return Conv2dCases.INSTANCE;
    }
}
