package io.github.blurdm.runtime.ops;

import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import java.util.List;

/**
 * The parity cases of {@link Op#RESIZE_BILINEAR}, from {@code fixtures/resize_bilinear.safetensors}:
 * resize_bilinear (align_corners=False): x; by scale factor (0.25 .. 2) and by size; ratios as PyTorch
 * computes them. Shared by {@link ResizeBilinearTest} and the benchmarks. Stateless; thread-safe.
 */
public final class ResizeBilinearCases implements OpCases {
    public static final ResizeBilinearCases INSTANCE = new ResizeBilinearCases();

    private ResizeBilinearCases() {
    }

    /** Every case of the fixture. */
    public static List<FixtureCase> all() {
        return INSTANCE.cases();
    }

    @Override
    public Op op() {
        return Op.RESIZE_BILINEAR;
    }

    @Override
    public void run(Backend b, Tensor out, Tensor[] in, FixtureCase c) {
        b.resizeBilinear(out, in[0], c.floatParam("ratio_h"), c.floatParam("ratio_w"));
    }

    @Override
    public Tensor runAllocating(Ops ops, Tensor[] in, FixtureCase c) {
        double sf = c.doubleParam("scale_factor");
        return sf > 0 ? ops.resizeBilinear(in[0], sf)
                : ops.resizeBilinear(in[0], c.intParam("out_h"), c.intParam("out_w"));
    }

    @Override
    public String paramString(FixtureCase c) {
        double sf = c.doubleParam("scale_factor");
        return (sf > 0 ? "scale=" + sf : "size=" + c.intParam("out_h") + "x" + c.intParam("out_w")) + ",ratio="
                + c.floatParam("ratio_h") + "x" + c.floatParam("ratio_w");
    }
}
