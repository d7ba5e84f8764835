package io.github.blurdm.runtime.ops;

/** {@link LayerNormCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class LayerNormTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return LayerNormCases.INSTANCE;
    }
}
