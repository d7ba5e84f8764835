package io.github.blurdm.runtime;

/**
 * Hyper-parameters of a 2-D transposed convolution, as PyTorch's {@code nn.ConvTranspose2d}
 * names them, plus a fused activation. Output size: {@code (in-1)*stride - 2*pad + dil*(k-1) + outPad + 1}.
 */
public record ConvTranspose2dParams(int strideH, int strideW, int padH, int padW, int outPadH, int outPadW,
                                    int dilationH, int dilationW, int groups, Activation activation) {

    /** Validates: strides and dilations >= 1, paddings >= 0, output padding below stride or dilation, groups >= 1. */
    public ConvTranspose2dParams {
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1 || padH < 0 || padW < 0
                || outPadH < 0 || outPadW < 0) {
            throw new IllegalArgumentException("conv_transpose2d: stride, dilation and groups must be >= 1, padding "
                    + "and output padding >= 0, got stride=(" + strideH + "," + strideW + ") pad=(" + padH + ","
                    + padW + ") output_padding=(" + outPadH + "," + outPadW + ") dilation=(" + dilationH + ","
                    + dilationW + ") groups=" + groups);
        }
        if (outPadH >= Math.max(strideH, dilationH) || outPadW >= Math.max(strideW, dilationW)) {
            throw new IllegalArgumentException("conv_transpose2d: output padding must be smaller than stride or "
                    + "dilation, got output_padding=(" + outPadH + "," + outPadW + ") stride=(" + strideH + ","
                    + strideW + ")");
        }
        if (activation == null) {
            throw new IllegalArgumentException("conv_transpose2d: activation must not be null (use Activation.NONE)");
        }
    }

    /** Square stride and padding, no output padding, dilation or grouping, no activation. */
    public static ConvTranspose2dParams of(int stride, int pad) {
        return new ConvTranspose2dParams(stride, stride, pad, pad, 0, 0, 1, 1, 1, Activation.NONE);
    }

    /** A copy with activation {@code a} fused into the epilogue. */
    public ConvTranspose2dParams withActivation(Activation a) {
        return new ConvTranspose2dParams(strideH, strideW, padH, padW, outPadH, outPadW, dilationH, dilationW,
                groups, a);
    }

    /** A copy with {@code g} groups. */
    public ConvTranspose2dParams withGroups(int g) {
        return new ConvTranspose2dParams(strideH, strideW, padH, padW, outPadH, outPadW, dilationH, dilationW,
                g, activation);
    }

    /** A copy with output padding {@code h}, {@code w} (extra rows/columns at the bottom/right). */
    public ConvTranspose2dParams withOutputPadding(int h, int w) {
        return new ConvTranspose2dParams(strideH, strideW, padH, padW, h, w, dilationH, dilationW, groups,
                activation);
    }

    /** A copy with dilation {@code d} in both directions. */
    public ConvTranspose2dParams withDilation(int d) {
        return new ConvTranspose2dParams(strideH, strideW, padH, padW, outPadH, outPadW, d, d, groups,
                activation);
    }

    @Override
    public String toString() {
        return "stride=" + strideH + "x" + strideW + ",pad=" + padH + "x" + padW
                + (outPadH != 0 || outPadW != 0 ? ",outpad=" + outPadH + "x" + outPadW : "")
                + (dilationH != 1 || dilationW != 1 ? ",dil=" + dilationH + "x" + dilationW : "")
                + (groups != 1 ? ",groups=" + groups : "")
                + (activation.kind() != Activation.Kind.NONE ? ",act=" + activation : "");
    }
}
