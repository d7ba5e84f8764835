package io.github.blurdm.runtime.ops;

/** {@link FsasAttentionCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class FsasAttentionTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return FsasAttentionCases.INSTANCE;
    }
}
