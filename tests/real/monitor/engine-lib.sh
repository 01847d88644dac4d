# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables are for the scripts that source this
# What the engine tests (nagios-check.sh, icinga2-check.sh) share: TAP, a temp dir, the
# built-in server with a demo account and a throwaway Postfix on 127.0.0.1, and the
# check of one recorded result.

n=0
failed=0
tmp=
serve_pid=
engine_pid=

engine_cleanup () {
  [ -n "$engine_pid" ] && kill "$engine_pid" 2>/dev/null && wait "$engine_pid" 2>/dev/null
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  bash "$src/tests/real/postfix/postfix-ctl.sh" stop "$tmp/postfix" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}

# require_engine PROGRAM PACKAGE SMTP_DOCTOR_CLI SOURCE_ROOT: sets $cli, $src and $tmp, or
# skips (TAP) when the engine is not installed or we are not root (Postfix needs it).
require_engine () {
  cli=$3
  src=$4
  if ! command -v "$1" >/dev/null; then
    echo "1..0 # SKIP $1 not installed (apt-get install $2)"
    exit 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "1..0 # SKIP needs root for the throwaway Postfix"
    exit 0
  fi
  tmp=$(mktemp -d /tmp/sd-engine-XXXXXX)
  # Postfix runs as its own user under $tmp/postfix: it must be able to get there.
  chmod 755 "$tmp"
  trap engine_cleanup EXIT
}

ok () {   # ok STATUS DESCRIPTION
  n=$((n + 1))
  if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=1; fi
}

free_port () {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

wait_for () {   # wait_for SECONDS COMMAND...
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

# Sets serve_port, serve_cert, pf_sub and pf_cert; the passwords are in $tmp/*.pw.
start_servers () {
  printf 'demo-password\n' >"$tmp/demo.pw"
  printf 'not-the-password\n' >"$tmp/wrong.pw"
  printf 'tester-password\n' >"$tmp/postfix.pw"
  chmod 600 "$tmp"/*.pw
  XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config \
    "$cli" serve --port 0 --user demo --password-file "$tmp/demo.pw" >"$tmp/serve.log" 2>&1 &
  serve_pid=$!
  wait_for 20 grep -q '^Certificate: ' "$tmp/serve.log" || { cat "$tmp/serve.log" >&2; exit 1; }
  serve_port=$(sed -n 's/^Listening on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$tmp/serve.log")
  serve_cert=$(sed -n 's/^Certificate: \(.*\) SHA-256 .*/\1/p' "$tmp/serve.log")

  pf_sub=$(free_port)
  bash "$src/tests/real/postfix/postfix-ctl.sh" start "$tmp/postfix" "$pf_sub" "$(free_port)" \
    "$(free_port)" "$(free_port)" >/dev/null
  pf_cert=$tmp/postfix/tls/cert.pem
}

# The Postfix account's password changes on the server.
change_postfix_password () {
  printf 'a-new-password\n' |
    saslpasswd2 -p -f "$tmp/postfix/etc/sasl/sasldb2" -u example.test tester
}

# expect_record WHAT WANT_STATE STATE OUTPUT PERFDATA PERF_REGEX: what the engine recorded
# has the state we want and perfdata it parsed (a 'total' among them).
expect_record () {
  echo "# $1: recorded state=$3"
  echo "#   output=$4"
  echo "#   perfdata=$5"
  if [ "$3" = "$2" ] && [[ $5 =~ $6 ]] && [[ $5 == *total* ]]; then
    ok 0 "$1"
  else
    ok 1 "$1"
  fi
}
