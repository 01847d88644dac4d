#!/usr/bin/env bash
# Builds SMTP Doctor and runs one real session with smtp-doctor-cli against the scripted
# test server on 127.0.0.1 (STARTTLS, a private test CA, AUTH as alice / secret), so it
# works with no mail server at hand. Extra arguments go to `smtp-doctor-cli send`.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/_build/plain"
[ -f "$build/build.ninja" ] || meson setup "$build" "$top" >/dev/null
ninja -C "$build" >/dev/null

info=$(mktemp)
trap 'kill "$server" 2>/dev/null || true; rm -f "$info"' EXIT
"$build/tests/smtp-doctor-test-server" --connections 1 --timeout 30 >"$info" &
server=$!
for _ in $(seq 100); do grep -q '^CA=' "$info" && break; sleep 0.1; done
port=$(sed -n 's/^PORT=//p' "$info")
ca=$(sed -n 's/^CA=//p' "$info")
[ -n "$port" ] || { echo "the test server did not start" >&2; exit 1; }

echo "Test server on 127.0.0.1 port $port; sending a test message through it:"
echo
status=0
printf 'secret\n' | "$build/src/cli/smtp-doctor-cli" send \
  --server 127.0.0.1 --port "$port" --security starttls --tls-ca "$ca" \
  --user alice --password-stdin \
  --from alice@example.test --to bob@example.test "$@" || status=$?
wait "$server" || true
exit $status
