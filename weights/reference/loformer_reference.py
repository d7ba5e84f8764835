"""Clean-room PyTorch reference of LoFormer with and without the BlurDM prior, and its tiled inference.

Written from ../shared/design/blurdm-spec.md (sections 1, 5.0, 5.4 with the tiling of 5.4.6, 8.2) and from
reading the public LoFormer (INVOKERer/LoFormer) and BlurDM (Jin-Ting-He/BlurDM) sources; nothing is copied
from them. Parameter names equal ../shared/design/keys/loformer_s_prior.tsv (checked by
test_reference_keys.py). Used to make the Java engine's parity fixtures (make_loformer_fixtures.py,
make_op_fixtures.py's dct2d and window_channel_attention).

Sizes are configurable: dim, blocks per level (encoder, middle, decoder), heads per encoder level (the decoder
takes them reversed) and in the middle, the FFN expansion (2.66), the prior's latent length (256). LoFormer-S
(BlurDM's backbone) is dim 32, [1,2,3] / 7 / [3,2,2], heads [1,2,4] / 8; the published LoFormer-Large is
dim 48, [1,2,6] / 9 / [6,2,2] with the same heads.
"""
import functools
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

WINDOW = 8          # the attention's window side (8x8 = 64 positions)
TILE = 384          # LoFormer's train_size: the tile side of the official inference
OVERLAP = 32        # the official tiles' overlap


# --------------------------------------------------------------------------- the DCT (spec 5.4 step 1)

@functools.lru_cache(maxsize=None)
def dct_matrix(n):
    """The orthonormal DCT-II basis C_n (row k = frequency k), built in float64 and cast to float32; built once
    per size, as the official modules keep theirs (callers must not change it)."""
    k = torch.arange(n, dtype=torch.float64).reshape(n, 1)
    j = torch.arange(n, dtype=torch.float64).reshape(1, n)
    c = torch.cos(math.pi * k * (2 * j + 1) / (2 * n)) * math.sqrt(2.0 / n)
    c[0, :] = math.sqrt(1.0 / n)
    return c.to(torch.float32)


def dct2d(x):
    """X = C_H x C_W^T per (n, c) plane, in float32 products: along the width first, then the height."""
    h, w = x.shape[-2:]
    ch, cw = dct_matrix(h), dct_matrix(w)
    y = torch.matmul(x, cw.t())
    return torch.matmul(ch, y)


def idct2d(x):
    """The inverse, x = C_H^T X C_W, in the same order (width, then height)."""
    h, w = x.shape[-2:]
    ch, cw = dct_matrix(h), dct_matrix(w)
    y = torch.matmul(x, cw)
    return torch.matmul(ch.t(), y)


def dct2d_exact(x, inverse=False):
    """The same transforms in float64 with the float32 basis (the op fixtures' oracle), rounded to float32."""
    h, w = x.shape[-2:]
    ch, cw = dct_matrix(h).double(), dct_matrix(w).double()
    xd = x.double()
    out = ch.t() @ (xd @ cw) if inverse else ch @ (xd @ cw.t())
    return out.float()


# --------------------------------------------------------------------------- window channel attention

def window_channel_attention(qkv, temperature, mlp_weight, mlp_bias, heads):
    """qkv [N,3C,H,W] (q, k, v as its channel thirds, each split into `heads` groups of C/heads channels).

    H and W are reflect-padded right and bottom to multiples of 8; in each 8x8 window and head, q, k, v are
    (C/heads) x 64 matrices (positions in row-major window order); S = q k^T * temperature[head], softmaxed
    over its last axis; O = S v times GELU(v W^T + b) (a Linear over the 64 positions); the windows are put
    back and the padding cropped. Returns [N,C,H,W]."""
    n, c3, h, w = qkv.shape
    c = c3 // 3
    d = c // heads
    ph, pw = (WINDOW - h % WINDOW) % WINDOW, (WINDOW - w % WINDOW) % WINDOW
    x = F.pad(qkv, (0, pw, 0, ph), mode="reflect") if (ph or pw) else qkv
    hp, wp = h + ph, w + pw
    gh, gw = hp // WINDOW, wp // WINDOW
    # [N, 3, heads, d, gh, 8, gw, 8] -> [3, N, gh, gw, heads, d, 64]
    x = x.reshape(n, 3, heads, d, gh, WINDOW, gw, WINDOW).permute(1, 0, 4, 6, 2, 3, 5, 7)
    x = x.reshape(3, n, gh, gw, heads, d, WINDOW * WINDOW)
    q, k, v = x[0], x[1], x[2]
    s = torch.matmul(q, k.transpose(-2, -1)) * temperature.reshape(heads, 1, 1)
    s = torch.softmax(s, dim=-1)
    o = torch.matmul(s, v)
    o = o * F.gelu(F.linear(v, mlp_weight, mlp_bias))
    # [N, gh, gw, heads, d, 8, 8] -> [N, heads, d, gh, 8, gw, 8]
    o = o.reshape(n, gh, gw, heads, d, WINDOW, WINDOW).permute(0, 3, 4, 1, 5, 2, 6).reshape(n, c, hp, wp)
    return o[:, :, :h, :w]


# --------------------------------------------------------------------------- building blocks (spec 5.4)

class ChannelLayerNorm(nn.Module):
    """LayerNorm over the channels at each pixel, eps 1e-5, weight and bias (keys body.weight, body.bias)."""

    def __init__(self, dim):
        super().__init__()
        self.body = nn.Module()
        self.body.weight = nn.Parameter(torch.ones(dim))
        self.body.bias = nn.Parameter(torch.zeros(dim))

    def forward(self, x):
        mu = x.mean(1, keepdim=True)
        var = ((x - mu) ** 2).mean(1, keepdim=True)
        y = (x - mu) / torch.sqrt(var + 1e-5)
        return y * self.body.weight.reshape(1, -1, 1, 1) + self.body.bias.reshape(1, -1, 1, 1)


class WindowAttention(nn.Module):
    """'channel_mlp' attention: [prior modulation], qkv 1x1, depthwise 3x3, window channel attention with
    the 64x64 window MLP gate, project_out 1x1."""

    def __init__(self, dim, heads, latent=None):
        super().__init__()
        self.heads = heads
        self.temperature = nn.Parameter(torch.ones(heads, 1, 1) / math.sqrt(dim))
        if latent is not None:
            self.kv = nn.Linear(latent, 2 * dim, bias=True)
        self.mlp = nn.Sequential(nn.Linear(WINDOW * WINDOW, WINDOW * WINDOW, bias=True), nn.GELU())
        self.qkv = nn.Conv2d(dim, 3 * dim, 1, bias=True)
        self.qkv_dwconv = nn.Conv2d(3 * dim, 3 * dim, 3, padding=1, groups=3 * dim, bias=True)
        self.project_out = nn.Conv2d(dim, dim, 1, bias=True)

    def forward(self, x, prior=None):
        if hasattr(self, "kv"):
            kv = self.kv(prior)
            c = x.shape[1]
            x = x * kv[:, :c, None, None] + kv[:, c:, None, None]
        qkv = self.qkv_dwconv(self.qkv(x))
        o = window_channel_attention(qkv, self.temperature.reshape(-1), self.mlp[0].weight, self.mlp[0].bias,
                                     self.heads)
        return self.project_out(o)


class GatedFeedForward(nn.Module):
    """project_in 1x1 C -> 2 hidden, depthwise 3x3, GELU(first half) * second half, project_out 1x1."""

    def __init__(self, dim, expansion):
        super().__init__()
        hidden = int(dim * expansion)
        self.project_in = nn.Conv2d(dim, 2 * hidden, 1, bias=True)
        self.dwconv = nn.Conv2d(2 * hidden, 2 * hidden, 3, padding=1, groups=2 * hidden, bias=True)
        self.project_out = nn.Conv2d(hidden, dim, 1, bias=True)

    def forward(self, x):
        a, b = self.dwconv(self.project_in(x)).chunk(2, dim=1)
        return self.project_out(F.gelu(a) * b)


class TransformerBlock(nn.Module):
    """X = DCT(x); X = X + attn(norm1(X), prior); x = IDCT(X); x = x + ffn(norm2(x))."""

    def __init__(self, dim, heads, expansion, latent=None):
        super().__init__()
        self.norm1 = ChannelLayerNorm(dim)
        self.attn = nn.Sequential(WindowAttention(dim, heads, latent))
        self.norm2 = ChannelLayerNorm(dim)
        self.ffn = nn.Sequential(GatedFeedForward(dim, expansion))

    def forward(self, x, prior=None):
        xd = dct2d(x)
        xd = xd + self.attn[0](self.norm1(xd), prior)
        x = idct2d(xd)
        return x + self.ffn[0](self.norm2(x))


class BlockPair(nn.Module):
    """Two transformer blocks in series (keys trans1, trans2)."""

    def __init__(self, dim, heads, expansion, latent=None):
        super().__init__()
        self.trans1 = TransformerBlock(dim, heads, expansion, latent)
        self.trans2 = TransformerBlock(dim, heads, expansion, latent)

    def forward(self, x, prior=None):
        return self.trans2(self.trans1(x, prior), prior)


class PatchEmbed(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, 3, padding=1, bias=False)

    def forward(self, x):
        return self.proj(x)


class Down(nn.Module):
    """Conv 3x3 C -> C/2 (no bias), then pixel-unshuffle by 2: 2C at half resolution."""

    def __init__(self, dim):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(dim, dim // 2, 3, padding=1, bias=False))

    def forward(self, x):
        return F.pixel_unshuffle(self.body(x), 2)


class Up(nn.Module):
    """Conv 3x3 C -> 2C (no bias), then pixel-shuffle by 2: C/2 at double resolution."""

    def __init__(self, dim):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(dim, 2 * dim, 3, padding=1, bias=False), nn.PixelShuffle(2))

    def forward(self, x):
        return self.body(x)


class LoFormer(nn.Module):
    """The network on one batch of tiles: [N,3,h,w] (h, w multiples of 8) -> the residual map [N,3,h,w]
    (the output conv; the tiled inference merges the maps and adds the input image). With `latent`, the
    decoder blocks take the BlurDM prior [N, latent]."""

    def __init__(self, dim=32, enc_blocks=(1, 2, 3), mid_blocks=7, dec_blocks=(3, 2, 2), heads_enc=(1, 2, 4),
                 heads_mid=8, expansion=2.66, latent=256):
        super().__init__()
        self.patch_embed = PatchEmbed(dim)
        self.encoders, self.downs = nn.ModuleList(), nn.ModuleList()
        ch = dim
        for blocks, heads in zip(enc_blocks, heads_enc):
            self.encoders.append(nn.Sequential(*[BlockPair(ch, heads, expansion) for _ in range(blocks)]))
            self.downs.append(Down(ch))
            ch *= 2
        self.middle_blks = nn.Sequential(*[BlockPair(ch, heads_mid, expansion) for _ in range(mid_blocks)])
        self.ups, self.reduce_chan, self.decoders = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        for j, (blocks, heads) in enumerate(zip(dec_blocks, tuple(heads_enc)[::-1])):
            self.ups.append(Up(ch))
            if j < len(dec_blocks) - 1:
                self.reduce_chan.append(nn.Conv2d(ch, ch // 2, 1, bias=True))
                ch //= 2
            else:
                self.reduce_chan.append(nn.Identity())
            self.decoders.append(nn.ModuleList([BlockPair(ch, heads, expansion, latent) for _ in range(blocks)]))
        self.output = nn.Conv2d(ch, 3, 3, padding=1, bias=True)

    def forward(self, x, prior=None, trace=None):
        x = self.patch_embed(x)
        skips = []
        for enc, down in zip(self.encoders, self.downs):
            x = enc(x)
            skips.append(x)
            x = down(x)
        x = self.middle_blks(x)
        if trace is not None:
            trace["middle"] = x
        for j, (up, reduce, dec) in enumerate(zip(self.ups, self.reduce_chan, self.decoders)):
            x = reduce(torch.cat([up(x), skips[-1 - j]], dim=1))
            for pair in dec:
                x = pair(x, prior)
            if trace is not None:
                trace[f"decoder{j}"] = x
        return self.output(x)


# --------------------------------------------------------------------------- tiling (spec 5.4.6)

def tile_grid(h, w, tile=TILE, overlap=OVERLAP):
    """Tile origins (row-major), the tile size (kh, kw) and per axis (count, stride), as the official grids():
    the kernel is min(side, tile), the stride kernel - overlap, the first origin whose tile reaches the end
    is moved back to side - kernel and is the last."""
    kh, kw = min(h, tile), min(w, tile)
    sh, sw = kh - overlap, kw - overlap
    nr, nc = (h - overlap - 1) // sh + 1, (w - overlap - 1) // sw + 1

    def origins(side, k, s, count):
        step = k if count == 1 else s
        out, p = [], 0
        while p < side:
            if p + k >= side:
                out.append(side - k)
                break
            out.append(p)
            p += step
        return out

    rows, cols = origins(h, kh, sh, nr), origins(w, kw, sw, nc)
    return [(i, j) for i in rows for j in cols], (kh, kw), (nr, sh), (nc, sw)


def cut_tiles(x, origins, size):
    kh, kw = size
    return torch.cat([x[:, :, i:i + kh, j:j + kw] for i, j in origins], dim=0)


def merge_official(tiles, origins, size, axes, h, w, overlap=OVERLAP):
    """The official ramp merging, literally: each tile map is multiplied in place by up to four ramps per
    axis (in this order: rows first, then columns), then all are summed into a zero canvas."""
    kh, kw = size
    (nr, sh), (nc, sw) = axes
    eh, ew = nr * sh + 2 * overlap - h, nc * sw + 2 * overlap - w
    up_o, down_o = torch.linspace(0.0, 1.0, overlap), torch.linspace(1.0, 0.0, overlap)
    up_eh, down_eh = torch.linspace(0.0, 1.0, eh), torch.linspace(1.0, 0.0, eh)
    up_ew, down_ew = torch.linspace(0.0, 1.0, ew), torch.linspace(1.0, 0.0, ew)
    out = torch.zeros(1, tiles.shape[1], h, w)
    t = tiles.clone()
    for n, (i, j) in enumerate(origins):
        if i != 0 and i + kh != h:
            t[n, :, :overlap, :] *= up_o.reshape(-1, 1)
        if i + 2 * kh - eh < h:
            t[n, :, kh - overlap:, :] *= down_o.reshape(-1, 1)
        if i + kh == h:
            t[n, :, :eh, :] *= up_eh.reshape(-1, 1)
        if i + 2 * kh - eh == h:
            t[n, :, kh - eh:, :] *= down_eh.reshape(-1, 1)
        if j != 0 and j + kw != w:
            t[n, :, :, :overlap] *= up_o
        if j + 2 * kw - ew < w:
            t[n, :, :, kw - overlap:] *= down_o
        if j + kw == w:
            t[n, :, :, :ew] *= up_ew
        if j + 2 * kw - ew == w:
            t[n, :, :, kw - ew:] *= down_ew
        out[0, :, i:i + kh, j:j + kw] += t[n]
    return out


def seamless_axis_weights(origins, k, side, overlap=OVERLAP):
    """Per-axis weights of the seamless merge: each tile ramps linearly over `overlap` pixels at an edge that
    is not the image's, and the weights at each position are divided by their sum (so they add up to 1 and
    an image border is never faded)."""
    pos = sorted(set(origins))
    raw = torch.zeros(len(pos), side, dtype=torch.float64)
    r = torch.arange(k, dtype=torch.float64)
    for t, p in enumerate(pos):
        a = torch.ones(k, dtype=torch.float64)
        if p != 0:
            a = torch.minimum(a, (r + 1) / (overlap + 1))
        if p + k != side:
            a = torch.minimum(a, (k - r) / (overlap + 1))
        raw[t, p:p + k] = a
    return {p: (raw[t] / raw.sum(0)).to(torch.float32) for t, p in enumerate(pos)}


def merge_seamless(tiles, origins, size, h, w, overlap=OVERLAP):
    kh, kw = size
    wr = seamless_axis_weights([i for i, _ in origins], kh, h, overlap)
    wc = seamless_axis_weights([j for _, j in origins], kw, w, overlap)
    out = torch.zeros(1, tiles.shape[1], h, w)
    for n, (i, j) in enumerate(origins):
        wt = wr[i][i:i + kh].reshape(-1, 1) * wc[j][j:j + kw].reshape(1, -1)
        out[0, :, i:i + kh, j:j + kw] += tiles[n] * wt
    return out


# --------------------------------------------------------------------------- inference pipeline (spec 8.2)

def reflect_index(n, size):
    """Indices 0..n-1 into a side of `size`, mirrored without repeating the edge as often as needed."""
    if size == 1:
        return torch.zeros(n, dtype=torch.int64)
    period = 2 * size - 2
    i = torch.arange(n) % period
    return torch.where(i < size, i, period - i)


def padded_side(side, tile=TILE):
    """The side the network runs on: unchanged when the official code takes it (above the tile size, or a
    multiple of 8 above 32); else the next multiple of 8, at least 40 (the engine's extension)."""
    if side > tile or (side % 8 == 0 and side > 32):
        return side
    return max(40, (side + 7) // 8 * 8)


def deblur_tiled(net, dm, img_uint8, noise, tile=TILE, overlap=OVERLAP, seamless=False, quantise="save_image",
                 trace=None):
    """img_uint8: HxWx3 uint8. noise: [tiles, latent] (ignored without dm). Returns HxWx3 uint8.

    v/255; sides the official code cannot run are reflect-padded right/bottom (padded_side); the image is cut
    into tiles (tile_grid); the prior, when there is one, is computed per tile; the network's residual maps
    are merged (the official ramps, or seamless), cropped, added to the image, clamped to [0, 1] and
    quantised: 'save_image' (x255 + 0.5, clamp, truncate: BlurDM's predict script) or 'img_as_ubyte'
    (x255 in float32, round half to even: LoFormer's val.py)."""
    h, w = img_uint8.shape[:2]
    x = img_uint8.permute(2, 0, 1)[None].float() / 255
    hp, wp = padded_side(h, tile), padded_side(w, tile)
    xp = x[:, :, reflect_index(hp, h)][:, :, :, reflect_index(wp, w)]
    origins, size, rows, cols = tile_grid(hp, wp, tile, overlap)
    tiles = cut_tiles(xp, origins, size)
    prior = dm(tiles, noise) if dm is not None else None
    maps = net(tiles, prior)
    merged = merge_seamless(maps, origins, size, hp, wp, overlap) if seamless else \
        merge_official(maps, origins, size, (rows, cols), hp, wp, overlap)
    out = merged[:, :, :h, :w] + x
    if trace is not None:
        trace.update(padded=xp, prior=prior, maps=maps, merged=merged, out=out)
    out = torch.clamp(out, 0, 1)[0].permute(1, 2, 0)
    if quantise == "save_image":
        q = torch.clamp(out * 255 + 0.5, 0, 255).to(torch.uint8)
    else:
        assert quantise == "img_as_ubyte", quantise
        q = torch.clamp(torch.round(out * 255), 0, 255).to(torch.uint8)   # torch.round: half to even
    return q
