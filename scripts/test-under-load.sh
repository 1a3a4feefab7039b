#!/usr/bin/env bash
# Runs the test suite while two CPU-bound processes compete for the cores, the way a shared
# CI machine does: `bash scripts/test-under-load.sh [runs] [vitest args...]`.
# Every run must pass; the hogs are stopped whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-1}"
shift || true

hogs=()
stop_hogs() { for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop_hogs EXIT
for _ in 1 2; do
  node -e 'for (;;) {}' &
  hogs+=("$!")
done
echo "two CPU hogs running: ${hogs[*]}"

for run in $(seq 1 "$runs"); do
  echo "==> run $run of $runs under load"
  started=$(date +%s)
  npx vitest run "$@"
  echo "==> run $run passed in $(( $(date +%s) - started )) s"
done
