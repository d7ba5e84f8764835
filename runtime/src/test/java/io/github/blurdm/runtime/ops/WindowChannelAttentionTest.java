package io.github.blurdm.runtime.ops;

/** {@link WindowChannelAttentionCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class WindowChannelAttentionTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return WindowChannelAttentionCases.INSTANCE;
    }
}
