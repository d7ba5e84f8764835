package io.github.blurdm.runtime.ops;

/** {@link ChannelAffineCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class ChannelAffineTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return ChannelAffineCases.INSTANCE;
    }
}
