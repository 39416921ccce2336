#!/usr/bin/env python3
"""Replays the stopping rules of `lrd experiment --early-stop` on finished runs' dev curves.

For each run JSON given (default: experiments/*/runs/*.json), prints the epoch it ran to, its best
dev epoch, and where the reference rule (past epoch 20: the last P dev NDCG@5 never rose, or 20
epochs after the best) would have stopped it: an epoch when that lies within the recorded curve,
else "later" (the run would have gone on past what was recorded).

    scripts/early-stop-replay.py [--patience 5] [RUN.json ...]
"""
import argparse
import glob
import json


def reference_stop(dev, patience):
    best, best_epoch = float("-inf"), 0
    for epoch in range(1, len(dev) + 1):
        if dev[epoch - 1] > best:
            best, best_epoch = dev[epoch - 1], epoch
        window = dev[max(0, epoch - patience):epoch]
        never_rose = all(window[k] <= window[k - 1] for k in range(1, len(window)))
        if epoch - best_epoch >= 20 or (epoch > 20 and never_rose):
            return epoch, best_epoch
    return None, best_epoch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--patience", type=int, default=5)
    ap.add_argument("runs", nargs="*")
    a = ap.parse_args()
    files = a.runs or sorted(glob.glob("experiments/*/runs/*.json"))
    print("| run | model | seed | epochs run | best dev epoch | reference rule stops at | its best dev epoch by then |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for f in files:
        d = json.load(open(f))
        dev = [c["dev"]["NDCG@5"] for c in d.get("curve", []) if isinstance(c.get("dev"), dict)]
        if not dev:
            continue
        stop, best = reference_stop(dev, a.patience)
        print(f"| {f.split('/')[1]} | {d['model']} | {d['seed']} | {d['epochs']} | {d['bestEpoch']} | "
              f"{stop if stop else 'later (> %d)' % len(dev)} | {best if stop else '—'} |")


if __name__ == "__main__":
    main()
