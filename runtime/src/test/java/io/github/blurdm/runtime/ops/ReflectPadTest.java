package io.github.blurdm.runtime.ops;

/** {@link ReflectPadCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class ReflectPadTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return ReflectPadCases.INSTANCE;
    }
}
