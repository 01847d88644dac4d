#!/usr/bin/env bash
# Regenerates tests/corpus/clients/CLIENT-FAILURE.txt from fresh runs of every client in
# matrix.txt (the harness itself never reads them: it asserts on fresh output).
# Usage: capture.sh CLI [CLIENT...]   (default: every client)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cli=$1
shift
clients=("$@")
[ ${#clients[@]} -gt 0 ] ||
  mapfile -t clients < <(grep -v '^#' "$here/matrix.txt" | awk 'NF { print $1 }' | uniq)
export SD_CAPTURE_DIR=$here/../../corpus/clients
mkdir -p "$SD_CAPTURE_DIR"
pids=()
for client in "${clients[@]}"; do
  bash "$here/run-clients.sh" "$cli" "$client" >"$SD_CAPTURE_DIR/.$client.tap" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
for client in "${clients[@]}"; do
  grep -aE '^(ok|not ok|1\.\.)' "$SD_CAPTURE_DIR/.$client.tap"
  rm -f "$SD_CAPTURE_DIR/.$client.tap"
done
