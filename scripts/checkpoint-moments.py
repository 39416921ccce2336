#!/usr/bin/env python3
"""Per-parameter sizes of a checkpoint's weights and Adam moments: how far each parameter can still move.

Reads a checkpoint directory (checkpoint.json + tensors.bin, the format of OUT/checkpoints/<run>/
and OUT/progress/<run>/epoch-N/) and prints, for each parameter, the RMS of the weights, of Adam's
first moment m and of the root of its second moment √v, and the median of |m| / (√v + ε): Adam's
step on that parameter is about lr times this ratio, so a ratio far under 1 means the parameter is
nearly frozen (its recent gradients are small beside those its second moment still remembers).
Checkpoints saved without the optimizer state show the weights only.

With --zero-moments PREFIX it instead sets to 0 Adam's moments of the parameters whose names start
with PREFIX, in place (tensors.bin and the recorded sha256 rewritten): an experiment on a copy of a
run's progress, e.g. to see whether the LRD classifier is held by its second moment's memory.

    scripts/checkpoint-moments.py [--params lrd.,relation] CHECKPOINT_DIR ...
    scripts/checkpoint-moments.py --zero-moments lrd. COPY_OF_OUT/progress/RUN/epoch-N
"""
import argparse
import hashlib
import json
import os
import sys

try:
    import numpy as np
except ImportError:
    sys.exit("error: this script needs numpy (apt-get install python3-numpy)")

EPS = 1e-8  # Adam's ε in model/.../Adam.java


def load(directory):
    meta_path = os.path.join(directory, "checkpoint.json")
    data_path = os.path.join(directory, "tensors.bin")
    try:
        with open(meta_path) as f:
            meta = json.load(f)
        with open(data_path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ValueError(f"{directory}: not a checkpoint ({e})") from e
    except json.JSONDecodeError as e:
        raise ValueError(f"{meta_path}: not JSON ({e})") from e
    tensors = {}
    for t in meta.get("tensors", []):
        if t.get("dtype") != "float32":
            continue
        count = int(np.prod(t["shape"])) if t["shape"] else 1
        if t["offset"] + 4 * count > len(raw):
            raise ValueError(f"{data_path}: tensor {t['name']} runs past the end of the file")
        tensors[t["name"]] = np.frombuffer(raw, dtype="<f4", count=count, offset=t["offset"])
    return meta, tensors


def zero_moments(directory, prefix):
    """Sets adam.m.<p> and adam.v.<p> to 0 for every parameter p starting with prefix; returns their names."""
    meta_path = os.path.join(directory, "checkpoint.json")
    data_path = os.path.join(directory, "tensors.bin")
    meta, _ = load(directory)
    with open(data_path, "rb") as f:
        raw = bytearray(f.read())
    done = []
    for t in meta.get("tensors", []):
        name = t["name"]
        for kind in ("adam.m.", "adam.v."):
            if name.startswith(kind + prefix):
                count = int(np.prod(t["shape"])) if t["shape"] else 1
                raw[t["offset"]:t["offset"] + 4 * count] = bytes(4 * count)
                done.append(name)
    if not done:
        raise ValueError(f"{directory}: no Adam moments of parameters named {prefix}* (saved without the optimizer state?)")
    meta["sha256"] = hashlib.sha256(raw).hexdigest()
    with open(data_path, "wb") as f:
        f.write(raw)
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=2)
    return done


def rms(a):
    return float(np.sqrt(np.mean(np.square(a, dtype=np.float64)))) if a.size else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", default="", help="comma-separated name prefixes to show (default: all)")
    ap.add_argument("--zero-moments", metavar="PREFIX", help="set to 0 the Adam moments of the parameters named PREFIX* (in place)")
    ap.add_argument("checkpoints", nargs="+")
    args = ap.parse_args()
    if args.zero_moments is not None:
        if not args.zero_moments:
            sys.exit("--zero-moments wants a non-empty name prefix, e.g. lrd.")
        for directory in args.checkpoints:
            try:
                names = zero_moments(directory, args.zero_moments)
            except ValueError as e:
                sys.exit(f"error: {e}")
            print(f"{directory}: set to 0: {', '.join(names)}")
        return
    prefixes = [p for p in args.params.split(",") if p]
    for directory in args.checkpoints:
        try:
            meta, tensors = load(directory)
        except ValueError as e:
            sys.exit(f"error: {e}")
        step = (meta.get("extra") or {}).get("optimizer_step", "?")
        print(f"{directory} (version {meta.get('version', '?')}, optimizer step {step})")
        print("| parameter | size | RMS w | RMS m | RMS √v | median \\|m\\|/(√v+ε) |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name in sorted(n for n in tensors if n.startswith("param.")):
            p = name[len("param."):]
            if prefixes and not any(p.startswith(x) for x in prefixes):
                continue
            w = tensors[name]
            m = tensors.get("adam.m." + p)
            v = tensors.get("adam.v." + p)
            if m is None or v is None:
                print(f"| {p} | {w.size} | {rms(w):.3g} | - | - | - |")
                continue
            root = np.sqrt(v.astype(np.float64))
            ratio = float(np.median(np.abs(m) / (root + EPS)))
            print(f"| {p} | {w.size} | {rms(w):.3g} | {rms(m):.3g} | {float(np.sqrt(np.mean(v, dtype=np.float64))):.3g} | {ratio:.3g} |")
        print()


if __name__ == "__main__":
    main()
