package io.github.blurdm.runtime.ops;

/** {@link GeluGateCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class GeluGateTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return GeluGateCases.INSTANCE;
    }
}
