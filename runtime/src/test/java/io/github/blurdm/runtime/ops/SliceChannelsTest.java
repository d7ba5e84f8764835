package io.github.blurdm.runtime.ops;

/** {@link SliceChannelsCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class SliceChannelsTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return SliceChannelsCases.INSTANCE;
    }
}
