"""Clean-room PyTorch reference of FFTformer, with and without the BlurDM prior.

Written from ../shared/design/blurdm-spec.md (sections 5.0, 5.3, 8.2), not from the official code.
Parameter names equal ../shared/design/keys/fftformer_prior.tsv (with the prior: 563 tensors at the
default sizes; without it the 28 `kv` layers are absent: the original FFTformer release's 535 tensors);
checked by test_reference_keys.py.

Every size is a constructor argument (dim, blocks per level, refinement blocks, FFN expansion factor,
conv bias, the prior's latent size, LayerNorm with or without bias); the defaults are the paper's
(dim 48, blocks [6, 6, 12], 4 refinement blocks, factor 3, no bias, latent 256).

The frequency-domain parts are computed with torch.fft exactly as the spec states them (rfft2 of each
8x8 patch, a product, irfft2 with s=(8, 8)): this file is the oracle the engine's exact real forms
(a per-channel 8x8 circular convolution kernel, an 8x8 circular convolution of q and k) are checked
against.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

PATCH = 8
LN_EPS = 1e-5
# the Fuse blocks' inner TransformerBlock always uses this factor (spec 5.3), whatever the network's
FUSE_FFN_FACTOR = 2.66


# --------------------------------------------------------------------------- 8x8 patch transforms

def to_patches(x):
    """[N,C,H,W] -> [N,C,H/8,W/8,8,8]; H and W must be multiples of 8 (as the patch split requires)."""
    n, c, h, w = x.shape
    if h % PATCH or w % PATCH:
        raise ValueError(f"8x8 patch split needs H and W multiples of 8, got {h}x{w}")
    return x.reshape(n, c, h // PATCH, PATCH, w // PATCH, PATCH).permute(0, 1, 2, 4, 3, 5)


def from_patches(p):
    n, c, gh, gw, _, _ = p.shape
    return p.permute(0, 1, 2, 4, 3, 5).reshape(n, c, gh * PATCH, gw * PATCH)


def patch_fft_filter(x, filt):
    """DFFN's filter: per channel, irfft2(rfft2(patch) * filt[c]) on each 8x8 patch; filt [C,1,1,8,5]."""
    spec = torch.fft.rfft2(to_patches(x).float()) * filt
    return from_patches(torch.fft.irfft2(spec, s=(PATCH, PATCH)))


def patch_product(q, k):
    """FSAS's product: irfft2(rfft2(q) * rfft2(k)) on each 8x8 patch and channel."""
    spec = torch.fft.rfft2(to_patches(q).float()) * torch.fft.rfft2(to_patches(k).float())
    return from_patches(torch.fft.irfft2(spec, s=(PATCH, PATCH)))


# --------------------------------------------------------------------------- layers

class _LayerNormBody(nn.Module):
    """LayerNorm over the last dim: weight and bias (with_bias), or weight only with x not centred."""

    def __init__(self, c, with_bias):
        super().__init__()
        self.with_bias = with_bias
        self.weight = nn.Parameter(torch.ones(c))
        if with_bias:
            self.bias = nn.Parameter(torch.zeros(c))

    def forward(self, x):
        var = x.var(-1, keepdim=True, unbiased=False)
        if self.with_bias:
            return (x - x.mean(-1, keepdim=True)) / torch.sqrt(var + LN_EPS) * self.weight + self.bias
        return x / torch.sqrt(var + LN_EPS) * self.weight  # bias-free: the numerator is not centred


class ChannelLayerNorm(nn.Module):
    """LayerNorm over the channels at each pixel of an NCHW map (keys body.weight, body.bias)."""

    def __init__(self, c, with_bias=True):
        super().__init__()
        self.body = _LayerNormBody(c, with_bias)

    def forward(self, x):
        n, c, h, w = x.shape
        y = self.body(x.permute(0, 2, 3, 1).reshape(n, h * w, c))
        return y.reshape(n, h, w, c).permute(0, 3, 1, 2)


class DFFN(nn.Module):
    """1x1 conv to 2*hidden, 8x8 frequency filter, depthwise 3x3, GELU(x1) * x2, 1x1 conv back."""

    def __init__(self, dim, hidden, bias):
        super().__init__()
        self.project_in = nn.Conv2d(dim, 2 * hidden, 1, bias=bias)
        self.dwconv = nn.Conv2d(2 * hidden, 2 * hidden, 3, padding=1, groups=2 * hidden, bias=bias)
        self.fft = nn.Parameter(torch.ones(2 * hidden, 1, 1, PATCH, PATCH // 2 + 1))
        self.project_out = nn.Conv2d(hidden, dim, 1, bias=bias)

    def forward(self, x):
        h = patch_fft_filter(self.project_in(x), self.fft)
        x1, x2 = self.dwconv(h).chunk(2, dim=1)
        return self.project_out(F.gelu(x1) * x2)


class FSAS(nn.Module):
    """Frequency-domain self-attention, with the prior's modulation x * k + v first when latent is set."""

    def __init__(self, dim, bias, latent):
        super().__init__()
        self.to_hidden = nn.Conv2d(dim, 6 * dim, 1, bias=bias)
        self.to_hidden_dw = nn.Conv2d(6 * dim, 6 * dim, 3, padding=1, groups=6 * dim, bias=bias)
        self.project_out = nn.Conv2d(2 * dim, dim, 1, bias=bias)
        self.norm = ChannelLayerNorm(2 * dim, with_bias=True)
        if latent:
            self.kv = nn.Linear(latent, 2 * dim, bias=bias)

    def forward(self, x, prior=None):
        if hasattr(self, "kv"):
            k, v = self.kv(prior).chunk(2, dim=1)
            x = x * k[:, :, None, None] + v[:, :, None, None]
        q, k, v = self.to_hidden_dw(self.to_hidden(x)).chunk(3, dim=1)
        return self.project_out(v * self.norm(patch_product(q, k)))


class TransformerBlock(nn.Module):
    def __init__(self, dim, hidden, bias, att, latent=None, ln_bias=True):
        super().__init__()
        self.att = att
        if att:
            self.norm1 = ChannelLayerNorm(dim, ln_bias)
            self.attn = FSAS(dim, bias, latent)
        self.norm2 = ChannelLayerNorm(dim, ln_bias)
        self.ffn = DFFN(dim, hidden, bias)

    def forward(self, x, prior=None):
        if self.att:
            x = x + self.attn(self.norm1(x), prior)
        return x + self.ffn(self.norm2(x))


class Fuse(nn.Module):
    """1x1 conv (bias) on cat[a, b], a DFFN-only block (factor 2.66, no bias), 1x1 conv (bias), halves summed."""

    def __init__(self, n, ln_bias=True):
        super().__init__()
        self.n = n
        self.att_channel = TransformerBlock(2 * n, int(2 * n * FUSE_FFN_FACTOR), False, False, None, ln_bias)
        self.conv = nn.Conv2d(2 * n, 2 * n, 1)
        self.conv2 = nn.Conv2d(2 * n, 2 * n, 1)

    def forward(self, a, b):
        x = self.conv2(self.att_channel(self.conv(torch.cat([a, b], dim=1))))
        return x[:, :self.n] + x[:, self.n:]


class _PatchEmbed(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, 3, padding=1, bias=False)

    def forward(self, x):
        return self.proj(x)


def _resize(c_in, c_out, scale):
    """Bilinear x scale (align_corners=False), then a 3x3 conv without bias (keys body.1.weight)."""
    return nn.Sequential(nn.Upsample(scale_factor=scale, mode="bilinear", align_corners=False),
                         nn.Conv2d(c_in, c_out, 3, padding=1, bias=False))


class _Resample(nn.Module):
    def __init__(self, c_in, c_out, scale):
        super().__init__()
        self.body = _resize(c_in, c_out, scale)

    def forward(self, x):
        return self.body(x)


class FFTformer(nn.Module):
    """FFTformer (spec 5.3). latent=None: the original network (no prior); else FSAS blocks take P [N,latent]."""

    def __init__(self, dim=48, blocks=(6, 6, 12), refinement=4, ffn_factor=3, bias=False, latent=256,
                 ln_bias=True):
        super().__init__()
        d1, d2, d3 = dim, 2 * dim, 4 * dim

        def level(d, n, att):
            return nn.ModuleList([TransformerBlock(d, int(d * ffn_factor), bias, att, latent if att else None,
                                                   ln_bias) for _ in range(n)])

        self.patch_embed = _PatchEmbed(dim)
        self.encoder_level1 = level(d1, blocks[0], False)
        self.down1_2 = _Resample(d1, d2, 0.5)
        self.encoder_level2 = level(d2, blocks[1], False)
        self.down2_3 = _Resample(d2, d3, 0.5)
        self.encoder_level3 = level(d3, blocks[2], False)
        self.decoder_level3 = level(d3, blocks[2], True)
        self.up3_2 = _Resample(d3, d2, 2)
        self.reduce_chan_level2 = nn.Conv2d(d3, d2, 1, bias=bias)  # in every file, used nowhere
        self.decoder_level2 = level(d2, blocks[1], True)
        self.up2_1 = _Resample(d2, d1, 2)
        self.decoder_level1 = level(d1, blocks[0], True)
        self.refinement = level(d1, refinement, True)
        self.fuse2 = Fuse(d2, ln_bias)
        self.fuse1 = Fuse(d1, ln_bias)
        self.output = nn.Conv2d(d1, 3, 3, padding=1, bias=bias)

    @staticmethod
    def _run(blocks, x, prior):
        for b in blocks:
            x = b(x, prior)
        return x

    def forward(self, x, prior=None, trace=None):
        enc1 = self._run(self.encoder_level1, self.patch_embed(x), prior)
        enc2 = self._run(self.encoder_level2, self.down1_2(enc1), prior)
        enc3 = self._run(self.encoder_level3, self.down2_3(enc2), prior)
        dec3 = self._run(self.decoder_level3, enc3, prior)
        dec2 = self._run(self.decoder_level2, self.fuse2(self.up3_2(dec3), enc2), prior)
        dec1 = self._run(self.decoder_level1, self.fuse1(self.up2_1(dec2), enc1), prior)
        ref = self._run(self.refinement, dec1, prior)
        if trace is not None:
            trace.update({"enc1": enc1, "enc3": enc3, "dec3": dec3, "dec2": dec2, "dec1": dec1, "refinement": ref})
        return self.output(ref) + x


# --------------------------------------------------------------------------- inference (spec 8.2)

SIDE_MULTIPLE = 32


def pad_to(x, multiple):
    h, w = x.shape[-2:]
    ph, pw = (multiple - h % multiple) % multiple, (multiple - w % multiple) % multiple
    return F.pad(x, (0, pw, 0, ph), mode="reflect") if (ph or pw) else x


def deblur(net, dm, img_uint8, noise=None, trace=None):
    """img_uint8: HxWx3 uint8 tensor -> HxWx3 uint8, as BlurDM's FFTformer predict script and the original
    FFTformer test script both do it: v/255; reflect pad right/bottom to a multiple of 32; the prior from the
    padded image when dm is given (else none: the original release); crop; clamp [0, 1]; += 0.5/255 (a float32
    add); x255 and truncate to uint8 (to_pil_image's mul(255).byte())."""
    h, w = img_uint8.shape[:2]
    x = img_uint8.permute(2, 0, 1)[None].float().div(255)
    xp = pad_to(x, SIDE_MULTIPLE)
    prior = dm(xp, noise) if dm is not None else None
    if trace is not None:
        trace["x"] = xp
        if prior is not None:
            trace["prior"] = prior
    out = net(xp, prior, trace)
    if trace is not None:
        trace["out"] = out
    out = torch.clamp(out[:, :, :h, :w], 0, 1)
    out += 0.5 / 255
    return out.mul(255).byte()[0].permute(1, 2, 0)
