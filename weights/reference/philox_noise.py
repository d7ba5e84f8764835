"""Python twin of io.github.blurdm.runtime.PhiloxNoise: Philox4x32-10 + Box-Muller standard normals.

Element i of stream s for a 64-bit seed: Philox block counter (i // 4, 0, s lo, s hi), key (seed lo,
seed hi); u_k = (w_k + 0.5) / 2^32; pair (u0, u1) gives elements 0, 1 of the block as r cos(2 pi u1),
r sin(2 pi u1) with r = sqrt(-2 ln u0); pair (u2, u3) gives elements 2, 3. Uses the math library (the
Java/CUDA versions use IEEE-exact polynomial evaluations); results agree to the last float bit except
in rare double-rounding ties, which parity tests tolerate.
"""
import math

M0, M1, W0, W1 = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85
MASK = 0xFFFFFFFF


def philox4x32_10(ctr, k0, k1):
    c = list(ctr)
    for _ in range(10):
        p0 = M0 * c[0]
        p1 = M1 * c[2]
        c = [((p1 >> 32) ^ c[1] ^ k0) & MASK, p1 & MASK, ((p0 >> 32) ^ c[3] ^ k1) & MASK, p0 & MASK]
        k0 = (k0 + W0) & MASK
        k1 = (k1 + W1) & MASK
    return c


def gaussian(seed, stream, count):
    import numpy as np
    out = np.zeros(count, dtype=np.float32)
    for block in range((count + 3) // 4):
        w = philox4x32_10([block & MASK, 0, stream & MASK, (stream >> 32) & MASK], seed & MASK, (seed >> 32) & MASK)
        for pair in range(2):
            i = block * 4 + pair * 2
            if i >= count:
                break
            u0 = (w[2 * pair] + 0.5) * 2.0 ** -32
            u1 = (w[2 * pair + 1] + 0.5) * 2.0 ** -32
            r = math.sqrt(-2.0 * math.log(u0))
            out[i] = r * math.cos(2 * math.pi * u1)
            if i + 1 < count:
                out[i + 1] = r * math.sin(2 * math.pi * u1)
    return out


if __name__ == "__main__":
    assert philox4x32_10([0, 0, 0, 0], 0, 0) == [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
    assert philox4x32_10([MASK] * 4, MASK, MASK) == [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]
    print(gaussian(2023, 0, 8))
