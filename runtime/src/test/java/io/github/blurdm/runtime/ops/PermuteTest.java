package io.github.blurdm.runtime.ops;

/** {@link PermuteCases} against PyTorch on the CPU backend (vector and scalar); see {@link OpParityTest}. */
class PermuteTest extends OpParityTest {
    @Override
    protected OpCases cases() {
        return PermuteCases.INSTANCE;
    }
}
