package io.github.blurdm.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.Ops;
import io.github.blurdm.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad arguments: every op rejects them with an {@link IllegalArgumentException} whose message names the
 * op and prints the offending shapes as {@code Arrays.toString} does ({@code [2, 3, 7, 9]}).
 */
class OpArgumentsTest {
    private static final Backend B = CpuVariants.SCALAR.backend();
    private static final Ops OPS = new Ops(B);

    private static Tensor t(int... shape) {
        return Tensor.zeros(shape);
    }

    /** Asserts {@code e} throws an IllegalArgumentException whose message contains every one of {@code parts}. */
    private static void bad(Executable e, String... parts) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        String m = ex.getMessage();
        for (String p : parts) {
            assertTrue(m != null && m.contains(p), "message should contain '" + p + "': " + m);
        }
    }

    // ---------------------------------------------------------------- tensors and params

    @Test
    void tensorShapes() {
        bad(() -> Tensor.zeros(-1), "[-1]");
        bad(() -> Tensor.zeros(2, 0, 3), "[2, 0, 3]");
        bad(() -> Tensor.zeros(), "[]");
        bad(() -> Tensor.of(new float[5], 2, 3), "[2, 3]", "5");
        bad(() -> t(2, 3).reshape(4, 2), "[2, 3]", "[4, 2]");
        bad(() -> Parity.poisoned(3, -2), "[3, -2]");
    }

    @Test
    void convParams() {
        bad(() -> new Conv2dParams(0, 1, 0, 0, 1, 1, 1, Activation.NONE), "conv2d", "stride=(0,1)");
        bad(() -> new Conv2dParams(1, 1, -1, 0, 1, 1, 1, Activation.NONE), "conv2d", "pad=(-1,0)");
        bad(() -> Conv2dParams.of(1, 1).withGroups(0), "conv2d", "groups=0");
        bad(() -> Conv2dParams.of(1, 1).withDilation(0), "conv2d", "dilation=(0,0)");
        bad(() -> Conv2dParams.of(1, 1).withActivation(null), "conv2d", "activation");
        bad(() -> ConvTranspose2dParams.of(0, 1), "conv_transpose2d", "stride=(0,0)");
        bad(() -> ConvTranspose2dParams.of(2, 1).withOutputPadding(2, 0), "conv_transpose2d", "output_padding=(2,0)");
        bad(() -> Activation.leakyRelu(Float.NaN), "NaN");
    }

    // ---------------------------------------------------------------- convolutions

    @Test
    void conv2d() {
        Conv2dParams p = Conv2dParams.of(1, 1);
        bad(() -> B.conv2d(t(2, 4, 7, 9), t(2, 3, 7), t(4, 3, 3, 3), null, p), "conv2d", "[2, 3, 7]");
        bad(() -> B.conv2d(t(2, 4, 7, 9), t(2, 3, 7, 9), t(4, 3, 3), null, p), "conv2d", "[4, 3, 3]");
        bad(() -> B.conv2d(t(2, 4, 7, 9), t(2, 3, 7, 9), t(4, 5, 3, 3), null, p), "conv2d", "[2, 3, 7, 9]",
                "[4, 5, 3, 3]");
        bad(() -> B.conv2d(t(1, 4, 5, 5), t(1, 6, 5, 5), t(4, 3, 3, 3), null, p.withGroups(4)), "conv2d",
                "groups=4", "[1, 6, 5, 5]", "[4, 3, 3, 3]");
        bad(() -> B.conv2d(t(1, 5, 5, 5), t(1, 6, 5, 5), t(5, 3, 3, 3), null, p.withGroups(2)), "conv2d",
                "groups=2", "[5, 3, 3, 3]");
        bad(() -> B.conv2d(t(2, 4, 7, 9), t(2, 3, 7, 9), t(4, 3, 3, 3), t(5), p), "conv2d", "[5]", "[4]");
        bad(() -> B.conv2d(t(2, 4, 7, 9), t(2, 3, 7, 9), t(4, 3, 3, 3), t(1, 4), p), "conv2d", "[1, 4]");
        bad(() -> B.conv2d(t(2, 4, 7, 8), t(2, 3, 7, 9), t(4, 3, 3, 3), null, p), "conv2d", "[2, 4, 7, 8]",
                "[2, 4, 7, 9]");
        bad(() -> B.conv2d(t(1, 4, 1, 1), t(1, 3, 2, 2), t(4, 3, 5, 5), null, Conv2dParams.of(1, 0)), "conv2d",
                "[1, 3, 2, 2]");
        bad(() -> B.conv2d(null, t(2, 3, 7, 9), t(4, 3, 3, 3), null, p), "conv2d", "out");
        bad(() -> OPS.conv2d(null, t(4, 3, 3, 3), null, p), "conv2d", "x");
    }

    @Test
    void convTranspose2d() {
        ConvTranspose2dParams p = ConvTranspose2dParams.of(2, 1);
        bad(() -> OPS.convTranspose2d(t(1, 3, 4), t(3, 4, 4, 4), null, p), "conv_transpose2d", "[1, 3, 4]");
        bad(() -> OPS.convTranspose2d(t(1, 3, 4, 4), t(5, 4, 4, 4), null, p), "conv_transpose2d", "[1, 3, 4, 4]",
                "[5, 4, 4, 4]");
        bad(() -> OPS.convTranspose2d(t(1, 3, 4, 4), t(3, 2, 4, 4), null, p.withGroups(2)), "conv_transpose2d",
                "groups=2", "[1, 3, 4, 4]", "[3, 2, 4, 4]");
        bad(() -> OPS.convTranspose2d(t(1, 3, 4, 4), t(3, 4, 4, 4), t(3), p), "conv_transpose2d", "[3]", "[4]");
        bad(() -> B.convTranspose2d(t(1, 4, 8, 7), t(1, 3, 4, 4), t(3, 4, 4, 4), null, p), "conv_transpose2d",
                "[1, 4, 8, 7]", "[1, 4, 8, 8]");
        bad(() -> OPS.convTranspose2d(t(1, 3, 1, 1), t(3, 4, 1, 1), null, ConvTranspose2dParams.of(1, 1)),
                "conv_transpose2d", "[1, 3, 1, 1]");
    }

    // ---------------------------------------------------------------- elementwise

    @Test
    void unary() {
        bad(() -> B.relu(t(3, 2), t(2, 3)), "relu", "[3, 2]", "[2, 3]");
        bad(() -> B.relu(t(2, 3), null), "relu", "x");
        bad(() -> B.leakyRelu(t(6), t(2, 3), 0.1f), "leaky_relu", "[6]", "[2, 3]");
        bad(() -> B.gelu(t(2, 3, 1), t(2, 3)), "gelu", "[2, 3, 1]", "[2, 3]");
        bad(() -> B.softmax(t(2, 4), t(2, 3)), "softmax", "[2, 4]", "[2, 3]");
        bad(() -> OPS.softmax(null), "softmax");
    }

    @Test
    void binary() {
        bad(() -> OPS.add(t(2, 3), t(3, 2)), "add", "[2, 3]", "[3, 2]");
        bad(() -> B.add(t(2, 2), t(2, 3), t(2, 3)), "add", "[2, 2]", "[2, 3]");
        bad(() -> OPS.mul(t(1, 3, 4, 4), t(1, 3, 4, 5)), "mul", "[1, 3, 4, 4]", "[1, 3, 4, 5]");
        bad(() -> OPS.mul(t(2), null), "mul");
    }

    @Test
    void channelAffine() {
        bad(() -> OPS.channelAffine(t(2, 3, 4, 4), t(2, 4), t(2, 3)), "channel_affine", "[2, 3, 4, 4]", "[2, 4]");
        bad(() -> OPS.channelAffine(t(2, 3, 4, 4), t(2, 3), t(6)), "channel_affine", "[6]");
        bad(() -> OPS.channelAffine(t(3), t(1, 3), t(1, 3)), "channel_affine", "[3]");
        bad(() -> B.channelAffine(t(2, 3, 4, 5), t(2, 3, 4, 4), t(2, 3), t(2, 3)), "channel_affine",
                "[2, 3, 4, 5]", "[2, 3, 4, 4]");
    }

    // ---------------------------------------------------------------- channel plumbing

    @Test
    void concatAndSlice() {
        bad(() -> OPS.concat(t(1, 3, 7, 9), t(1, 5, 7, 8)), "concat", "[1, 3, 7, 9]", "[1, 5, 7, 8]");
        bad(() -> OPS.concat(t(1, 3, 7, 9), t(2, 5, 7, 9)), "concat", "[2, 5, 7, 9]");
        bad(() -> OPS.concat(t(1, 3, 7, 9), t(1, 3, 7)), "concat", "[1, 3, 7]");
        bad(() -> OPS.concat(), "concat");
        bad(() -> OPS.concat(t(3)), "concat", "[3]");
        bad(() -> B.concat(t(1, 7, 2, 2), t(1, 3, 2, 2), t(1, 5, 2, 2)), "concat", "[1, 7, 2, 2]", "[1, 8, 2, 2]");
        bad(() -> OPS.sliceChannels(t(1, 4, 2, 2), 2, 3), "slice_channels", "[1, 4, 2, 2]");
        bad(() -> OPS.sliceChannels(t(1, 4, 2, 2), -1, 2), "slice_channels", "[1, 4, 2, 2]");
        bad(() -> OPS.sliceChannels(t(1, 4, 2, 2), 0, 0), "slice_channels", "[1, 4, 2, 2]");
        bad(() -> B.sliceChannels(t(1, 2, 2, 3), t(1, 4, 2, 2), 1), "slice_channels", "[1, 2, 2, 3]",
                "[1, 2, 2, 2]");
        bad(() -> B.sliceChannels(null, t(1, 4, 2, 2), 1), "slice_channels", "out");
        bad(() -> OPS.split(t(1, 4, 2, 2), 1, 2), "slice_channels", "[1, 2]", "[1, 4, 2, 2]");
    }

    // ---------------------------------------------------------------- resampling

    @Test
    void nearest() {
        bad(() -> OPS.downsampleNearest2(t(1, 3, 1, 5)), "downsample_nearest2", "[1, 3, 1, 5]");
        bad(() -> OPS.downsampleNearest2(t(3, 4, 4)), "downsample_nearest2", "[3, 4, 4]");
        bad(() -> B.downsampleNearest2(t(1, 3, 3, 4), t(1, 3, 7, 7)), "downsample_nearest2", "[1, 3, 3, 4]",
                "[1, 3, 3, 3]");
        bad(() -> OPS.upsampleNearest2(t(3, 4, 4)), "upsample_nearest2", "[3, 4, 4]");
        bad(() -> B.upsampleNearest2(t(1, 3, 8, 7), t(1, 3, 4, 4)), "upsample_nearest2", "[1, 3, 8, 7]",
                "[1, 3, 8, 8]");
    }

    @Test
    void bilinear() {
        bad(() -> B.resizeBilinear(t(1, 4, 3, 3), t(1, 3, 6, 6), 2f, 2f), "resize_bilinear", "[1, 4, 3, 3]",
                "[1, 3, 6, 6]");
        bad(() -> B.resizeBilinear(t(1, 3, 3), t(1, 3, 6, 6), 2f, 2f), "resize_bilinear", "[1, 3, 3]");
        bad(() -> B.resizeBilinear(t(1, 3, 3, 3), t(1, 3, 6, 6), 0f, 2f), "resize_bilinear", "0.0");
        bad(() -> B.resizeBilinear(t(1, 3, 3, 3), t(1, 3, 6, 6), 2f, Float.NaN), "resize_bilinear", "NaN");
        bad(() -> OPS.resizeBilinear(t(1, 1, 3, 3), 0.1), "resize_bilinear", "[1, 1, 3, 3]");
        bad(() -> OPS.resizeBilinear(t(1, 1, 3, 3), -2.0), "resize_bilinear", "-2.0");
        bad(() -> OPS.resizeBilinear(t(1, 1, 3, 3), 0, 4), "resize_bilinear", "[1, 1, 0, 4]");
    }

    @Test
    void pixelShuffles() {
        bad(() -> OPS.pixelUnshuffle(t(1, 3, 6, 5), 2), "pixel_unshuffle", "[1, 3, 6, 5]");
        bad(() -> OPS.pixelUnshuffle(t(1, 3, 6, 6), 0), "pixel_unshuffle", "[1, 3, 6, 6]");
        bad(() -> OPS.pixelUnshuffle(t(3, 6, 6), 2), "pixel_unshuffle", "[3, 6, 6]");
        bad(() -> B.pixelUnshuffle(t(1, 3, 3, 3), t(1, 3, 6, 6), 2), "pixel_unshuffle", "[1, 3, 3, 3]",
                "[1, 12, 3, 3]");
        bad(() -> OPS.pixelShuffle(t(1, 6, 2, 2), 2), "pixel_shuffle", "[1, 6, 2, 2]");
        bad(() -> OPS.pixelShuffle(t(6, 2, 2), 1), "pixel_shuffle", "[6, 2, 2]");
        bad(() -> B.pixelShuffle(t(1, 1, 4, 2), t(1, 4, 2, 2), 2), "pixel_shuffle", "[1, 1, 4, 2]",
                "[1, 1, 4, 4]");
    }

    @Test
    void reflectPad() {
        bad(() -> OPS.reflectPad(t(1, 3, 4, 5), 4, 0, 0, 0), "reflect_pad", "[1, 3, 4, 5]");
        bad(() -> OPS.reflectPad(t(1, 3, 4, 5), 0, 0, 0, 5), "reflect_pad", "[1, 3, 4, 5]");
        bad(() -> OPS.reflectPad(t(1, 3, 1, 5), 0, 1, 0, 0), "reflect_pad", "[1, 3, 1, 5]");
        bad(() -> OPS.reflectPad(t(1, 3, 4, 5), -1, 0, 0, 0), "reflect_pad", "top=-1");
        bad(() -> OPS.reflectPad(t(7), 1, 1, 1, 1), "reflect_pad", "[7]");
        bad(() -> B.reflectPad(t(1, 3, 6, 6), t(1, 3, 4, 5), 1, 1, 1, 1), "reflect_pad", "[1, 3, 6, 6]",
                "[1, 3, 6, 7]");
    }

    @Test
    void globalAvgPool() {
        bad(() -> OPS.globalAvgPool(t(2, 3)), "global_avg_pool", "[2, 3]");
        bad(() -> B.globalAvgPool(t(2, 4), t(2, 3, 5, 5)), "global_avg_pool", "[2, 4]", "[2, 3]");
    }

    // ---------------------------------------------------------------- dense

    @Test
    void linear() {
        bad(() -> OPS.linear(t(2, 5), t(3, 4), null, Activation.NONE), "linear", "[2, 5]", "[3, 4]");
        bad(() -> OPS.linear(t(2, 4), t(12), null, Activation.NONE), "linear", "[12]");
        bad(() -> OPS.linear(t(2, 4), t(3, 4), t(4), Activation.NONE), "linear", "[4]", "[3]");
        bad(() -> B.linear(t(2, 4), t(2, 4), t(3, 4), null, Activation.NONE), "linear", "[2, 4]", "[2, 3]");
    }

    @Test
    void layerNorm() {
        bad(() -> OPS.layerNorm(t(2, 3, 4, 4), t(4), t(3), 1e-5f), "layer_norm", "[4]", "[2, 3, 4, 4]");
        bad(() -> OPS.layerNorm(t(2, 3, 4, 4), t(3), t(1, 3), 1e-5f), "layer_norm", "[1, 3]");
        bad(() -> OPS.layerNorm(t(5), null, null, 1e-5f), "layer_norm", "[5]");
        bad(() -> OPS.layerNorm(t(2, 3), null, null, 0f), "layer_norm", "eps");
        bad(() -> B.layerNorm(t(3, 2), t(2, 3), null, null, 1e-5f), "layer_norm", "[3, 2]", "[2, 3]");
    }

    // ---------------------------------------------------------------- attention, permute

    @Test
    void attentionAndPermute() {
        bad(() -> OPS.attention(t(2, 5, 10), 2), "attention", "[2, 5, 10]", "heads 2");
        bad(() -> OPS.attention(t(2, 5, 12), 5), "attention", "[2, 5, 12]", "heads 5");
        bad(() -> OPS.attention(t(2, 5, 12), 0), "attention", "heads 0");
        bad(() -> OPS.attention(t(5, 12), 1), "attention", "rank 3", "[5, 12]");
        bad(() -> B.attention(t(2, 5, 12), t(2, 5, 12), 2, 0.5f), "attention", "out", "[2, 5, 4]", "[2, 5, 12]");
        bad(() -> OPS.attention(t(2, 5, 12), 2, Float.NaN), "attention", "finite", "NaN");
        bad(() -> OPS.permute(t(2, 3, 4), 0, 2), "permute", "[0, 2]", "3 dimensions", "[2, 3, 4]");
        bad(() -> OPS.permute(t(2, 3, 4), 0, 2, 2), "permute", "[0, 2, 2]", "not a permutation of 0..2");
        bad(() -> OPS.permute(t(2, 3), 0, 3), "permute", "[0, 3]", "not a permutation");
        bad(() -> OPS.permute(t(1, 1, 1, 1, 1, 1, 1), 0, 1, 2, 3, 4, 5, 6), "permute", "rank 1 to 6");
        bad(() -> B.permute(t(3, 2), t(3, 2), 1, 0), "permute", "out", "[2, 3]", "[3, 2]");
    }

    // ---------------------------------------------------------------- FFTformer

    @Test
    void fsasAttention() {
        Tensor q = t(1, 3, 8, 16);
        bad(() -> OPS.fsasAttention(q, t(1, 3, 8, 8), q, null, null, 1e-5f), "fsas_attention", "[1, 3, 8, 16]",
                "[1, 3, 8, 8]");
        bad(() -> OPS.fsasAttention(t(1, 3, 8, 12), t(1, 3, 8, 12), t(1, 3, 8, 12), null, null, 1e-5f),
                "fsas_attention", "[1, 3, 8, 12]", "multiples of 8");
        bad(() -> OPS.fsasAttention(q, null, q, null, null, 1e-5f), "fsas_attention", "k");
        bad(() -> OPS.fsasAttention(q, q, q, t(4), null, 1e-5f), "fsas_attention", "weight", "[4]");
        bad(() -> OPS.fsasAttention(q, q, q, t(3), t(3), 0f), "fsas_attention", "eps");
        bad(() -> B.fsasAttention(t(1, 2, 8, 16), q, q, q, null, null, 1e-5f), "fsas_attention", "[1, 2, 8, 16]");
        Tensor k = t(1, 3, 8, 16);
        Tensor v = t(1, 3, 8, 16);
        bad(() -> B.fsasAttention(v, q, k, v, null, null, 1e-5f), "fsas_attention", "alias v");
    }

    @Test
    void patchFftFilter() {
        bad(() -> OPS.patchFftFilter(t(1, 2, 9, 8), t(2, 8, 5)), "patch_fft_filter", "[1, 2, 9, 8]", "multiples of 8");
        bad(() -> OPS.patchFftFilter(t(1, 2, 8, 8), t(2, 8, 8)), "patch_fft_filter", "[2, 8, 8]");
    }
}
