#!/usr/bin/env python3
"""Compares runs of `lrd experiment` at equal epochs: the best dev NDCG@5 reached by each epoch.

Reads finished runs (OUT/runs/<run>.json) and unfinished ones (OUT/progress/<run>/state.json) alike,
so a run still training can be set beside finished ones. Prints a Markdown table: one row per run,
one column per epoch asked for ("-" where the run has not reached it), and the run's best so far.

    scripts/dev-at-epochs.py [--epochs 5,10,20,30,40,50,60] [--metric NDCG@5] RUN.json|state.json ...
    e.g. scripts/dev-at-epochs.py experiments/office-rows-lrdref/runs/*.json runs/office-lrd-balanced/progress/*/state.json
"""
import argparse
import json
import os
import sys

# progress files name the metrics in lower case without the @
STATE_KEYS = {"HR@5": "hr5", "NDCG@5": "ndcg5", "HR@10": "hr10", "NDCG@10": "ndcg10"}


def dev_curve(path, metric):
    """The run's name and its dev metric per epoch, in epoch order."""
    with open(path) as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}: not JSON ({e})") from e
    curve = data.get("curve")
    if not isinstance(curve, list) or not curve:
        raise ValueError(f"{path}: no 'curve' of epochs (not a run JSON or a progress state.json)")
    values = []
    for point in curve:
        dev = point.get("dev", {})
        value = dev.get(metric, dev.get(STATE_KEYS.get(metric, metric)))
        if value is None:
            raise ValueError(f"{path}: epoch {point.get('epoch')} has no dev {metric}")
        values.append(float(value))
    full = os.path.abspath(path)
    if os.path.basename(path) == "state.json":  # OUT/progress/<run>/state.json
        name = os.path.basename(os.path.dirname(full)) + " (in progress)"
        out_dir = os.path.basename(os.path.dirname(os.path.dirname(os.path.dirname(full))))
    else:  # OUT/runs/<run>.json
        name = data.get("model", "?") + "-seed" + str(data.get("seed", "?"))
        out_dir = os.path.basename(os.path.dirname(os.path.dirname(full)))
    return f"{out_dir}: {name}", values


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", default="5,10,20,30,40,50,60", help="epochs to compare at (comma-separated)")
    ap.add_argument("--metric", default="NDCG@5", choices=sorted(STATE_KEYS), help="dev metric (default NDCG@5)")
    ap.add_argument("runs", nargs="+")
    args = ap.parse_args()
    try:
        epochs = [int(e) for e in args.epochs.split(",")]
    except ValueError:
        sys.exit(f"--epochs must be comma-separated integers, got '{args.epochs}'")
    if any(e < 1 for e in epochs):
        sys.exit("--epochs must be at least 1")
    rows = []
    for path in args.runs:
        try:
            rows.append(dev_curve(path, args.metric))
        except (OSError, ValueError) as e:
            sys.exit(f"error: {e}")
    print(f"| run (best dev {args.metric} by epoch) | " + " | ".join(str(e) for e in epochs) + " | best (epoch / epochs run) |")
    print("| --- | " + " | ".join("---" for _ in epochs) + " | --- |")
    for name, values in rows:
        cells = [f"{max(values[:e]):.4f}" if len(values) >= e else "-" for e in epochs]
        best = max(values)
        print(f"| {name} | " + " | ".join(cells) + f" | {best:.4f} ({values.index(best) + 1} / {len(values)}) |")


if __name__ == "__main__":
    main()
