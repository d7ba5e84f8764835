"""Checks stripformer_reference.py against the design's key list (../shared/design/keys/stripformer_prior.tsv, or the
copy in blurdm/src/test/resources/keys/) and the spec's parameter counts: 388 tensors and 22,264,515 parameters with
the prior's kv layers, 370 tensors and 19,708,611 parameters without (the original Stripformer release); and that
the reference's two strip directions on a square map give what the same blocks give on the map transposed.

Run: /usr/bin/python3 weights/reference/test_stripformer_reference.py  (exit code 1 on any difference)
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stripformer_reference as sr  # noqa: E402
from test_reference_keys import compare  # noqa: E402


def main():
    ok = compare("Stripformer with prior", sr.StripformerPrior(), "stripformer_prior.tsv")
    with_prior = sr.StripformerPrior()
    original = sr.stripformer()
    counts = (len(with_prior.state_dict()), sum(p.numel() for p in with_prior.parameters()),
              len(original.state_dict()), sum(p.numel() for p in original.parameters()))
    print(f"tensors/parameters with prior {counts[0]}/{counts[1]:,}, original {counts[2]}/{counts[3]:,}")
    ok &= counts == (388, 22_264_515, 370, 19_708_611)
    missing = set(with_prior.state_dict()) - set(original.state_dict())
    ok &= len(missing) == 18 and all(k.endswith(".kv.weight") for k in missing)
    # transposing the input swaps the roles of rows and columns: with qkv_local_h/v and conv_h/v swapped, the
    # output is the transposed output (the attention is the same routine both ways)
    torch.manual_seed(0)
    for block in (sr.IntraSA(32, 64, None), sr.InterSA(32, 64, None)):
        swapped = type(block)(32, 64, None)
        sd = block.state_dict()
        names = ("qkv_local_h", "qkv_local_v") if isinstance(block, sr.IntraSA) else ("conv_h", "conv_v")
        for k in list(sd):
            if k.startswith(names[0]) or k.startswith(names[1]):
                other = k.replace(names[0], "@").replace(names[1], names[0]).replace("@", names[1])
                sd[other], sd[k] = block.state_dict()[k], block.state_dict()[other]
        # the channel halves swap too: conv_input's two output halves and fuse_out's input halves
        perm = torch.cat([torch.arange(16, 32), torch.arange(16)])
        sd["conv_input.weight"] = sd["conv_input.weight"][perm]
        sd["conv_input.bias"] = sd["conv_input.bias"][perm]
        sd["fuse_out.weight"] = sd["fuse_out.weight"][:, perm]
        sd["PEG.PEG.weight"] = sd["PEG.PEG.weight"].transpose(2, 3)   # the depthwise 3x3 sees the map transposed
        swapped.load_state_dict(sd)
        x = torch.rand(1, 32, 6, 9) - 0.5
        with torch.no_grad():
            a = block(x).transpose(2, 3)
            b = swapped(x.transpose(2, 3))
        err = ((a - b).norm() / a.norm()).item()
        print(f"{type(block).__name__}: transposed input, swapped directions: rel-L2 {err:.1e}")
        ok &= err < 1e-5
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
