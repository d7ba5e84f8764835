package io.github.blurdm.runtime;

/**
 * Hyper-parameters of a 2-D convolution, as PyTorch's {@code nn.Conv2d} names them (padding is
 * zero padding on both sides), plus an activation fused into the epilogue. Immutable.
 */
public record Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW,
                           int groups, Activation activation) {

    /** Validates: strides and dilations >= 1, paddings >= 0, groups >= 1, activation not null. */
    public Conv2dParams {
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: stride, dilation and groups must be >= 1 and padding >= 0, got "
                    + "stride=(" + strideH + "," + strideW + ") pad=(" + padH + "," + padW + ") dilation=("
                    + dilationH + "," + dilationW + ") groups=" + groups);
        }
        if (activation == null) {
            throw new IllegalArgumentException("conv2d: activation must not be null (use Activation.NONE)");
        }
    }

    /** Square stride and padding, no dilation, no grouping, no activation. */
    public static Conv2dParams of(int stride, int pad) {
        return new Conv2dParams(stride, stride, pad, pad, 1, 1, 1, Activation.NONE);
    }

    /** A copy with {@code g} groups. */
    public Conv2dParams withGroups(int g) {
        return new Conv2dParams(strideH, strideW, padH, padW, dilationH, dilationW, g, activation);
    }

    /** A copy with activation {@code a} fused into the epilogue. */
    public Conv2dParams withActivation(Activation a) {
        return new Conv2dParams(strideH, strideW, padH, padW, dilationH, dilationW, groups, a);
    }

    /** A copy with dilation {@code d} in both directions. */
    public Conv2dParams withDilation(int d) {
        return new Conv2dParams(strideH, strideW, padH, padW, d, d, groups, activation);
    }

    @Override
    public String toString() {
        return "stride=" + strideH + "x" + strideW + ",pad=" + padH + "x" + padW
                + (dilationH != 1 || dilationW != 1 ? ",dil=" + dilationH + "x" + dilationW : "")
                + (groups != 1 ? ",groups=" + groups : "")
                + (activation.kind() != Activation.Kind.NONE ? ",act=" + activation : "");
    }
}
