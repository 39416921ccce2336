#!/usr/bin/env bash
# Keeps a long experiment's state in the repository between sessions on machines that do not keep
# files outside git: the finished runs (OUT/runs/*.json: metrics, curves, per-user test ranks), the
# report, and the progress of unfinished runs (OUT/progress/: the last epoch's parameters and
# optimizer state, so that the run resumes exactly; and its best epoch's parameters). Checkpoints
# of finished runs are left out unless named with KEEP (they are several MB each); checkpoints an
# earlier save kept stay in the store.
#
#   scripts/experiment-state.sh save    OUT experiments/NAME [KEEP...]   # OUT -> experiments/NAME
#   scripts/experiment-state.sh restore OUT experiments/NAME              # experiments/NAME -> OUT
#
# e.g. scripts/experiment-state.sh save runs/office experiments/office kda+lrd-seed1
set -euo pipefail
cd "$(dirname "$0")/.."
op="$1"; out="$2"; store="$3"; shift 3
case "$op" in
  save)
    mkdir -p "$store"
    # checkpoints kept by an earlier save stay (docs point at them); KEEP ones are copied anew
    rm -rf "$store/runs" "$store/progress"
    [ -d "$out/runs" ] && cp -r "$out/runs" "$store/"
    [ -d "$out/progress" ] && cp -r "$out/progress" "$store/"
    for f in results.json results.md curves.png sweep.png; do
      [ -f "$out/$f" ] && cp "$out/$f" "$store/"
    done
    for keep in "$@"; do
      mkdir -p "$store/checkpoints" && rm -rf "$store/checkpoints/$keep" && cp -r "$out/checkpoints/$keep" "$store/checkpoints/"
    done
    du -sh "$store"
    ;;
  restore)
    mkdir -p "$out"
    for d in runs progress checkpoints; do
      [ -d "$store/$d" ] && mkdir -p "$out/$d" && cp -rn "$store/$d/." "$out/$d/"
    done
    for f in results.json results.md curves.png sweep.png; do
      [ -f "$store/$f" ] && [ ! -f "$out/$f" ] && cp "$store/$f" "$out/"
    done
    echo "restored $store into $out; resume with scripts/experiment-grid.sh ... $out ..."
    ;;
  *)
    echo "usage: $0 save|restore OUT STORE [KEEP...]" >&2
    exit 2
    ;;
esac
