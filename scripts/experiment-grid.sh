#!/usr/bin/env bash
# Runs `lrd experiment` seed by seed (so that (backbone, +LRD) pairs complete early) on a frozen
# copy of the application (rebuilding the project cannot change a long run's classes). Resumable:
# run the same command again to continue where it stopped.
#
#   scripts/experiment-grid.sh DATA_DIR OUT_DIR MODELS SEEDS [extra lrd experiment flags...]
#   nohup scripts/experiment-grid.sh ../shared/data/office runs/office kda+lrd,kda 3 > runs/office.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
data="$1"; out="$2"; models="$3"; seeds="$4"; shift 4
snap="$out/app"
if [ ! -f "$snap/lrd.jar" ]; then
  [ -f app/target/lrd.jar ] || mvn -q -B -DskipTests package
  mkdir -p "$snap" && cp -r app/target/lrd.jar app/target/lib "$snap"/
fi
for s in $(seq 1 "$seeds"); do
  LRD_JAR="$snap/lrd.jar" ./lrd experiment --data "$data" --models "$models" --seeds 1 --first-seed "$s" --out "$out" "$@"
done
