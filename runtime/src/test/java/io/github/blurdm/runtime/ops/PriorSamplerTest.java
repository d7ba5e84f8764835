package io.github.blurdm.runtime.ops;

/** {@link PriorSamplerCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class PriorSamplerTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return PriorSamplerCases.INSTANCE;
    }
}
