#!/usr/bin/env bash
# The scorer's quality-versus-throughput matrix (issue 5): lrd bench scorer for 50, 100 and 200
# candidates and 1 and 5 layers on one checkpoint, each result line appended to OUT/scorer.jsonl,
# then the plots OUT/scorer.png and OUT/scorer-events.png (lrd bench plot-scorer). Extra arguments
# go to every throughput run.
#
# With LATENCY_SECONDS=S (default 0: none), each configuration is also run at half the events/s
# its throughput run reached, for S seconds of events, the first LATENCY_SKIP_SECONDS (default a
# third of S) left out of the percentiles (the JVM's warm-up: C2 compiles for the first minute or
# two), with LATENCY_FLAGS (default: --at-least-once --linger-ms 0 --batch-wait-ms 2 --threads 2
# --model-workers 1 --partitions 2: two stream threads, each pass on one core), and at most
# LATENCY_MAX_EVENTS events (default: no limit; a replay cannot have more than the data set's
# events: 53,258 for Office); those lines go to OUT/latency.jsonl. With LATENCY_RATES_FROM=FILE (a
# scorer.jsonl of an earlier run of this script), the throughput runs are skipped and each half
# rate is taken from FILE's line of the same candidates and layers (OUT/scorer.jsonl and the plots
# are then left as they are, unless OUT holds FILE: it is not rewritten).
#
#   scripts/scorer-matrix.sh DATA CHECKPOINT OUT [bench flags...]
#   e.g. LATENCY_SECONDS=90 scripts/scorer-matrix.sh ../shared/data/office CKPT docs/scorer --events 3000 --batch 32 --batch-wait-ms 50 --partitions 1
set -euo pipefail
cd "$(dirname "$0")/.."
data="$1"; ckpt="$2"; out="$3"; shift 3
latency_seconds="${LATENCY_SECONDS:-0}"
latency_flags="${LATENCY_FLAGS:---at-least-once --linger-ms 0 --batch-wait-ms 2 --threads 2 --model-workers 1 --partitions 2}"
rates_from="${LATENCY_RATES_FROM:-}"
if [ -n "$rates_from" ] && { [ ! -f "$rates_from" ] || [ "$latency_seconds" -le 0 ]; }; then
  echo "LATENCY_RATES_FROM=$rates_from: needs an existing scorer.jsonl and LATENCY_SECONDS above 0" >&2
  exit 2
fi
mkdir -p "$out"
[ -z "$rates_from" ] && : > "$out/scorer.jsonl"
[ "$latency_seconds" -gt 0 ] && : > "$out/latency.jsonl"
for c in 50 100 200; do
  for l in 1 5; do
    if [ -n "$rates_from" ]; then
      line="$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d["candidates"] == int(sys.argv[2]) and d["layers"] == int(sys.argv[3]):
        print(l.strip())
        break' "$rates_from" "$c" "$l")"
      if [ -z "$line" ]; then
        echo "$rates_from has no line for $c candidates and $l layers" >&2
        exit 2
      fi
    else
      echo "bench scorer: $c candidates, $l layers" >&2
      line="$(./lrd bench scorer --data "$data" --checkpoint "$ckpt" --candidates "$c" --layers "$l" "$@" 2>/dev/null | tail -1)"
      echo "$line" >> "$out/scorer.jsonl"
    fi
    if [ "$latency_seconds" -gt 0 ]; then
      rate="$(python3 -c 'import json,sys; print(round(json.loads(sys.argv[1])["events_per_second"] / 2))' "$line")"
      events=$((rate * latency_seconds)); skip=$((rate * ${LATENCY_SKIP_SECONDS:-$((latency_seconds / 3))}))
      max_events="${LATENCY_MAX_EVENTS:-0}"
      if [ "$max_events" -gt 0 ] && [ "$events" -gt "$max_events" ]; then events="$max_events"; fi
      echo "bench scorer: $c candidates, $l layers at $rate events/s ($events events, $skip skipped)" >&2
      # shellcheck disable=SC2086
      ./lrd bench scorer --data "$data" --checkpoint "$ckpt" --candidates "$c" --layers "$l" --rate "$rate" \
        --events "$events" --skip-latency-events "$skip" $latency_flags 2>/dev/null | tail -1 >> "$out/latency.jsonl"
    fi
  done
done
[ -n "$rates_from" ] && exit 0
./lrd bench plot-scorer --in "$out/scorer.jsonl" --out "$out/scorer.png"
./lrd bench plot-scorer --in "$out/scorer.jsonl" --out "$out/scorer-events.png" --x events_per_second
