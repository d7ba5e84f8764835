package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Activation;

/** The {@code -DACT=} code of a fused activation, as conv2d.cu, conv_transpose2d.cu and linear.cu read it. */
final class ActivationCode {
    private ActivationCode() {
    }

    static String define(Activation a) {
        switch (a.kind()) {
            case RELU: return "-DACT=1";
            case LEAKY_RELU: return "-DACT=2";
            case GELU: return "-DACT=3";
            default: return "-DACT=0";
        }
    }
}
