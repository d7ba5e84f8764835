"""Clean-room PyTorch reference of BlurDM with MIMO-UNet(+) backbones.

Written from ../shared/design/blurdm-spec.md (sections 1-5.1, 8), not from the official code.
Used to make parity fixtures for the Java engine and to train the weights the engine ships.
Parameter names equal ../shared/design/keys/{mimo_unet_plus_prior,latent_exposure_diffusion,
sharp_encoder_stage1_bn}.tsv (checked by test_reference_keys.py).

Sizes are configurable; the defaults are the paper's (MIMO-UNet+: base 32 channels, 20 ResBlocks per
stage; latent encoder 64 features, 6 ResBlocks; latent 256; T = 5).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

LRELU_SLOPE = 0.1


# --------------------------------------------------------------------------- latent encoder (spec 3)

class _LEResBlock(nn.Module):
    """conv3x3 -> (BN) -> LReLU(0.1) -> conv3x3 -> (BN), plus the input."""

    def __init__(self, ch, bn):
        super().__init__()
        layers = [nn.Conv2d(ch, ch, 3, 1, 1)]
        if bn:
            layers.append(nn.BatchNorm2d(ch))
        layers.append(nn.LeakyReLU(LRELU_SLOPE, inplace=False))
        layers.append(nn.Conv2d(ch, ch, 3, 1, 1))
        if bn:
            layers.append(nn.BatchNorm2d(ch))
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x) + x


class LatentEncoder(nn.Module):
    """LE_arch: PixelUnshuffle(4) of both inputs, conv stack at 1/4 scale, global mean, 2-layer MLP."""

    def __init__(self, n_feats=64, n_encoder_res=6, latent=256, bn=False):
        super().__init__()
        e = [nn.Conv2d(96, n_feats, 3, 1, 1), nn.LeakyReLU(LRELU_SLOPE)]
        e += [_LEResBlock(n_feats, bn) for _ in range(n_encoder_res)]
        e += [nn.Conv2d(n_feats, n_feats * 2, 3, 1, 1), nn.LeakyReLU(LRELU_SLOPE),
              nn.Conv2d(n_feats * 2, n_feats * 2, 3, 1, 1), nn.LeakyReLU(LRELU_SLOPE),
              nn.Conv2d(n_feats * 2, latent, 3, 1, 1), nn.LeakyReLU(LRELU_SLOPE),
              nn.AdaptiveAvgPool2d(1)]
        self.E = nn.Sequential(*e)
        self.mlp = nn.Sequential(nn.Linear(latent, latent), nn.LeakyReLU(LRELU_SLOPE),
                                 nn.Linear(latent, latent), nn.LeakyReLU(LRELU_SLOPE))

    def forward(self, x, g):
        h = torch.cat([F.pixel_unshuffle(x, 4), F.pixel_unshuffle(g, 4)], dim=1)
        h = self.E(h).squeeze(-1).squeeze(-1)
        return self.mlp(h)


# --------------------------------------------------------------------------- denoisers (spec 4)

class _MLPBlock(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.resmlp = nn.Sequential(nn.Linear(width, width), nn.LeakyReLU(LRELU_SLOPE))

    def forward(self, x):
        return self.resmlp(x)  # no residual connection, despite the name


class LatentDenoiser(nn.Module):
    """Input [c (latent) | t/T | z_t] -> Linear -> LReLU -> 5 x (Linear + LReLU)."""

    def __init__(self, latent=256, n_denoise_res=5, T=5):
        super().__init__()
        self.T = T
        layers = [nn.Linear(2 * latent + 1, latent), nn.LeakyReLU(LRELU_SLOPE)]
        layers += [_MLPBlock(latent) for _ in range(n_denoise_res)]
        self.resmlp = nn.Sequential(*layers)

    def forward(self, z, t, c):
        tt = torch.full((z.shape[0], 1), float(t) / self.T, dtype=z.dtype, device=z.device)
        return self.resmlp(torch.cat([c, tt, z], dim=1))


# --------------------------------------------------------------------------- the diffusion (spec 2)

class LatentExposureDiffusion(nn.Module):
    """Blur encoder + noise and blur-residual estimators; T-step deterministic reverse sampler."""

    def __init__(self, n_feats=64, n_encoder_res=6, latent=256, n_denoise_res=5, T=5,
                 alpha_max=2.0, beta_max=0.02):
        super().__init__()
        self.T = T
        self.condition_encoder = LatentEncoder(n_feats, n_encoder_res, latent, bn=False)
        self.noise_model = LatentDenoiser(latent, n_denoise_res, T)
        self.lcr_model = LatentDenoiser(latent, n_denoise_res, T)
        alphas = torch.linspace(1.0, alpha_max, T + 1)
        b = torch.linspace(0.0, beta_max, T)
        bars = []
        for t in range(1, T + 1):
            s = torch.zeros(())
            for i in range(1, t + 1):
                s = s + (alphas[i - 1] / alphas[t]) ** 2 * b[i - 1]
            bars.append(torch.sqrt(s))
        self.register_buffer("alphas", alphas)
        self.register_buffer("betas_bar", torch.stack(bars).to(torch.float32))
        self.register_buffer("time_stamps_list", torch.arange(T, 0, -1, dtype=torch.int64))

    def coefficient(self, t):
        """c_t = alpha_t * beta_bar_t / alpha_{t-1} - beta_bar_{t-1}; c_1 = beta_bar_1 = 0 (spec 2.3)."""
        if t == 1:
            return self.betas_bar[0]
        return (self.alphas[t] * self.betas_bar[t - 1]) / self.alphas[t - 1] - self.betas_bar[t - 2]

    def forward_diffusion(self, z0, blur_latent, eps):
        """Training-time closed form z_T = Z_B + beta_bar_T * eps (the reverse start)."""
        return blur_latent + self.betas_bar[self.T - 1] * eps

    def sample(self, blurred, noise, trace=None):
        """Reverse loop: z = Z_B + beta_bar_T eps, then for t = T..1 z <- (a_t z - e)/a_{t-1} - c_t eps_hat."""
        zb = self.condition_encoder(blurred, blurred)
        if trace is not None:
            trace["z_b"] = zb
        z = zb + self.betas_bar[self.T - 1] * noise
        if trace is not None:
            trace[f"z_{self.T}"] = z
        for t in self.time_stamps_list.tolist():
            eps_hat = self.noise_model(z, t, zb)
            e_hat = self.lcr_model(z, t, zb)
            z = (self.alphas[t] * z - e_hat) / self.alphas[t - 1] - self.coefficient(t) * eps_hat
            if trace is not None:
                trace[f"z_{t - 1}"] = z
        return z

    def forward(self, blurred, noise, trace=None):
        return self.sample(blurred, noise, trace)


# --------------------------------------------------------------------------- MIMO-UNet(+) (spec 5.1)

class BasicConv(nn.Module):
    def __init__(self, cin, cout, k, stride=1, relu=True, transpose=False):
        super().__init__()
        if transpose:
            conv = nn.ConvTranspose2d(cin, cout, k, stride=stride, padding=k // 2 - 1)
        else:
            conv = nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2)
        layers = [conv]
        if relu:
            layers.append(nn.ReLU())
        self.main = nn.Sequential(*layers)

    def forward(self, x):
        return self.main(x)


class ResBlock(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.main = nn.Sequential(BasicConv(ch, ch, 3, relu=True), BasicConv(ch, ch, 3, relu=False))

    def forward(self, x):
        return self.main(x) + x


class EBlock(nn.Module):
    def __init__(self, ch, num_res):
        super().__init__()
        self.layers = nn.Sequential(*[ResBlock(ch) for _ in range(num_res)])

    def forward(self, x):
        return self.layers(x)


class DBlock(nn.Module):
    """Prior modulation x * k + v ([k | v] = Linear(P), no bias) when with_prior, then ResBlocks."""

    def __init__(self, ch, num_res, latent=256, with_prior=True):
        super().__init__()
        self.with_prior = with_prior
        if with_prior:
            self.kv = nn.Linear(latent, 2 * ch, bias=False)
        self.layers = nn.Sequential(*[ResBlock(ch) for _ in range(num_res)])

    def forward(self, x, prior=None):
        if self.with_prior:
            k, v = self.kv(prior).chunk(2, dim=1)
            x = x * k[:, :, None, None] + v[:, :, None, None]
        return self.layers(x)


class SCM(nn.Module):
    def __init__(self, planes):
        super().__init__()
        self.main = nn.Sequential(
            BasicConv(3, planes // 4, 3, relu=True),
            BasicConv(planes // 4, planes // 2, 1, relu=True),
            BasicConv(planes // 2, planes // 2, 3, relu=True),
            BasicConv(planes // 2, planes - 3, 1, relu=True))
        self.conv = BasicConv(planes, planes, 1, relu=False)

    def forward(self, x):
        return self.conv(torch.cat([x, self.main(x)], dim=1))


class FAM(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.merge = BasicConv(ch, ch, 3, relu=False)

    def forward(self, x1, x2):
        return x1 + self.merge(x1 * x2)


class AFF(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Sequential(BasicConv(cin, cout, 1, relu=True), BasicConv(cout, cout, 3, relu=False))

    def forward(self, a, b, c):
        return self.conv(torch.cat([a, b, c], dim=1))


class MIMOUNet(nn.Module):
    """MIMO-UNet (num_res 8) / MIMO-UNet+ (num_res 20), optionally with the BlurDM prior in the decoder."""

    def __init__(self, base=32, num_res=20, latent=256, with_prior=True):
        super().__init__()
        c1, c2, c4 = base, base * 2, base * 4
        self.with_prior = with_prior
        self.Encoder = nn.ModuleList([EBlock(c1, num_res), EBlock(c2, num_res), EBlock(c4, num_res)])
        self.feat_extract = nn.ModuleList([
            BasicConv(3, c1, 3, relu=True),
            BasicConv(c1, c2, 3, stride=2, relu=True),
            BasicConv(c2, c4, 3, stride=2, relu=True),
            BasicConv(c4, c2, 4, stride=2, relu=True, transpose=True),
            BasicConv(c2, c1, 4, stride=2, relu=True, transpose=True),
            BasicConv(c1, 3, 3, relu=False)])
        self.Decoder = nn.ModuleList([DBlock(c4, num_res, latent, with_prior),
                                      DBlock(c2, num_res, latent, with_prior),
                                      DBlock(c1, num_res, latent, with_prior)])
        self.Convs = nn.ModuleList([BasicConv(c4, c2, 1, relu=True), BasicConv(c2, c1, 1, relu=True)])
        self.ConvsOut = nn.ModuleList([BasicConv(c4, 3, 3, relu=False), BasicConv(c2, 3, 3, relu=False)])
        self.AFFs = nn.ModuleList([AFF(c1 + c2 + c4, c1), AFF(c1 + c2 + c4, c2)])
        self.FAM1 = FAM(c4)
        self.SCM1 = SCM(c4)
        self.FAM2 = FAM(c2)
        self.SCM2 = SCM(c2)
        self.drop1 = nn.Dropout2d(0.1)
        self.drop2 = nn.Dropout2d(0.1)

    def forward(self, x, prior=None, trace=None):
        x2 = F.interpolate(x, scale_factor=0.5)
        x4 = F.interpolate(x2, scale_factor=0.5)
        z2 = self.SCM2(x2)
        z4 = self.SCM1(x4)
        res1 = self.Encoder[0](self.feat_extract[0](x))
        z = self.FAM2(self.feat_extract[1](res1), z2)
        res2 = self.Encoder[1](z)
        z = self.FAM1(self.feat_extract[2](res2), z4)
        z = self.Encoder[2](z)
        z12 = F.interpolate(res1, scale_factor=0.5)
        z21 = F.interpolate(res2, scale_factor=2)
        z42 = F.interpolate(z, scale_factor=2)
        z41 = F.interpolate(z42, scale_factor=2)
        res2 = self.AFFs[1](z12, res2, z42)
        res1 = self.AFFs[0](res1, z21, z41)
        res2 = self.drop2(res2)
        res1 = self.drop1(res1)
        z = self.Decoder[0](z, prior)
        out4 = self.ConvsOut[0](z) + x4
        if trace is not None:
            trace["decoder0"] = z
        z = self.feat_extract[3](z)
        z = self.Convs[0](torch.cat([z, res2], dim=1))
        z = self.Decoder[1](z, prior)
        out2 = self.ConvsOut[1](z) + x2
        if trace is not None:
            trace["decoder1"] = z
        z = self.feat_extract[4](z)
        z = self.Convs[1](torch.cat([z, res1], dim=1))
        z = self.Decoder[2](z, prior)
        if trace is not None:
            trace["decoder2"] = z
        out1 = self.feat_extract[5](z) + x
        return [out4, out2, out1]


def mimo_unet_plus_prior(base=32, num_res=20):
    return MIMOUNet(base, num_res, 256, with_prior=True)


def mimo_unet_plus(base=32, num_res=20):
    return MIMOUNet(base, num_res, 256, with_prior=False)


def mimo_unet(base=32, num_res=8):
    return MIMOUNet(base, num_res, 256, with_prior=False)


# --------------------------------------------------------------------------- inference pipeline (spec 8)

def deblur(backbone, dm, img_uint8, noise):
    """img_uint8: HxWx3 uint8 tensor. Returns HxWx3 uint8, as the MIMO-UNet+ pipeline does."""
    h, w = img_uint8.shape[:2]
    x = img_uint8.permute(2, 0, 1)[None].float() / 255 - 0.5
    ph, pw = (8 - h % 8) % 8, (8 - w % 8) % 8
    xp = F.pad(x, (0, pw, 0, ph), mode="reflect") if (ph or pw) else x
    prior = dm(xp, noise) if dm is not None else None  # None: a backbone without prior
    out = backbone(xp, prior)[2][:, :, :h, :w]
    out = torch.clamp(out, -0.5, 0.5) + 0.5
    q = torch.clamp(out * 255 + 0.5, 0, 255).to(torch.uint8)
    return q[0].permute(1, 2, 0)


def deblur_original(backbone, img_uint8):
    """img_uint8: HxWx3 uint8 tensor. Returns HxWx3 uint8 as the original MIMO-UNet release is evaluated
    (chosj95/MIMO-UNet eval.py, whose steps these are, in our words): inputs v/255 in [0, 1] with no shift
    (to_tensor); the full-resolution output out[2]; clamp to [0, 1]; add 0.5/255 (a float32 add of the
    Python scalar); x255 and truncate to uint8 (to_pil_image's mul(255).byte()). eval.py pads nothing and
    fails on sides that are not multiples of 4; those are reflect-padded right/bottom to the next multiple
    of 4 and cropped back here (the engine's extension), so multiples of 4 give eval.py's result exactly."""
    h, w = img_uint8.shape[:2]
    x = img_uint8.permute(2, 0, 1)[None].float().div(255)
    ph, pw = (4 - h % 4) % 4, (4 - w % 4) % 4
    xp = F.pad(x, (0, pw, 0, ph), mode="reflect") if (ph or pw) else x
    out = backbone(xp)[2][:, :, :h, :w]
    out = torch.clamp(out, 0, 1)
    out += 0.5 / 255
    q = out.mul(255).byte()
    return q[0].permute(1, 2, 0)
