#!/usr/bin/env bash
# The scorer's quality-versus-throughput matrix (issue 5): lrd bench scorer for 50, 100 and 200
# candidates and 1 and 5 layers on one checkpoint, each result line appended to OUT/scorer.jsonl,
# then the plot OUT/scorer.png (lrd bench plot-scorer). Extra arguments go to every bench run.
#
#   scripts/scorer-matrix.sh DATA CHECKPOINT OUT [bench flags...]
#   e.g. scripts/scorer-matrix.sh ../shared/data/office experiments/office/checkpoints/kda-seed1 docs/scorer --events 1500
set -euo pipefail
cd "$(dirname "$0")/.."
data="$1"; ckpt="$2"; out="$3"; shift 3
mkdir -p "$out"
: > "$out/scorer.jsonl"
for c in 50 100 200; do
  for l in 1 5; do
    echo "bench scorer: $c candidates, $l layers" >&2
    ./lrd bench scorer --data "$data" --checkpoint "$ckpt" --candidates "$c" --layers "$l" "$@" 2>/dev/null | tail -1 >> "$out/scorer.jsonl"
  done
done
./lrd bench plot-scorer --in "$out/scorer.jsonl" --out "$out/scorer.png"
./lrd bench plot-scorer --in "$out/scorer.jsonl" --out "$out/scorer-events.png" --x events_per_second
