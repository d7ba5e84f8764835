package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#PATCH_FFT_FILTER}, from {@code fixtures/patch_fft_filter.safetensors}: FFTformer's DFFN filter computed by torch.fft (rfft2 of each 8x8 patch x filter, irfft2): x [N,C,H,W], filter [C,8,5]; one patch, one patch row or column, batch 2, the official all-ones filter, a filter symmetric in u (nothing dropped), an FFTformer shape. Shared by
 * {@link PatchFftFilterTest} and the benchmarks. Stateless; thread-safe.
 */
public final class PatchFftFilterCases implements OpCases {
    public static final PatchFftFilterCases INSTANCE = new PatchFftFilterCases();

    private PatchFftFilterCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.PATCH_FFT_FILTER;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.patchFftFilter(out, in[0], in[1]);
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        return ops.patchFftFilter(in[0], in[1]);
    }
}
