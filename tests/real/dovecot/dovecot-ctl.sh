#!/usr/bin/env bash
# A throwaway Dovecot submission service for the OAuth real-server tests: everything
# under STATE, loopback only, no system service touched.
#
#   dovecot-ctl.sh start STATE SUBMISSION_PORT RELAY_PORT
#   dovecot-ctl.sh stop STATE      (stops it and removes STATE)
#
# SUBMISSION_PORT  STARTTLS; AUTH XOAUTH2 and OAUTHBEARER through Dovecot's oauth2 passdb,
#                  which validates the bearer token locally as an HS256 JWT (signature,
#                  exp, nbf, iat; the user is the token's "sub"). The key, base64, is left
#                  in STATE/jwt-key.b64 for the test to sign its tokens with.
# RELAY_PORT       where accepted mail is relayed (plain SMTP on 127.0.0.1).
# Needs root (the Dovecot master) and dovecot-core + dovecot-submissiond.
set -euo pipefail

die () { echo "dovecot-ctl: $*" >&2; exit 1; }

stop () {
  local state=$1
  [ -f "$state/dovecot.conf" ] || return 0
  grep -q '^# smtp-doctor test instance' "$state/dovecot.conf" || return 0
  doveadm -c "$state/dovecot.conf" stop >/dev/null 2>&1 || true
  for _ in $(seq 100); do
    [ -e "$state/run/master.pid" ] || break
    sleep 0.05
  done
  rm -rf "$state"
}

start () {
  local state=$1 port=$2 relay=$3
  [ "$(id -u)" = 0 ] || die "needs root to start the Dovecot master"
  for c in dovecot doveadm openssl base64; do
    command -v "$c" >/dev/null || die "$c not found (apt-get install dovecot-core dovecot-submissiond openssl)"
  done
  [ -x /usr/lib/dovecot/submission ] || die "no submission service (apt-get install dovecot-submissiond)"

  mkdir -p "$state"/{run,state,mail,home,keys/default/HS256}
  chmod 755 "$state"
  chown nobody:nogroup "$state/mail" "$state/home"

  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=dovecot.test -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$state/key.pem" -out "$state/cert.pem" >"$state/gen.log" 2>&1 \
    || { cat "$state/gen.log" >&2; die "certificate generation failed"; }
  chmod 600 "$state/key.pem"

  # Dovecot looks the key up as shared/<azp>/<alg>/<kid>; tokens without azp and kid use
  # "default" for both.
  head -c 32 /dev/urandom | base64 -w0 >"$state/jwt-key.b64"
  cp "$state/jwt-key.b64" "$state/keys/default/HS256/default"

  cat >"$state/oauth2.conf.ext" <<CONF
introspection_mode = local
local_validation_key_dict = fs:posix:prefix=$state/keys/
username_attribute = sub
CONF

  cat >"$state/dovecot.conf" <<CONF
# smtp-doctor test instance
base_dir = $state/run
state_dir = $state/state
instance_name = sd-test-$port
protocols = submission
listen = 127.0.0.1
log_path = $state/dovecot.log
auth_verbose = yes
auth_failure_delay = 0
ssl = required
ssl_cert = <$state/cert.pem
ssl_key = <$state/key.pem
disable_plaintext_auth = yes
auth_mechanisms = xoauth2 oauthbearer
hostname = dovecot.test
mail_location = maildir:$state/mail
submission_relay_host = 127.0.0.1
submission_relay_port = $relay
submission_relay_trusted = no
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $state/oauth2.conf.ext
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$state/home
}
service submission-login {
  inet_listener submission {
    address = 127.0.0.1
    port = $port
  }
}
# No growing delay after the failures the tests provoke (Dovecot's auth penalty).
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
CONF

  # Its daemon must not keep our stdout/stderr open: the caller waits for them to close.
  dovecot -c "$state/dovecot.conf" </dev/null >>"$state/start.log" 2>&1 || { tail -20 "$state/dovecot.log" >&2 || true; die "dovecot did not start"; }
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && exit 0
    sleep 0.05
  done
  tail -20 "$state/dovecot.log" >&2 || true
  die "dovecot is not listening on 127.0.0.1 port $port"
}

case "${1:-}" in
  start) [ $# = 4 ] || die "usage: $0 start STATE SUBMISSION_PORT RELAY_PORT"; start "$2" "$3" "$4" ;;
  stop)  [ $# = 2 ] || die "usage: $0 stop STATE"; stop "$2" ;;
  *) die "usage: $0 start STATE SUBMISSION_PORT RELAY_PORT | stop STATE" ;;
esac
