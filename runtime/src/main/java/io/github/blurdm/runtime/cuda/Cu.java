package io.github.blurdm.runtime.cuda;

import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/** Turns driver API result codes into {@link CudaException}s. */
final class Cu {
    private Cu() {
    }

    /** Throws a CudaException naming {@code what} unless {@code result} is CUDA_SUCCESS. */
    static void check(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException(what + " failed: " + describe(result));
        }
    }

    static String describe(int result) {
        String[] s = new String[1];
        String text = null;
        try {
            if (JCudaDriver.cuGetErrorString(result, s) == CUresult.CUDA_SUCCESS) {
                text = s[0];
            }
        } catch (RuntimeException | LinkageError e) {
            text = null;
        }
        return CUresult.stringFor(result) + (text == null ? "" : " (" + text + ")");
    }
}
