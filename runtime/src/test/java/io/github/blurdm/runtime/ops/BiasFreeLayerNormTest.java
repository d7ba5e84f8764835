package io.github.blurdm.runtime.ops;

/** {@link BiasFreeLayerNormCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class BiasFreeLayerNormTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return BiasFreeLayerNormCases.INSTANCE;
    }
}
