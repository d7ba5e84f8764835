"""Puts the ablation net of one train.py run into another run's checkpoint, so one checkpoint (and one
weights/checkpoints/small/) holds a BlurDM run and the equal-budget ablation trained beside it.

    /usr/bin/python3 weights/reference/merge_ablation.py --into RUN_A --from RUN_B [--out RUN_C]

RUN_A and RUN_B must be finished (phase 'done') and share the backbone's shape; RUN_B's ablation net replaces
RUN_A's. The merged checkpoint (RUN_C, default RUN_A) records the source in config['merged_ablation'], gets
RUN_B's ablation rows of train.csv/val.csv that RUN_A lacks, and is exported (blurdm.safetensors,
ablation.safetensors) as train.py --export-only does. Nothing is overwritten unless the merge succeeded."""
import argparse
import csv
import json
import os
import shutil
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import train  # noqa: E402


def load(run):
    path = os.path.join(run, "checkpoint.pt")
    if not os.path.exists(path):
        sys.exit(f"{path}: no checkpoint")
    # weights_only=False: our own checkpoints hold RNG states (never load one from elsewhere this way)
    state = torch.load(path, map_location="cpu", weights_only=False)
    if state["phase"] != "done":
        sys.exit(f"{path}: phase {state['phase']} step {state['step']}, not done: finish the run first")
    if "ablation" not in state["nets"]:
        sys.exit(f"{path}: holds no trained ablation net")
    return state


def rows(path):
    if not os.path.exists(path):
        return None, []
    with open(path, newline="") as f:
        r = list(csv.reader(f))
    return (r[0], r[1:]) if r else (None, [])


def merge_csv(dst_path, a_path, b_path):
    head, a_rows = rows(a_path)
    head_b, b_rows = rows(b_path)
    if head_b is not None and head is not None and head_b != head:
        sys.exit(f"{b_path}: columns {head_b} differ from {a_path}'s {head}")
    seen = {tuple(r) for r in a_rows}
    extra = [r for r in b_rows if r and r[0] == "ablation" and tuple(r) not in seen]
    if head is None and head_b is None:
        return None, 0  # neither run logged this file
    with open(dst_path + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(head or head_b)
        w.writerows(a_rows + extra)
    return dst_path + ".tmp", len(extra)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--into", required=True, help="run whose checkpoint keeps everything but the ablation net")
    ap.add_argument("--from", dest="src", required=True, help="run whose ablation net is taken")
    ap.add_argument("--out", default=None, help="merged run folder (default: --into)")
    a = ap.parse_args()
    out = a.out or a.into
    sa, sb = load(a.into), load(a.src)
    if sa["config"]["backbone"] != sb["config"]["backbone"]:
        sys.exit(f"backbones differ: {sa['config']['backbone']} vs {sb['config']['backbone']}")
    cfg = sa["config"]
    cfg["merged_ablation"] = {"from": os.path.abspath(a.src), "iters": sb["config"]["iters"]["ablation"],
                              "lr": sb["config"].get("lr", {}).get("ablation"), "restarts": sb["config"].get("restarts", [])}
    cfg["iters"] = dict(cfg["iters"], ablation=sb["config"]["iters"]["ablation"])
    sa["nets"]["ablation"] = sb["nets"]["ablation"]
    nets = train.build(cfg)
    for k, v in nets.items():
        v.load_state_dict(sa["nets"][k])
    os.makedirs(out, exist_ok=True)
    tmp = []
    for name in ("train.csv", "val.csv"):
        path, n = merge_csv(os.path.join(out, name), os.path.join(a.into, name), os.path.join(a.src, name))
        if path is not None:
            tmp.append((path, os.path.join(out, name)))
        print(f"{name}: {n} ablation rows from {a.src}")
    train.atomic_save(sa, os.path.join(out, "checkpoint.pt"))
    for src, dst in tmp:
        os.replace(src, dst)
    if os.path.abspath(out) != os.path.abspath(a.into) and os.path.exists(os.path.join(a.into, "config.json")):
        shutil.copy(os.path.join(a.into, "config.json"), os.path.join(out, "config.json.into"))
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    train.export(out, cfg, nets, "done", 0)


if __name__ == "__main__":
    main()
