#!/usr/bin/env bash
# Builds SMTP Doctor and runs one real session with smtp-doctor-cli against its built-in
# server (`smtp-doctor-cli serve`) on 127.0.0.1: STARTTLS with the certificate the server
# made on first start (pinned by its SHA-256), AUTH as demo, one message. Shows both
# transcripts, the client's and the server's, then stops the server. Needs no mail
# server. Extra arguments go to `smtp-doctor-cli send`.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/_build/plain"
[ -f "$build/build.ninja" ] || meson setup "$build" "$top" >/dev/null
ninja -C "$build" >/dev/null
cli="$build/src/cli/smtp-doctor-cli"

log=$(mktemp)
server=
cleanup () {
  [ -n "$server" ] && kill -INT "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT

# A throwaway demo password, handed over in the environment, never on a command line.
export SMTP_DOCTOR_DEMO_PASSWORD="demo-$RANDOM$RANDOM"
"$cli" serve --port 0 --user demo --password-env SMTP_DOCTOR_DEMO_PASSWORD >"$log" &
server=$!
for _ in $(seq 100); do grep -q '^Certificate: ' "$log" && break; sleep 0.1; done
port=$(sed -n 's/^Listening on 127\.0\.0\.1 port \([0-9]*\) .*/\1/p' "$log")
sha=$(sed -n 's/^Certificate: .* SHA-256 \([0-9a-f]*\)$/\1/p' "$log")
[ -n "$port" ] && [ -n "$sha" ] || { echo "the built-in server did not start" >&2; cat "$log" >&2; exit 1; }

head -n 2 "$log"
echo
echo "== Client: smtp-doctor-cli send (STARTTLS, AUTH as demo) =="
status=0
"$cli" send --server 127.0.0.1 --port "$port" --security starttls --tls-verify "pin:$sha" \
  --user demo --password-env SMTP_DOCTOR_DEMO_PASSWORD \
  --from demo@example.test --to bob@example.test "$@" || status=$?

for _ in $(seq 50); do grep -q 'Session finished' "$log" && break; sleep 0.1; done
kill -INT "$server"
wait "$server" || true
server=
echo
echo "== Server: smtp-doctor-cli serve =="
tail -n +4 "$log"
exit $status
