package io.github.blurdm.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Catalogue of the CUDA C kernel files: each file's entry points (versions simplest first,
 * {@code <op>_v1}, {@code _v2}, ...), the {@code -D} specialisations that matter (compiled by the
 * nvcc check in this module's tests and, lazily, by NVRTC at run time) and its source text.
 * {@code KernelsTest} checks that the entry points listed here are exactly those the sources define
 * and that each file's header names every one of them. Immutable and thread-safe.
 */
public final class Kernels {

    /**
     * One {@code .cu} file.
     *
     * @param file        resource name ("conv2d.cu")
     * @param entryPoints every {@code extern "C" __global__} function it defines
     * @param variants    the option sets worth compiling ahead (each a list of {@code -DNAME=VALUE});
     *                    the first is the file's defaults (empty)
     */
    public record KernelFile(String file, List<String> entryPoints, List<List<String>> variants) {
        public KernelFile {
            entryPoints = List.copyOf(entryPoints);
            variants = variants.stream().map(List::copyOf).toList();
        }

        /** The file's source text (cached after the first read). */
        public String source() {
            return Kernels.source(file);
        }
    }

    public static final KernelFile CONV2D = new KernelFile("conv2d.cu",
            List.of("conv2d_v1", "conv2d_v2", "conv2d_v3"),
            List.of(List.of(),
                    List.of("-DKH=1", "-DKW=1"),
                    List.of("-DKH=3", "-DKW=3", "-DSH=2", "-DSW=2", "-DACT=2"),
                    List.of("-DACT=3"),
                    List.of("-DKH=1", "-DKW=1", "-DACT=1", "-DBM=32", "-DTM=2"),
                    List.of("-DBM=16", "-DTM=1", "-DACT=2"),
                    // every other variant Conv2dCuda asks for in MIMO-UNet+ and the BlurDM prior
                    List.of("-DACT=0", "-DKH=3", "-DKW=3", "-DSH=1", "-DSW=1", "-DBM=16", "-DTM=1"),
                    List.of("-DACT=0", "-DKH=3", "-DKW=3", "-DSH=1", "-DSW=1", "-DBM=32", "-DTM=2"),
                    List.of("-DACT=1", "-DKH=3", "-DKW=3", "-DSH=1", "-DSW=1", "-DBM=16", "-DTM=1"),
                    List.of("-DACT=1", "-DKH=3", "-DKW=3", "-DSH=1", "-DSW=1", "-DBM=32", "-DTM=2"),
                    List.of("-DACT=1", "-DKH=3", "-DKW=3", "-DSH=1", "-DSW=1"),
                    List.of("-DACT=1", "-DKH=3", "-DKW=3", "-DSH=2", "-DSW=2"),
                    List.of("-DACT=1", "-DKH=1", "-DKW=1", "-DSH=1", "-DSW=1"),
                    List.of("-DACT=0", "-DKH=1", "-DKW=1", "-DSH=1", "-DSW=1"),
                    List.of("-DACT=2", "-DKH=3", "-DKW=3", "-DSH=1", "-DSW=1")));

    public static final KernelFile CONV_TRANSPOSE2D = new KernelFile("conv_transpose2d.cu",
            List.of("conv_transpose2d_v1", "conv_transpose2d_v2"),
            List.of(List.of(), List.of("-DKH=2", "-DKW=2", "-DACT=3"),
                    List.of("-DACT=1", "-DKH=4", "-DKW=4", "-DSH=2", "-DSW=2")));   // MIMO-UNet+ feat_extract.3/4

    public static final KernelFile ELEMENTWISE = new KernelFile("elementwise.cu",
            List.of("relu_v1", "leaky_relu_v1", "gelu_v1", "add_v1", "mul_v1", "channel_affine_v1",
                    "relu_v2", "leaky_relu_v2", "gelu_v2", "add_v2", "mul_v2", "channel_affine_v2", "gelu_gate_v1"),
            List.of(List.of()));

    public static final KernelFile RESAMPLE = new KernelFile("resample.cu",
            List.of("downsample_nearest2_v1", "upsample_nearest2_v1", "resize_bilinear_v1", "pixel_unshuffle_v1",
                    "pixel_shuffle_v1", "reflect_pad_v1", "channel_copy_v1"),
            List.of(List.of()));

    public static final KernelFile NORM = new KernelFile("norm.cu",
            List.of("layer_norm_v1", "layer_norm_v2", "bias_free_layer_norm_v1", "bias_free_layer_norm_v2"),
            List.of(List.of(), List.of("-DLN_BY=4")));

    public static final KernelFile REDUCE = new KernelFile("reduce.cu",
            List.of("global_avg_pool_v1", "global_avg_pool_v2", "softmax_v1", "softmax_v2"),
            List.of(List.of()));

    public static final KernelFile LINEAR = new KernelFile("linear.cu",
            List.of("linear_v1", "linear_v2"),
            List.of(List.of(), List.of("-DACT=3"), List.of("-DACT=2")));   // ACT=2: the prior encoder's MLP

    /** The BlurDM prior's fused reverse sampler and its Philox noise (not an {@code Op}: a model-level kernel). */
    public static final KernelFile PRIOR_SAMPLER = new KernelFile("prior_sampler.cu",
            List.of("philox_gaussian_v1", "prior_sampler_v1"),
            List.of(List.of(), List.of("-DSAMPLER_THREADS=256")));

    /** Stripformer's strip attention: v2 specialised per head size (HEAD_D), v3 for long heads. */
    public static final KernelFile ATTENTION = new KernelFile("attention.cu",
            List.of("attention_v1", "attention_v2", "attention_scores_v3", "attention_softmax_v3", "attention_values_v3"),
            List.of(List.of(), List.of("-DHEAD_D=16"), List.of("-DHEAD_D=64")));

    public static final KernelFile PERMUTE = new KernelFile("permute.cu",
            List.of("permute_v1", "permute_v2"),
            List.of(List.of()));

    /** LoFormer's DCT of whole feature maps, as batched matrix products. */
    public static final KernelFile DCT = new KernelFile("dct.cu",
            List.of("batched_gemm_v1", "batched_gemm_v2"),
            List.of(List.of()));

    /** LoFormer's window channel attention. */
    public static final KernelFile WINDOW_ATTENTION = new KernelFile("window_attention.cu",
            List.of("window_channel_attention_v1", "window_channel_attention_v2"),
            List.of(List.of()));

    /** FFTformer's 8x8 frequency-domain ops: the DFFN filter and FSAS's patch product fused with its norm and gate. */
    public static final KernelFile PATCH8 = new KernelFile("patch8.cu",
            List.of("patch_fft_kernel_v1", "patch_fft_filter_v1", "patch_fft_filter_v2", "fsas_attention_v1",
                    "fsas_attention_v2"),
            List.of(List.of()));

    public static final KernelFile DEPTHWISE_CONV2D = new KernelFile("depthwise_conv2d.cu",
            List.of("depthwise_conv2d_v1", "depthwise_conv2d_v2"),
            List.of(List.of()));

    private static final List<KernelFile> ALL = List.of(CONV2D, CONV_TRANSPOSE2D, ELEMENTWISE, RESAMPLE, NORM,
            REDUCE, LINEAR, PRIOR_SAMPLER, ATTENTION, PERMUTE, DCT, WINDOW_ATTENTION, PATCH8, DEPTHWISE_CONV2D);

    private static final Map<String, String> SOURCES = new ConcurrentHashMap<>();

    private Kernels() {
    }

    /** Every kernel file, in a fixed order. */
    public static List<KernelFile> all() {
        return ALL;
    }

    /** The catalogue entry of {@code file} ("norm.cu"); IllegalArgumentException naming the known files otherwise. */
    public static KernelFile file(String file) {
        for (KernelFile k : ALL) {
            if (k.file().equals(file)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown kernel file '" + file + "'; known: "
                + ALL.stream().map(KernelFile::file).toList());
    }

    /** The source text of kernel file {@code file}, read once from this module's resources. */
    public static String source(String file) {
        return SOURCES.computeIfAbsent(file, Kernels::read);
    }

    private static String read(String file) {
        String path = "/io/github/blurdm/kernels/" + file;
        try (InputStream in = Kernels.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("kernel source " + path + " not found on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel source " + path, e);
        }
    }
}
