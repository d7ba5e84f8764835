package io.github.blurdm.runtime.ops;

/** {@link DepthwiseConv2dCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class DepthwiseConv2dTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return DepthwiseConv2dCases.INSTANCE;
    }
}
