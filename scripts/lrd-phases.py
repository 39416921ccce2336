#!/usr/bin/env python3
"""The phases of LRD's relation classifier in runs of `lrd experiment`: when it collapsed to one-hot, when it left that state, and what dev did.

For each run (a finished OUT/runs/<run>.json or an unfinished OUT/progress/<run>/state.json), from
the per-pair entropy of the classifier printed each epoch (the log's `H`):
  collapse  the first epoch whose entropy is under --low (one relation for every pair),
  escape    the first epoch after the collapse whose entropy is over --high again,
  dev       the best dev NDCG@5 before the escape, and over the whole run, with its epoch,
  test      the test HR@5 / NDCG@5 at the best dev epoch (finished runs only).
With --batches-per-epoch B, the escape is also given in optimizer steps (epoch × B).
Prints a Markdown table.

    scripts/lrd-phases.py [--low 0.01] [--high 0.5] [--batches-per-epoch 151] RUN.json|state.json ...
    e.g. scripts/lrd-phases.py --batches-per-epoch 151 experiments/office-rows-lrdref/runs/*.json
"""
import argparse
import json
import os
import sys


def load(path):
    with open(path) as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}: not JSON ({e})") from e
    curve = data.get("curve")
    if not isinstance(curve, list) or not curve:
        raise ValueError(f"{path}: no 'curve' of epochs (not a run JSON or a progress state.json)")
    entropy, dev = [], []
    for point in curve:
        if "entropy" not in point:
            raise ValueError(f"{path}: epoch {point.get('epoch')} has no entropy (not an LRD run?)")
        d = point.get("dev", {})
        value = d.get("NDCG@5", d.get("ndcg5"))
        if value is None:
            raise ValueError(f"{path}: epoch {point.get('epoch')} has no dev NDCG@5")
        entropy.append(float(point["entropy"]))
        dev.append(float(value))
    full = os.path.abspath(path)
    if os.path.basename(path) == "state.json":
        name = os.path.basename(os.path.dirname(full)) + " (in progress)"
        out_dir = os.path.basename(os.path.dirname(os.path.dirname(os.path.dirname(full))))
        test = None
    else:
        name = data.get("model", "?") + "-seed" + str(data.get("seed", "?"))
        out_dir = os.path.basename(os.path.dirname(os.path.dirname(full)))
        t = data.get("test") or {}
        test = (t.get("HR@5"), t.get("NDCG@5")) if "HR@5" in t else None
    return f"{out_dir}: {name}", entropy, dev, test


def phases(entropy, low, high):
    """(collapse epoch, escape epoch), 1-based, None where it did not happen."""
    collapse = next((i + 1 for i, h in enumerate(entropy) if h < low), None)
    if collapse is None:
        return None, None
    escape = next((i + 1 for i in range(collapse, len(entropy)) if entropy[i] > high), None)
    return collapse, escape


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--low", type=float, default=0.01, help="entropy under which the classifier counts as one-hot (default 0.01)")
    ap.add_argument("--high", type=float, default=0.5, help="entropy over which it counts as spread again (default 0.5)")
    ap.add_argument("--batches-per-epoch", type=int, default=0, help="to give the escape in optimizer steps too")
    ap.add_argument("runs", nargs="+")
    args = ap.parse_args()
    if not 0 <= args.low < args.high:
        sys.exit("--low must be at least 0 and under --high")
    if args.batches_per_epoch < 0:
        sys.exit("--batches-per-epoch must be at least 0")
    print("| run | epochs | collapse | escape | best dev NDCG@5 before the escape | best dev NDCG@5 (epoch) | test HR@5 / NDCG@5 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for path in args.runs:
        try:
            name, entropy, dev, test = load(path)
        except (OSError, ValueError) as e:
            sys.exit(f"error: {e}")
        collapse, escape = phases(entropy, args.low, args.high)
        before = max(dev[: escape - 1]) if escape and escape > 1 else None
        best = max(dev)
        esc = "-" if escape is None else str(escape)
        if escape is not None and args.batches_per_epoch:
            esc += f" (step {escape * args.batches_per_epoch:,})"
        cells = [
            name,
            str(len(dev)),
            "-" if collapse is None else str(collapse),
            esc,
            "-" if before is None else f"{before:.4f}",
            f"{best:.4f} ({dev.index(best) + 1})",
            "-" if test is None else f"{test[0]:.4f} / {test[1]:.4f}",
        ]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
