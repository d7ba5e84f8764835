"""Clean-room PyTorch reference of Stripformer with the BlurDM prior, written from the design spec
(../shared/design/blurdm-spec.md, sections 1, 5.0, 5.2, 8.2) and the key list keys/stripformer_prior.tsv.

Parameter names are the official ones (so state dicts load both ways); everything else is ours.
Sizes are arguments so that fixtures can use a small network; the paper's is
StripformerPrior() with its defaults (22,264,515 parameters with the prior's kv layers,
19,708,611 without).

    c1, c2        encoder channels at full and half resolution (64, 128)
    dim           bottleneck channels at 1/4 (320), blocks Trans_block_1..blocks (12)
    dec_dim       decoder transformer channels at 1/2 (192), blocks de_block_1..dec_blocks (6)
    hidden_ratio  token MLP width / channels (4)
    latent        prior length (256); None: no prior (the original Stripformer release)

Heads: head size 32 (5 heads at 320 channels, 3 at 192), one head when half the channels are not a
multiple of 32 (the engine infers the same from the shapes).
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

SLOPE = 0.2


def heads_for(dim):
    half = dim // 2
    return half // 32 if half % 32 == 0 else 1


def lrelu(x):
    return F.leaky_relu(x, SLOPE)


def conv_pair(c_in, c_mid, c_out, k_first=3):
    """Conv, LeakyReLU, Conv3x3 (keys .0 and .2)."""
    return nn.Sequential(nn.Conv2d(c_in, c_mid, k_first, padding=k_first // 2), nn.LeakyReLU(SLOPE),
                         nn.Conv2d(c_mid, c_out, 3, padding=1))


def conv_act(c_in, c_out, k, stride=1, transpose=False):
    """One conv (key .0) followed by LeakyReLU(0.2)."""
    if transpose:
        conv = nn.ConvTranspose2d(c_in, c_out, k, stride=stride, padding=1)
    else:
        conv = nn.Conv2d(c_in, c_out, k, stride=stride, padding=k // 2)
    return nn.Sequential(conv, nn.LeakyReLU(SLOPE))


def channel_norm(x, ln):
    """LayerNorm over the channels of every pixel of an NCHW map."""
    return ln(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


def attention(q, k, v, heads):
    """Softmax attention over [B, T, F] tokens; heads are contiguous chunks of F, scale 1/sqrt(F/heads)."""
    b, t, f = q.shape
    d = f // heads

    def split(z):
        return z.reshape(b, t, heads, d).permute(0, 2, 1, 3)

    scores = torch.matmul(split(q), split(k).transpose(-1, -2)) / math.sqrt(d)
    out = torch.matmul(torch.softmax(scores, dim=-1), split(v))
    return out.permute(0, 2, 1, 3).reshape(b, t, f)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class PEG(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.PEG = nn.Conv2d(dim, dim, 3, padding=1, groups=dim)

    def forward(self, x):
        return self.PEG(x) + x


class StripBlock(nn.Module):
    """What Intra_SA and Inter_SA share: prior modulation, the norms, conv_input, fuse_out, token MLP, PEG."""

    def __init__(self, dim, hidden, latent):
        super().__init__()
        self.dim = dim
        self.heads = heads_for(dim)
        self.attention_norm = nn.LayerNorm(dim)
        self.conv_input = nn.Conv2d(dim, dim, 1)
        self.fuse_out = nn.Conv2d(dim, dim, 1)
        self.ffn_norm = nn.LayerNorm(dim)
        self.ffn = Mlp(dim, hidden)
        self.PEG = PEG(dim)
        self.kv = nn.Linear(latent, 2 * dim, bias=False) if latent else None

    def strips(self, a, b):
        raise NotImplementedError

    def forward(self, x, prior=None):
        skip = x
        if self.kv is not None:
            scale, shift = self.kv(prior).chunk(2, dim=1)
            x = x * scale[:, :, None, None] + shift[:, :, None, None]
        a, b = self.conv_input(channel_norm(x, self.attention_norm)).chunk(2, dim=1)
        horizontal, vertical = self.strips(a, b)
        x = self.fuse_out(torch.cat([horizontal, vertical], dim=1)) + skip
        t = x.permute(0, 2, 3, 1)
        x = (t + self.ffn(self.ffn_norm(t))).permute(0, 3, 1, 2)
        return self.PEG(x)


class IntraSA(StripBlock):
    """Attention inside each row (tokens = pixels, features = C/2 channels) and inside each column."""

    def __init__(self, dim, hidden, latent):
        super().__init__(dim, hidden, latent)
        half = dim // 2
        self.qkv_local_h = nn.Linear(half, 3 * half)
        self.qkv_local_v = nn.Linear(half, 3 * half)

    def strips(self, a, b):
        n, c, h, w = a.shape
        rows = a.permute(0, 2, 3, 1).reshape(n * h, w, c)
        cols = b.permute(0, 3, 2, 1).reshape(n * w, h, c)
        oh = attention(*self.qkv_local_h(rows).chunk(3, dim=-1), self.heads)
        ov = attention(*self.qkv_local_v(cols).chunk(3, dim=-1), self.heads)
        return oh.reshape(n, h, w, c).permute(0, 3, 1, 2), ov.reshape(n, w, h, c).permute(0, 3, 2, 1)


class InterSA(StripBlock):
    """Attention between whole rows (a token is a row: C/2 x W features, channel-major) and between columns."""

    def __init__(self, dim, hidden, latent):
        super().__init__(dim, hidden, latent)
        half = dim // 2
        self.conv_h = nn.Conv2d(half, 3 * half, 1)
        self.conv_v = nn.Conv2d(half, 3 * half, 1)

    def strips(self, a, b):
        n, c, h, w = a.shape
        qh, kh, vh = (z.permute(0, 2, 1, 3).reshape(n, h, c * w) for z in self.conv_h(a).chunk(3, dim=1))
        qv, kv_, vv = (z.permute(0, 3, 1, 2).reshape(n, w, c * h) for z in self.conv_v(b).chunk(3, dim=1))
        oh = attention(qh, kh, vh, self.heads).reshape(n, h, c, w).permute(0, 2, 1, 3)
        ov = attention(qv, kv_, vv, self.heads).reshape(n, w, c, h).permute(0, 2, 3, 1)
        return oh, ov


class Embeddings(nn.Module):
    def __init__(self, c1, c2, dim):
        super().__init__()
        self.en_layer1_1 = conv_act(3, c1, 3)
        self.en_layer1_2 = conv_pair(c1, c1, c1)
        self.en_layer1_3 = conv_pair(c1, c1, c1)
        self.en_layer1_4 = conv_pair(c1, c1, c1)
        self.en_layer2_1 = conv_act(c1, c2, 3, stride=2)
        self.en_layer2_2 = conv_pair(c2, c2, c2)
        self.en_layer2_3 = conv_pair(c2, c2, c2)
        self.en_layer2_4 = conv_pair(c2, c2, c2)
        self.en_layer3_1 = conv_act(c2, dim, 3, stride=2)

    def forward(self, x):
        h = self.en_layer1_1(x)
        for block in (self.en_layer1_2, self.en_layer1_3, self.en_layer1_4):
            h = lrelu(block(h) + h)
        residual_1 = h
        h = self.en_layer2_1(h)
        for block in (self.en_layer2_2, self.en_layer2_3, self.en_layer2_4):
            h = lrelu(block(h) + h)
        residual_2 = h
        return self.en_layer3_1(h), residual_1, residual_2


class EmbeddingsOutput(nn.Module):
    def __init__(self, c1, c2, dim, dec_dim, dec_blocks, hidden_ratio, latent):
        super().__init__()
        self.de_layer3_1 = conv_act(dim, dec_dim, 4, stride=2, transpose=True)
        self.de_layer2_2 = conv_act(dec_dim + c2, dec_dim, 1)
        for i in range(1, dec_blocks + 1):
            block = IntraSA if i % 2 == 1 else InterSA
            setattr(self, "de_block_%d" % i, block(dec_dim, hidden_ratio * dec_dim, latent))
        self.dec_blocks = dec_blocks
        self.de_layer2_1 = conv_act(dec_dim, c1, 4, stride=2, transpose=True)
        self.de_layer1_3 = conv_pair(2 * c1, c1, c1, k_first=1)
        self.de_layer1_2 = conv_pair(c1, c1, c1)
        self.de_layer1_1 = conv_act(c1, 3, 3)

    def forward(self, x, residual_1, residual_2, prior=None):
        h = self.de_layer2_2(torch.cat([self.de_layer3_1(x), residual_2], dim=1))
        for i in range(1, self.dec_blocks + 1):
            h = getattr(self, "de_block_%d" % i)(h, prior)
        h = self.de_layer2_1(h)
        h = lrelu(self.de_layer1_3(torch.cat([h, residual_1], dim=1)) + h)
        h = lrelu(self.de_layer1_2(h) + h)
        return self.de_layer1_1(h)


class StripformerPrior(nn.Module):
    """Stripformer; with latent set, every transformer block takes the prior (x * k + v before its norm)."""

    def __init__(self, c1=64, c2=128, dim=320, dec_dim=192, blocks=12, dec_blocks=6, hidden_ratio=4, latent=256):
        super().__init__()
        self.encoder = Embeddings(c1, c2, dim)
        for i in range(1, blocks + 1):
            block = IntraSA if i % 2 == 1 else InterSA
            setattr(self, "Trans_block_%d" % i, block(dim, hidden_ratio * dim, latent))
        self.blocks = blocks
        self.decoder = EmbeddingsOutput(c1, c2, dim, dec_dim, dec_blocks, hidden_ratio, latent)
        self.latent = latent

    def forward(self, x, prior=None):
        assert (prior is None) == (self.latent is None), "prior given to a network without kv layers or missing"
        h, residual_1, residual_2 = self.encoder(x)
        for i in range(1, self.blocks + 1):
            h = getattr(self, "Trans_block_%d" % i)(h, prior)
        return self.decoder(h, residual_1, residual_2, prior) + x


def stripformer(**kw):
    """The original Stripformer (no prior's layers)."""
    return StripformerPrior(latent=None, **kw)


def pad_reflect(x, multiple):
    """Reflect padding right and bottom to the next multiple (sides already multiples unchanged)."""
    h, w = x.shape[-2:]
    return F.pad(x, (0, (multiple - w % multiple) % multiple, 0, (multiple - h % multiple) % multiple),
                 mode="reflect")


def normalise(img_uint8):
    """[H,W,3] uint8 -> [1,3,H,W] v/255 - 0.5 (float32 after the division, as both scripts compute it)."""
    x = torch.from_numpy((img_uint8.numpy() / 255).astype("float32")).permute(2, 0, 1)[None]
    return x - 0.5


def save_image_levels(out_01):
    """torchvision save_image's rounding of [1,3,H,W] values in [0,1]: x255 + 0.5, clamp, truncate -> [H,W,3]."""
    return out_01[0].mul(255).add_(0.5).clamp_(0, 255).to(torch.uint8).permute(1, 2, 0)


def deblur(net, dm, img_uint8, noise, multiple=32):
    """BlurDM's Stripformer predict script (spec 8.2): v/255 - 0.5, reflect pad to 32, prior on the padded
    image, crop, clamp [-0.5, 0.5], + 0.5, save_image. multiple=8 with dm=None is the original release's
    RealBlur scripts. Returns (levels [H,W,3] uint8, float output [1,3,H,W] before the clamp, prior or None)."""
    h, w = img_uint8.shape[:2]
    with torch.no_grad():
        xp = pad_reflect(normalise(img_uint8), multiple)
        prior = dm(xp, noise) if dm is not None else None
        out = net(xp, prior)[:, :, :h, :w]
    return save_image_levels(out.clamp(-0.5, 0.5) + 0.5), out, prior
