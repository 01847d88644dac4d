#!/usr/bin/env bash
# The libsecret backend against a real Secret Service: a private D-Bus session with its
# own GNOME Keyring, a temp HOME and config dir. Saves a profile with its password,
# checks the profile file holds no password, sends through the built-in server with
# that profile alone, then deletes it and checks the password is gone too.
#   secret-service.sh CLI
set -euo pipefail
cli=$1

if [ -z "${SD_IN_KEYRING:-}" ]; then
  export SD_IN_KEYRING=1
  exec bash "$(dirname "$0")/keyring-run.sh" bash "$0" "$@"
fi

work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

echo "1..4"
PW=secret "$cli" serve --port 0 --user alice --password-env PW >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q '^Certificate: ' "$work/server.log" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/^Listening on 127\.0\.0\.1 port \([0-9]*\) .*/\1/p' "$work/server.log")
sha=$(sed -n 's/^Certificate: .* SHA-256 \([0-9a-f]*\)$/\1/p' "$work/server.log")

PW=secret "$cli" profiles save "Test [keyring] profile" --server 127.0.0.1 --port "$port" \
  --tls-verify "pin:$sha" --user alice --password-env PW --remember-password \
  --from alice@example.test --to bob@example.test >"$work/save.out" 2>&1
if grep -q "password in the secret store" "$work/save.out"; then echo "ok 1 saved with libsecret"
else echo "not ok 1 saved with libsecret"; cat "$work/save.out" | sed 's/^/# /'; exit 1; fi

if grep -q secret "$XDG_CONFIG_HOME/smtp-doctor/profiles.ini"; then
  echo "not ok 2 no password in the profile file"; exit 1
else echo "ok 2 no password in the profile file"; fi

if "$cli" send --profile "Test [keyring] profile" --json >"$work/send.json" &&
   grep -q '"ok": true' "$work/send.json"; then echo "ok 3 send --profile used the stored password"
else echo "not ok 3 send --profile used the stored password"; exit 1; fi

"$cli" profiles delete "Test [keyring] profile" >/dev/null
if command -v secret-tool >/dev/null &&
   secret-tool lookup profile "Test [keyring] profile" >/dev/null 2>&1; then
  echo "not ok 4 password deleted with the profile"; exit 1
else echo "ok 4 password deleted with the profile"; fi
