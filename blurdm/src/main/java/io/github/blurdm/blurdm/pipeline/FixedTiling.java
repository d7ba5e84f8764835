package io.github.blurdm.blurdm.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * The grid and merge of {@link TileRule#FIXED_TILES_PRIOR_PER_TILE} (LoFormer's official tiled inference, spec
 * 5.4.6): tiles of min(side, tile) pixels, origins as the official {@code grids()} places them (stride kernel -
 * overlap; the first origin whose tile reaches the end is moved back to side - kernel and is the last),
 * row-major. Two merges of the tiles' maps ({@link TileMerge}): the official ramps literally, quirks included
 * (with one tile along a side its first {@code overlap} rows or columns are faded from 0; some sizes sum to
 * slightly more than 1), or ramps over the overlaps only divided by the summed weights. Immutable.
 */
public final class FixedTiling {
    private final int height;
    private final int width;
    private final int tileH;
    private final int tileW;
    private final int overlap;
    private final int[] rows;
    private final int[] cols;
    private final int countH;
    private final int countW;

    /**
     * The grid of an image of height x width (sides the network runs on, see {@link #paddedSide}).
     *
     * @throws IllegalArgumentException when a side is not larger than the overlap
     */
    public FixedTiling(int height, int width, int tile, int overlap) {
        if (overlap < 1 || tile <= overlap) {
            throw new IllegalArgumentException("tiling: tile " + tile + " must exceed the overlap " + overlap
                    + " (>= 1)");
        }
        if (height <= overlap || width <= overlap) {
            throw new IllegalArgumentException("tiling: sides " + height + "x" + width
                    + " must exceed the overlap " + overlap);
        }
        this.height = height;
        this.width = width;
        this.tileH = Math.min(height, tile);
        this.tileW = Math.min(width, tile);
        this.overlap = overlap;
        this.countH = (height - overlap - 1) / (tileH - overlap) + 1;
        this.countW = (width - overlap - 1) / (tileW - overlap) + 1;
        this.rows = origins(height, tileH, tileH - overlap, countH);
        this.cols = origins(width, tileW, tileW - overlap, countW);
    }

    /**
     * The side the network runs on for an image side: unchanged when it is above the tile side (tiles are then
     * the tile side) or a multiple of {@code multiple} of at least {@code minSide}; else the next multiple, at
     * least {@code minSide} (reflect-padded and cropped back). For LoFormer (multiple 8, min 40) that is beyond
     * the official code, which fails on those sides.
     */
    public static int paddedSide(int side, int tile, int multiple, int minSide) {
        if (side > tile || (side % multiple == 0 && side >= minSide)) {
            return side;
        }
        return Math.max(minSide, (side + multiple - 1) / multiple * multiple);
    }

    private static int[] origins(int side, int k, int stride, int count) {
        int step = count == 1 ? k : stride;
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < side; p += step) {
            if (p + k >= side) {
                out.add(side - k);
                break;
            }
            out.add(p);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int tileHeight() {
        return tileH;
    }

    public int tileWidth() {
        return tileW;
    }

    /** The number of tiles (rows x columns). */
    public int count() {
        return rows.length * cols.length;
    }

    /** Tile n's top row (row-major order). */
    public int top(int n) {
        return rows[n / cols.length];
    }

    /** Tile n's left column. */
    public int left(int n) {
        return cols[n % cols.length];
    }

    /** Copies tile n of a [C,H,W] image into dst[off..] as [C,tileH,tileW]. */
    public void cut(float[] image, int channels, int n, float[] dst, int off) {
        int i = top(n);
        int j = left(n);
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < tileH; r++) {
                System.arraycopy(image, (c * height + i + r) * width + j, dst, off + (c * tileH + r) * tileW, tileW);
            }
        }
    }

    /**
     * Blends the tiles' maps, [count][C,tileH,tileW] at maps[n] (each changed in place), into a new
     * [C,H,W] canvas.
     */
    public float[] merge(float[][] maps, int channels, TileMerge how) {
        float[] out = new float[channels * height * width];
        float[][] rowW = how == TileMerge.SEAMLESS ? seamless(rows, tileH, height) : null;
        float[][] colW = how == TileMerge.SEAMLESS ? seamless(cols, tileW, width) : null;
        for (int n = 0; n < count(); n++) {
            float[] t = maps[n];
            int i = top(n);
            int j = left(n);
            if (how == TileMerge.OFFICIAL) {
                applyOfficial(t, channels, i, j);
            } else {
                float[] wr = rowW[n / cols.length];
                float[] wc = colW[n % cols.length];
                for (int c = 0; c < channels; c++) {
                    for (int r = 0; r < tileH; r++) {
                        for (int q = 0; q < tileW; q++) {
                            t[(c * tileH + r) * tileW + q] *= wr[r] * wc[q];
                        }
                    }
                }
            }
            for (int c = 0; c < channels; c++) {
                for (int r = 0; r < tileH; r++) {
                    int src = (c * tileH + r) * tileW;
                    int dst = (c * height + i + r) * width + j;
                    for (int q = 0; q < tileW; q++) {
                        out[dst + q] += t[src + q];
                    }
                }
            }
        }
        return out;
    }

    /** The official ramps, in its order: four row rules, then four column rules, each an in-place product. */
    private void applyOfficial(float[] t, int channels, int i, int j) {
        int eh = countH * (tileH - overlap) + 2 * overlap - height;
        int ew = countW * (tileW - overlap) + 2 * overlap - width;
        if (i != 0 && i + tileH != height) {
            scaleRows(t, channels, 0, linspace(0f, 1f, overlap));
        }
        if (i + 2 * tileH - eh < height) {
            scaleRows(t, channels, tileH - overlap, linspace(1f, 0f, overlap));
        }
        if (i + tileH == height) {
            scaleRows(t, channels, 0, linspace(0f, 1f, eh));
        }
        if (i + 2 * tileH - eh == height) {
            scaleRows(t, channels, tileH - eh, linspace(1f, 0f, eh));
        }
        if (j != 0 && j + tileW != width) {
            scaleCols(t, channels, 0, linspace(0f, 1f, overlap));
        }
        if (j + 2 * tileW - ew < width) {
            scaleCols(t, channels, tileW - overlap, linspace(1f, 0f, overlap));
        }
        if (j + tileW == width) {
            scaleCols(t, channels, 0, linspace(0f, 1f, ew));
        }
        if (j + 2 * tileW - ew == width) {
            scaleCols(t, channels, tileW - ew, linspace(1f, 0f, ew));
        }
    }

    private void scaleRows(float[] t, int channels, int from, float[] ramp) {
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < ramp.length; r++) {
                int base = (c * tileH + from + r) * tileW;
                for (int q = 0; q < tileW; q++) {
                    t[base + q] *= ramp[r];
                }
            }
        }
    }

    private void scaleCols(float[] t, int channels, int from, float[] ramp) {
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < tileH; r++) {
                int base = (c * tileH + r) * tileW + from;
                for (int q = 0; q < ramp.length; q++) {
                    t[base + q] *= ramp[q];
                }
            }
        }
    }

    /**
     * torch.linspace(start, end, steps) in float32 as PyTorch's scalar loop computes it: step = (end - start) /
     * (steps - 1) in float, start + i * step for the first half, end - (steps - 1 - i) * step for the second.
     * (PyTorch's vectorised loop differs from it by an ulp on some values: 1e-7 of a ramp weight.)
     */
    static float[] linspace(float start, float end, int steps) {
        float[] v = new float[steps];
        if (steps == 1) {
            v[0] = start;
            return v;
        }
        float step = (end - start) / (steps - 1);
        int half = steps / 2;
        for (int i = 0; i < steps; i++) {
            v[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
        }
        return v;
    }

    /** Per origin, the seamless weights over the tile: ramps where a neighbour overlaps, normalised to sum 1. */
    private float[][] seamless(int[] origins, int k, int side) {
        double[][] raw = new double[origins.length][side];
        double[] sum = new double[side];
        for (int t = 0; t < origins.length; t++) {
            int p = origins[t];
            for (int r = 0; r < k; r++) {
                double a = 1.0;
                if (p != 0) {
                    a = Math.min(a, (r + 1.0) / (overlap + 1));
                }
                if (p + k != side) {
                    a = Math.min(a, (double) (k - r) / (overlap + 1));
                }
                raw[t][p + r] = a;
                sum[p + r] += a;
            }
        }
        float[][] w = new float[origins.length][k];
        for (int t = 0; t < origins.length; t++) {
            for (int r = 0; r < k; r++) {
                w[t][r] = (float) (raw[t][origins[t] + r] / sum[origins[t] + r]);
            }
        }
        return w;
    }
}
