package io.github.blurdm.runtime.cuda;

import io.github.blurdm.runtime.Activation;
import io.github.blurdm.runtime.Backend;
import io.github.blurdm.runtime.Conv2dParams;
import io.github.blurdm.runtime.ConvTranspose2dParams;
import io.github.blurdm.runtime.Op;
import io.github.blurdm.runtime.OpShapes;
import io.github.blurdm.runtime.PriorSamplerParams;
import io.github.blurdm.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The CUDA parity cases: for each op, shapes that reach every tile edge of its kernels (sizes that
 * are not multiples of the tile, 1-row and 1-column maps, channel counts off 4/8/16/32/64, batch
 * above 1, grids beyond the grid-stride cap) and one real model shape. Inputs seeded uniform in
 * [-1,1] (positive where an op needs it), never zeros.
 */
final class CudaCases {
    /** Runs the op on a backend. */
    interface Run {
        void run(Backend b, Tensor out, Tensor[] in);
    }

    /** One case: an op, a name in ggml's style, the output shape, the inputs and the call. */
    record Case(Op op, String name, int[] outShape, Tensor[] inputs, Run run) {
    }

    private final Random r = new Random(1234);
    private final List<Case> cases = new ArrayList<>();

    private CudaCases() {
    }

    static List<Case> all() {
        CudaCases c = new CudaCases();
        c.conv2d();
        c.convTranspose2d();
        c.elementwise();
        c.channelAffine();
        c.copies();
        c.resample();
        c.reductions();
        c.linear();
        c.layerNorm();
        c.priorSampler();
        c.attention();
        c.permute();
        c.dct2d();
        c.windowChannelAttention();
        c.patchFftFilter();
        c.fsasAttention();
        c.depthwiseConv2d();
        c.geluGate();
        c.biasFreeLayerNorm();
        return c.cases;
    }

    Tensor rand(int... shape) {
        float[] d = new float[(int) Tensor.checkedSize(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat() * 2f - 1f;
        }
        return Tensor.of(d, shape);
    }

    Tensor positive(int... shape) {
        Tensor t = rand(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = 0.5f + Math.abs(d[i]);
        }
        return t;
    }

    private void add(Op op, String name, int[] out, Tensor[] in, Run run) {
        cases.add(new Case(op, name, out, in, run));
    }

    private static String s(int... shape) {
        return Arrays.toString(shape);
    }

    // ---------------------------------------------------------------------------- conv2d
    // v2/v3 tiles: 64 pixels (N*Ho*Wo) x BM output channels per group (64, 32 or 16) x 16 of K = Cin/g*kH*kW.

    private void conv(int[] x, int[] w, boolean bias, Conv2dParams p) {
        Tensor xt = rand(x);
        Tensor wt = rand(w);
        Tensor bt = bias ? rand(w[0]) : null;
        add(Op.CONV2D, "x=" + s(x) + ",w=" + s(w) + "," + p, OpShapes.conv2d(xt, wt, bt, p), new Tensor[] {xt, wt, bt},
                (b, o, in) -> b.conv2d(o, in[0], in[1], in[2], p));
    }

    private void conv2d() {
        conv(new int[] {2, 5, 17, 13}, new int[] {7, 5, 3, 3}, true, Conv2dParams.of(1, 1).withActivation(Activation.RELU));
        conv(new int[] {1, 16, 9, 11}, new int[] {32, 16, 1, 1}, false, Conv2dParams.of(1, 0));
        conv(new int[] {1, 6, 15, 15}, new int[] {6, 3, 3, 3}, true,
                Conv2dParams.of(2, 1).withGroups(2).withActivation(Activation.leakyRelu(0.1f)));
        conv(new int[] {1, 3, 33, 33}, new int[] {64, 3, 3, 3}, true, Conv2dParams.of(1, 1).withActivation(Activation.GELU));
        conv(new int[] {1, 4, 12, 12}, new int[] {5, 4, 3, 3}, true, Conv2dParams.of(1, 2).withDilation(2));
        conv(new int[] {1, 64, 16, 16}, new int[] {3, 64, 3, 3}, true, Conv2dParams.of(1, 1));
        conv(new int[] {2, 3, 11, 10}, new int[] {8, 3, 5, 5}, true, Conv2dParams.of(2, 2));
        conv(new int[] {1, 128, 8, 8}, new int[] {128, 128, 3, 3}, true, Conv2dParams.of(1, 1).withActivation(Activation.RELU));
        // output channels per group just past each BM (17 -> BM 16, 33 -> 32, 65 -> 64, two tiles each)
        conv(new int[] {1, 9, 7, 10}, new int[] {17, 9, 3, 3}, true, Conv2dParams.of(1, 1));
        conv(new int[] {3, 4, 6, 5}, new int[] {33, 4, 3, 3}, false, Conv2dParams.of(1, 1).withActivation(Activation.RELU));
        conv(new int[] {1, 7, 9, 8}, new int[] {65, 7, 1, 1}, true, Conv2dParams.of(1, 0));
        conv(new int[] {1, 17, 5, 13}, new int[] {100, 17, 1, 1}, true, Conv2dParams.of(1, 0));
        // 1-row, 1-column and 1-pixel maps
        conv(new int[] {1, 8, 1, 37}, new int[] {12, 8, 3, 3}, true, Conv2dParams.of(1, 1));
        conv(new int[] {2, 8, 29, 1}, new int[] {12, 8, 3, 3}, true, Conv2dParams.of(1, 1).withActivation(Activation.GELU));
        conv(new int[] {3, 20, 1, 1}, new int[] {9, 20, 1, 1}, true, Conv2dParams.of(1, 0));
        // groups: several output tiles per group, one output channel per group, depthwise
        conv(new int[] {2, 12, 10, 9}, new int[] {36, 4, 3, 3}, true, Conv2dParams.of(1, 1).withGroups(3));
        conv(new int[] {1, 5, 8, 8}, new int[] {5, 1, 3, 3}, true, Conv2dParams.of(1, 1).withGroups(5));
        conv(new int[] {1, 48, 11, 13}, new int[] {48, 1, 3, 3}, true, Conv2dParams.of(1, 1).withGroups(48));
        // a real model shape (MIMO-UNet's 32-channel 3x3 ResBlock conv) at 24x40
        conv(new int[] {1, 32, 24, 40}, new int[] {32, 32, 3, 3}, true, Conv2dParams.of(1, 1).withActivation(Activation.RELU));
    }

    // ---------------------------------------------------------------------------- conv_transpose2d

    private void convT(int[] x, int[] w, boolean bias, ConvTranspose2dParams p) {
        Tensor xt = rand(x);
        Tensor wt = rand(w);
        Tensor bt = bias ? rand(w[1] * p.groups()) : null;
        add(Op.CONV_TRANSPOSE2D, "x=" + s(x) + ",w=" + s(w) + "," + p, OpShapes.convTranspose2d(xt, wt, bt, p),
                new Tensor[] {xt, wt, bt}, (b, o, in) -> b.convTranspose2d(o, in[0], in[1], in[2], p));
    }

    private void convTranspose2d() {
        convT(new int[] {1, 8, 7, 9}, new int[] {8, 4, 4, 4}, true, ConvTranspose2dParams.of(2, 1).withActivation(Activation.RELU));
        convT(new int[] {2, 6, 5, 5}, new int[] {6, 2, 4, 4}, true, ConvTranspose2dParams.of(2, 1).withGroups(3));
        convT(new int[] {1, 4, 6, 7}, new int[] {4, 3, 3, 3}, false, ConvTranspose2dParams.of(2, 1).withOutputPadding(1, 1));
        convT(new int[] {1, 4, 6, 7}, new int[] {4, 3, 3, 3}, true, ConvTranspose2dParams.of(1, 1).withDilation(2));
        convT(new int[] {3, 5, 1, 6}, new int[] {5, 7, 4, 4}, true,
                ConvTranspose2dParams.of(2, 1).withActivation(Activation.leakyRelu(0.2f)));
        convT(new int[] {1, 3, 5, 1}, new int[] {3, 2, 2, 2}, true, ConvTranspose2dParams.of(2, 0).withActivation(Activation.GELU));
        // MIMO-UNet's upsampler shape: 4x4 stride 2, 64 -> 32 channels
        convT(new int[] {1, 64, 9, 11}, new int[] {64, 32, 4, 4}, true,
                ConvTranspose2dParams.of(2, 1).withActivation(Activation.RELU));
    }

    // ---------------------------------------------------------------------------- elementwise
    // v2 moves float4s: sizes around multiples of 4, and one beyond the grid-stride cap (8192 x 256 x 4).

    private void elementwise() {
        for (int[] sh : new int[][] {{1}, {3}, {4}, {5}, {7}, {3, 5, 37}, {2, 64, 33, 17}}) {
            Tensor x = rand(sh);
            String n = "x=" + s(sh);
            add(Op.RELU, n, sh, new Tensor[] {x}, (b, o, in) -> b.relu(o, in[0]));
            add(Op.LEAKY_RELU, n, sh, new Tensor[] {x}, (b, o, in) -> b.leakyRelu(o, in[0], 0.2f));
            add(Op.GELU, n, sh, new Tensor[] {rand(sh)}, (b, o, in) -> b.gelu(o, in[0]));
            add(Op.ADD, n, sh, new Tensor[] {x, rand(sh)}, (b, o, in) -> b.add(o, in[0], in[1]));
            add(Op.MUL, n, sh, new Tensor[] {x, rand(sh)}, (b, o, in) -> b.mul(o, in[0], in[1]));
        }
        int[] big = {8192 * 256 * 4 + 13};
        add(Op.ADD, "x=" + s(big) + " (beyond one grid)", big, new Tensor[] {rand(big), rand(big)},
                (b, o, in) -> b.add(o, in[0], in[1]));
    }

    private void channelAffine() {
        // v2: a block row per (n, c) plane (planes of 1, of 300 over two blocks); v1 past 65535 planes
        for (int[] sh : new int[][] {{2, 3, 5, 7}, {1, 33, 1, 1}, {3, 4}, {2, 5, 300}, {1, 65537}}) {
            add(Op.CHANNEL_AFFINE, "x=" + s(sh), sh, new Tensor[] {rand(sh), rand(sh[0], sh[1]), rand(sh[0], sh[1])},
                    (b, o, in) -> b.channelAffine(o, in[0], in[1], in[2]));
        }
    }

    // ---------------------------------------------------------------------------- copies

    private void copies() {
        add(Op.CONCAT, "[2,3,5,7]+[2,4,5,7]+[2,1,5,7]", new int[] {2, 8, 5, 7},
                new Tensor[] {rand(2, 3, 5, 7), rand(2, 4, 5, 7), rand(2, 1, 5, 7)}, (b, o, in) -> b.concat(o, in));
        add(Op.CONCAT, "[3,1,1,1]+[3,2,1,1]", new int[] {3, 3, 1, 1}, new Tensor[] {rand(3, 1, 1, 1), rand(3, 2, 1, 1)},
                (b, o, in) -> b.concat(o, in));
        add(Op.SLICE_CHANNELS, "x=[2,9,5,7],start=2,count=4", new int[] {2, 4, 5, 7},
                new Tensor[] {rand(2, 9, 5, 7)}, (b, o, in) -> b.sliceChannels(o, in[0], 2));
        add(Op.SLICE_CHANNELS, "x=[3,5,1,1],start=4,count=1", new int[] {3, 1, 1, 1},
                new Tensor[] {rand(3, 5, 1, 1)}, (b, o, in) -> b.sliceChannels(o, in[0], 4));
        add(Op.REFLECT_PAD, "x=[2,3,7,9],pad=(1,2,3,1)", new int[] {2, 3, 10, 13},
                new Tensor[] {rand(2, 3, 7, 9)}, (b, o, in) -> b.reflectPad(o, in[0], 1, 2, 3, 1));
        add(Op.REFLECT_PAD, "x=[4,5,6],pad=(4,0,0,5)", new int[] {4, 9, 11},
                new Tensor[] {rand(4, 5, 6)}, (b, o, in) -> b.reflectPad(o, in[0], 4, 0, 0, 5));
        add(Op.REFLECT_PAD, "x=[1,2,2,9],pad=(0,1,0,7)", new int[] {1, 2, 3, 16},
                new Tensor[] {rand(1, 2, 2, 9)}, (b, o, in) -> b.reflectPad(o, in[0], 0, 1, 0, 7));
    }

    // ---------------------------------------------------------------------------- resample

    private void resample() {
        add(Op.DOWNSAMPLE_NEAREST2, "x=[2,3,9,7]", new int[] {2, 3, 4, 3},
                new Tensor[] {rand(2, 3, 9, 7)}, (b, o, in) -> b.downsampleNearest2(o, in[0]));
        add(Op.DOWNSAMPLE_NEAREST2, "x=[1,2,2,17]", new int[] {1, 2, 1, 8},
                new Tensor[] {rand(1, 2, 2, 17)}, (b, o, in) -> b.downsampleNearest2(o, in[0]));
        add(Op.UPSAMPLE_NEAREST2, "x=[1,3,5,7]", new int[] {1, 3, 10, 14},
                new Tensor[] {rand(1, 3, 5, 7)}, (b, o, in) -> b.upsampleNearest2(o, in[0]));
        add(Op.UPSAMPLE_NEAREST2, "x=[2,1,1,3]", new int[] {2, 1, 2, 6},
                new Tensor[] {rand(2, 1, 1, 3)}, (b, o, in) -> b.upsampleNearest2(o, in[0]));
        add(Op.RESIZE_BILINEAR, "x=[1,2,7,9]->[13,5]", new int[] {1, 2, 13, 5},
                new Tensor[] {rand(1, 2, 7, 9)}, (b, o, in) -> b.resizeBilinear(o, in[0],
                        OpShapes.bilinearRatio(7, 13, 0), OpShapes.bilinearRatio(9, 5, 0)));
        add(Op.RESIZE_BILINEAR, "x=[2,3,16,12],scale=0.5", new int[] {2, 3, 8, 6},
                new Tensor[] {rand(2, 3, 16, 12)}, (b, o, in) -> b.resizeBilinear(o, in[0], 2f, 2f));
        add(Op.RESIZE_BILINEAR, "x=[1,2,1,5]->[3,10]", new int[] {1, 2, 3, 10},
                new Tensor[] {rand(1, 2, 1, 5)}, (b, o, in) -> b.resizeBilinear(o, in[0],
                        OpShapes.bilinearRatio(1, 3, 0), OpShapes.bilinearRatio(5, 10, 0)));
        add(Op.PIXEL_UNSHUFFLE, "x=[1,3,8,6],r=2", new int[] {1, 12, 4, 3},
                new Tensor[] {rand(1, 3, 8, 6)}, (b, o, in) -> b.pixelUnshuffle(o, in[0], 2));
        add(Op.PIXEL_UNSHUFFLE, "x=[2,2,9,3],r=3", new int[] {2, 18, 3, 1},
                new Tensor[] {rand(2, 2, 9, 3)}, (b, o, in) -> b.pixelUnshuffle(o, in[0], 3));
        add(Op.PIXEL_SHUFFLE, "x=[1,12,3,5],r=2", new int[] {1, 3, 6, 10},
                new Tensor[] {rand(1, 12, 3, 5)}, (b, o, in) -> b.pixelShuffle(o, in[0], 2));
        add(Op.PIXEL_SHUFFLE, "x=[2,9,1,4],r=3", new int[] {2, 1, 3, 12},
                new Tensor[] {rand(2, 9, 1, 4)}, (b, o, in) -> b.pixelShuffle(o, in[0], 3));
    }

    // ---------------------------------------------------------------------------- reductions
    // global_avg_pool v2: a block of 256 per plane; softmax v2: a warp per row, 8 rows per block.

    private void reductions() {
        for (int[] sh : new int[][] {{2, 33, 7, 9}, {1, 4, 64, 64}, {3, 5, 1, 1}, {1, 2, 1, 257}}) {
            add(Op.GLOBAL_AVG_POOL, "x=" + s(sh), new int[] {sh[0], sh[1]}, new Tensor[] {rand(sh)},
                    (b, o, in) -> b.globalAvgPool(o, in[0]));
        }
        for (int[] sh : new int[][] {{3, 7, 33}, {2, 1000}, {4, 1}, {9, 32}, {17, 31}}) {
            add(Op.SOFTMAX, "x=" + s(sh), sh, new Tensor[] {rand(sh)}, (b, o, in) -> b.softmax(o, in[0]));
        }
    }

    // ---------------------------------------------------------------------------- linear
    // v2: a warp per output, 8 outputs per block; lanes stride over K.

    private void lin(int[] x, int nOut, boolean bias, Activation act) {
        int k = x[x.length - 1];
        int[] out = x.clone();
        out[out.length - 1] = nOut;
        add(Op.LINEAR, "x=" + s(x) + ",w=" + s(nOut, k) + "," + act, out,
                new Tensor[] {rand(x), rand(nOut, k), bias ? rand(nOut) : null},
                (b, o, in) -> b.linear(o, in[0], in[1], in[2], act));
    }

    private void linear() {
        lin(new int[] {3, 37}, 19, true, Activation.GELU);
        lin(new int[] {1, 256}, 64, false, Activation.NONE);
        lin(new int[] {2, 5, 33}, 7, true, Activation.leakyRelu(0.01f));
        lin(new int[] {4, 1}, 3, true, Activation.RELU);
        lin(new int[] {1, 32}, 1, true, Activation.NONE);
        lin(new int[] {6, 100}, 9, true, Activation.NONE);
    }

    // ---------------------------------------------------------------------------- layer_norm
    // v2: 32 positions x 8 channel rows per block; N beyond the grid's y limit takes several launches.

    private void norm(int[] x, boolean affine, float eps) {
        int c = x[1];
        add(Op.LAYER_NORM, "x=" + s(x) + (affine ? "" : ",no affine"), x,
                new Tensor[] {rand(x), affine ? positive(c) : null, affine ? rand(c) : null},
                (b, o, in) -> b.layerNorm(o, in[0], in[1], in[2], eps));
    }

    private void layerNorm() {
        norm(new int[] {2, 33, 7, 9}, true, 1e-5f);
        norm(new int[] {5, 48}, false, 1e-6f);
        norm(new int[] {3, 7, 1, 1}, true, 1e-5f);
        norm(new int[] {1, 64, 5, 33}, true, 1e-6f);
        norm(new int[] {2, 3, 1, 40}, false, 1e-5f);
        norm(new int[] {65537, 2}, true, 1e-5f);
    }

    // ---------------------------------------------------------------------------- prior_sampler

    private void sampler(int n, PriorSamplerParams p, boolean given) {
        Tensor nm = rand((int) p.packedSize());
        Tensor lm = rand((int) p.packedSize());
        for (Tensor t : new Tensor[] {nm, lm}) {
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                d[i] *= 0.2f;
            }
        }
        int steps = p.steps();
        float[] sched = new float[p.scheduleSize()];
        for (int i = 0; i <= steps; i++) {
            sched[i] = 1f + 0.2f * i;                        // alphas
        }
        for (int i = 0; i < steps; i++) {
            sched[steps + 1 + i] = 0.04f * i;                // betas_bar
            sched[2 * steps + 1 + i] = steps - i;            // time stamps T..1
        }
        int l = p.latent();
        add(Op.PRIOR_SAMPLER, "cond=" + s(n, l) + "," + p + (given ? ",noise given" : ",philox"), new int[] {n, l},
                new Tensor[] {rand(n, l), given ? rand(n, l) : null, nm, lm, Tensor.of(sched, sched.length)},
                (b, o, in) -> b.priorSampler(o, in[0], in[1], in[2], in[3], in[4], p));
    }

    private void priorSampler() {
        sampler(3, new PriorSamplerParams(40, 2, 5, 2023, 3), true);
        sampler(3, new PriorSamplerParams(40, 2, 5, 2023, 3), false);
        sampler(1, new PriorSamplerParams(7, 0, 3, 11, 0), false);
        sampler(2, new PriorSamplerParams(256, 2, 5, 2023, 0), true);
    }

    // ---------------------------------------------------------------------------- attention
    // v1: one block of 128 per query (scores in shared memory); v2: 128 queries per block, K/V tiles of 32 keys,
    // head size compiled in (<= 64, longer heads run v3); v3: 16x16 score tiles over slices of 512 features,
    // 8 queries x 256 features per values block, key tiles of 64.

    private void attn(int b, int t, int heads, int d, float amp) {
        Tensor qkv = rand(b, t, 3 * heads * d);
        float[] x = qkv.data();
        for (int i = 0; i < x.length; i++) {
            x[i] *= amp;
        }
        float scale = (float) (1.0 / Math.sqrt(d));
        add(Op.ATTENTION, "qkv=" + s(b, t, 3 * heads * d) + ",heads=" + heads, new int[] {b, t, heads * d},
                new Tensor[] {qkv}, (be, out, in) -> be.attention(out, in[0], heads, scale));
    }

    private void attention() {
        attn(3, 7, 2, 32, 1f);          // intra-strip head, T under one key tile
        attn(1, 1, 1, 8, 1f);           // one token
        attn(2, 33, 3, 16, 1f);         // T past one key tile (32) by one
        attn(1, 129, 1, 32, 1f);        // T past one v2 query block (128) by one
        attn(2, 70, 5, 32, 2f);         // Stripformer bottleneck heads, 3 key tiles, larger logits
        attn(1, 9, 2, 64, 1f);          // the longest flash head
        attn(1, 5, 3, 5, 1f);           // odd head size
        attn(1, 65, 1, 65, 1f);         // just past the flash limit: v2 runs v3; 65 keys pass a values tile (64)
        attn(2, 6, 2, 32 * 17, 1f);     // inter-strip: d = 32 W (W = 17), one slice
        attn(1, 17, 1, 1100, 0.5f);     // 17 tokens: past a 16x16 score tile; d not a multiple of 32 or 256
    }

    // ---------------------------------------------------------------------------- permute
    // v2: 32x32 tiles (block 32x8) when x's last dimension moves; v1 (grid-stride) otherwise.

    private void perm(int[] shape, int... dims) {
        Tensor x = rand(shape);
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = shape[dims[i]];
        }
        add(Op.PERMUTE, "x=" + s(shape) + ",dims=" + s(dims), out, new Tensor[] {x},
                (be, o, in) -> be.permute(o, in[0], dims));
    }

    private void permute() {
        perm(new int[] {2, 37, 5, 33}, 0, 2, 3, 1);     // NCHW -> NHWC past 32x32 tiles
        perm(new int[] {1, 35, 9, 40}, 0, 3, 2, 1);     // NCHW -> NWHC
        perm(new int[] {2, 5, 3, 33}, 0, 3, 1, 2);      // NCHW -> NWCH
        perm(new int[] {1, 33, 65, 3}, 0, 3, 1, 2);     // NHWC -> NCHW
        perm(new int[] {2, 6, 4, 5}, 0, 2, 1, 3);       // last dimension stays: v1
        perm(new int[] {1, 1, 7, 1}, 0, 3, 2, 1);       // 1-row, 1-column
        perm(new int[] {7}, 0);                          // rank 1
        perm(new int[] {33, 31}, 1, 0);                  // 2-D transpose
        perm(new int[] {2, 3, 2, 4, 3}, 4, 2, 0, 3, 1);  // rank 5
        perm(new int[] {2, 1, 3, 2, 2, 3}, 5, 0, 3, 1, 4, 2);   // rank 6
        perm(new int[] {70000, 2, 2}, 0, 2, 1);          // other dimensions past the grid's z limit: v1
    }

    // ---------------------------------------------------------------------------- LoFormer

    // dct2d: v2 tiles 64x64 outputs x 16 of K; sizes off 16 and 64, 1-row, 1-column and 1x1 planes, a K past
    // one 16-step and past 64, batch > 1, both directions; plane counts off 4.
    private void dct2d() {
        for (int[] shape : new int[][] {{1, 3, 7, 9}, {2, 3, 1, 13}, {1, 5, 11, 1}, {1, 2, 1, 1}, {2, 5, 33, 20},
                {1, 3, 70, 17}, {1, 1, 48, 48}, {3, 7, 24, 40}}) {
            for (boolean inverse : new boolean[] {false, true}) {
                add(Op.DCT2D, "DCT2D(x=" + s(shape) + ",inverse=" + inverse + ")", shape, new Tensor[] {rand(shape)},
                        (b, out, in) -> b.dct2d(out, in[0], inverse));
            }
        }
    }

    // window_channel_attention: v2 one block per (window, head), threads = d rounded to 32; d off 32 (5, 20, 33),
    // at 32 and 64 (v2's limit), above (72, 96: v1 even when v2 is asked), 1 to 4 heads, sides reflect-padded
    // (13x11, 5x21), batch 2.
    private void windowChannelAttention() {
        int[][] shapes = {{1, 4, 8, 8, 1}, {2, 10, 13, 11, 2}, {1, 20, 5, 21, 1}, {1, 99, 16, 8, 3},
                {2, 64, 8, 16, 2}, {1, 64, 9, 8, 1}, {1, 72, 8, 8, 1}, {1, 96, 8, 8, 1}, {1, 16, 24, 40, 4}};
        for (int[] sh : shapes) {
            int n = sh[0];
            int c = sh[1];
            int heads = sh[4];
            int[] qkvShape = {n, 3 * c, sh[2], sh[3]};
            Tensor qkv = rand(qkvShape);
            float[] d = qkv.data();
            for (int i = 0; i < d.length; i++) {
                d[i] *= 2f;
            }
            Tensor temp = positive(heads);
            Tensor mw = rand(64, 64);
            float[] wd = mw.data();
            for (int i = 0; i < wd.length; i++) {
                wd[i] *= 0.25f;
            }
            Tensor mb = rand(64);
            int[] out = {n, c, sh[2], sh[3]};
            add(Op.WINDOW_CHANNEL_ATTENTION, "WINDOW_CHANNEL_ATTENTION(qkv=" + s(qkvShape) + ",heads=" + heads + ")",
                    out, new Tensor[] {qkv, temp, mw, mb},
                    (b, o, in) -> b.windowChannelAttention(o, in[0], in[1], in[2], in[3]));
        }
    }

    // ---------------------------------------------------------------------------- FFTformer
    // patch_fft_filter v2: 4 patches (32 columns) x one band of 8 rows per block; fsas_attention v2: a block per
    // patch; depthwise_conv2d v2: a 32x8 output tile per block. Maps are whole 8x8 patches for the patch ops.

    private void patchFilter(int... x) {
        add(Op.PATCH_FFT_FILTER, "x=" + s(x), x, new Tensor[] {rand(x), rand(x[1], 8, 5)},
                (b, o, in) -> b.patchFftFilter(o, in[0], in[1]));
    }

    private void patchFftFilter() {
        patchFilter(1, 3, 8, 8);        // one patch: a block with 3 of its 4 patches outside the map
        patchFilter(2, 5, 16, 40);      // 5 patches a row: one full block and one with a single patch
        patchFilter(1, 7, 24, 32);      // exactly one block wide, 3 bands
        patchFilter(3, 1, 8, 72);       // one channel, batch 3, 9 patches a row
        patchFilter(1, 48, 16, 64);     // FFTformer dim 8's DFFN: 2*hidden = 48
    }

    private void fsas(int n, int c, int h, int w, boolean affine) {
        int[] x = {n, c, h, w};
        add(Op.FSAS_ATTENTION, "q=k=v=" + s(x) + (affine ? "" : ",no affine"), x,
                new Tensor[] {rand(x), rand(x), rand(x), affine ? positive(c) : null, affine ? rand(c) : null},
                (b, o, in) -> b.fsasAttention(o, in[0], in[1], in[2], in[3], in[4], 1e-5f));
    }

    private void fsasAttention() {
        fsas(1, 1, 8, 8, true);         // one channel: the variance is 0, out = v * bias
        fsas(2, 3, 8, 16, true);
        fsas(1, 5, 16, 8, false);
        fsas(1, 17, 8, 24, true);
        fsas(1, 16, 16, 32, true);      // FFTformer dim 8's FSAS: 2*dim = 16
    }

    private void dw(int[] x, int k, boolean bias) {
        int c = x[1];
        add(Op.DEPTHWISE_CONV2D, "x=" + s(x) + ",k=" + k + (bias ? "" : ",no bias"), x,
                new Tensor[] {rand(x), rand(c, 1, k, k), bias ? rand(c) : null},
                (b, o, in) -> b.depthwiseConv2d(o, in[0], in[1], in[2]));
    }

    private void depthwiseConv2d() {
        dw(new int[] {2, 5, 9, 33}, 3, true);      // one column and one row past the 32x8 tile
        dw(new int[] {1, 3, 1, 37}, 3, false);     // one row
        dw(new int[] {1, 6, 29, 1}, 3, true);      // one column
        dw(new int[] {1, 4, 1, 1}, 3, true);       // one pixel: every tap but the centre is padding
        dw(new int[] {1, 3, 11, 6}, 5, true);
        dw(new int[] {3, 7, 8, 32}, 1, false);     // exactly one tile
        dw(new int[] {1, 96, 16, 40}, 3, false);   // FFTformer dim 16's to_hidden_dw: 6*dim = 96
        dw(new int[] {1, 65537, 1, 1}, 3, false);  // planes beyond one grid's z limit
    }

    private void geluGate() {
        for (int[] sh : new int[][] {{3, 2}, {1, 2, 5, 7}, {2, 34, 5, 7}, {2, 66, 1, 1}, {2, 10, 11}}) {
            int[] out = sh.clone();
            out[1] /= 2;
            add(Op.GELU_GATE, "x=" + s(sh), out, new Tensor[] {rand(sh)}, (b, o, in) -> b.geluGate(o, in[0]));
        }
        int[] big = {1, 2, 8192 * 256 + 13};
        add(Op.GELU_GATE, "x=" + s(big) + " (beyond one grid)", new int[] {1, 1, big[2]}, new Tensor[] {rand(big)},
                (b, o, in) -> b.geluGate(o, in[0]));
    }

    private void bfNorm(int[] x, float eps) {
        add(Op.BIAS_FREE_LAYER_NORM, "x=" + s(x), x, new Tensor[] {rand(x), positive(x[1])},
                (b, o, in) -> b.biasFreeLayerNorm(o, in[0], in[1], eps));
    }

    private void biasFreeLayerNorm() {
        bfNorm(new int[] {2, 33, 7, 9}, 1e-5f);
        bfNorm(new int[] {5, 48}, 1e-6f);
        bfNorm(new int[] {3, 7, 1, 1}, 1e-5f);
        bfNorm(new int[] {1, 64, 5, 33}, 1e-5f);
        bfNorm(new int[] {65537, 2}, 1e-5f);
    }
}
