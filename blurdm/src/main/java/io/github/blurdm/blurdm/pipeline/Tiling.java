package io.github.blurdm.blurdm.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an H x W image into overlapping tiles and blends per-tile results with linear ramps.
 * Tile origins are multiples of {@code align}, so every tile of an image whose sides are multiples
 * of {@code align} has sides that are too (the sides the backbone takes).
 */
public final class Tiling {
    /** One tile: rows [y0, y1), columns [x0, x1). */
    public record Tile(int y0, int y1, int x0, int x1) {
        public int height() {
            return y1 - y0;
        }

        public int width() {
            return x1 - x0;
        }
    }

    private Tiling() {
    }

    /**
     * Tiles of at most {@code tile} x {@code tile} pixels overlapping by at least {@code overlap}.
     * One tile when the image fits.
     */
    public static List<Tile> tiles(int h, int w, int tile, int overlap, int align) {
        if (tile < align || tile % align != 0 || overlap < 0 || overlap % align != 0 || overlap >= tile) {
            throw new IllegalArgumentException("tile size " + tile + " and overlap " + overlap + " must be multiples of "
                    + align + " with 0 <= overlap < tile");
        }
        List<Tile> out = new ArrayList<>();
        for (int[] ry : spans(h, tile, overlap, align)) {
            for (int[] rx : spans(w, tile, overlap, align)) {
                out.add(new Tile(ry[0], ry[1], rx[0], rx[1]));
            }
        }
        return out;
    }

    /** Non-overlapping tiles of at most {@code tile} x {@code tile} that partition the image. */
    public static List<Tile> partition(int h, int w, int tile) {
        if (tile < 1) {
            throw new IllegalArgumentException("tile size must be >= 1, got " + tile);
        }
        List<Tile> out = new ArrayList<>();
        for (int y = 0; y < h; y += tile) {
            for (int x = 0; x < w; x += tile) {
                out.add(new Tile(y, Math.min(h, y + tile), x, Math.min(w, x + tile)));
            }
        }
        return out;
    }

    /** Spans of one axis: the last ends at n; starts are multiples of align; steps keep the overlap. */
    static List<int[]> spans(int n, int tile, int overlap, int align) {
        List<int[]> out = new ArrayList<>();
        if (n <= tile) {
            out.add(new int[] {0, n});
            return out;
        }
        int step = tile - overlap;
        int count = (int) Math.ceil((double) (n - tile) / step) + 1;
        for (int i = 0; i < count; i++) {
            int start = i == count - 1 ? n - tile : Math.min(i * step, n - tile);
            start = start / align * align;
            out.add(new int[] {start, Math.min(n, start + tile)});
        }
        return out;
    }

    /**
     * Blending weight of pixel {@code p} along an axis inside span [a, b) of an image of size n: 1 in
     * the middle, ramping linearly to near 0 over {@code ramp} pixels towards a side that has a
     * neighbouring tile (not at the image border).
     */
    public static float weight(int p, int a, int b, int n, int ramp) {
        float w = 1f;
        if (ramp > 0 && a > 0) {
            w = Math.min(w, (p - a + 0.5f) / ramp);
        }
        if (ramp > 0 && b < n) {
            w = Math.min(w, (b - p - 0.5f) / ramp);
        }
        return Math.max(w, 1e-6f);
    }
}
