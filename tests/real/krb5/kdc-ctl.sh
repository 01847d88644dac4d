#!/usr/bin/env bash
# A throwaway MIT KDC for the GSSAPI tests: its own realm, database, keytab and ticket
# cache under STATE, listening on 127.0.0.1:PORT only; no system file or service touched.
#
#   kdc-ctl.sh start STATE PORT   (then STATE/krb5.conf is the clients' KRB5_CONFIG)
#   kdc-ctl.sh rekey STATE        (a new key for smtp/localhost in the KDC only: the
#                                  keytab goes stale, as after a password reset of the
#                                  server's account)
#   kdc-ctl.sh skew STATE OFFSET  (restarts the KDC with its clock OFFSET away, "+10m",
#                                  through libfaketime; exits 77 without it)
#   kdc-ctl.sh stop STATE         (stops it and removes STATE)
#
# Realm SMTPDOCTOR.TEST; user alice / alice-password (pre-authentication required, as in
# Active Directory); service smtp/localhost with its key in STATE/smtp.keytab. Host names
# are taken as written (no DNS canonicalization), so smtp@127.0.0.1 is an unknown SPN.
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin
realm=SMTPDOCTOR.TEST

die () { echo "kdc-ctl: $*" >&2; exit 1; }

stop () {
  local state=$1 pid
  [ -f "$state/kdc.conf" ] || return 0
  pid=$(tr -dc 0-9 2>/dev/null <"$state/kdc.pid" || true)
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
      [ -d "/proc/$pid" ] || break
      sleep 0.05
    done
    [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  fi
  # Only a directory this script set up (it has our marker) is removed.
  grep -q '^# smtp-doctor test KDC' "$state/kdc.conf" && rm -rf "$state"
}

start () {
  local state=$1 port=$2
  for c in krb5kdc kdb5_util kadmin.local; do
    command -v "$c" >/dev/null || die "$c not found (apt-get install krb5-kdc krb5-admin-server)"
  done
  mkdir -p "$state"
  cat >"$state/krb5.conf" <<CONF
[libdefaults]
  default_realm = $realm
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  # No silent correction from the KDC's clock: a skew must show, as with Windows clients.
  kdc_timesync = 0
  ticket_lifetime = 10h
  udp_preference_limit = 1
[realms]
  $realm = {
    kdc = 127.0.0.1:$port
  }
[domain_realm]
  localhost = $realm
CONF
  cat >"$state/kdc.conf" <<CONF
# smtp-doctor test KDC
[kdcdefaults]
  kdc_listen = 127.0.0.1:$port
  kdc_tcp_listen = 127.0.0.1:$port
[realms]
  $realm = {
    database_name = $state/principal
    key_stash_file = $state/stash
    acl_file = $state/kadm5.acl
    max_life = 10h
  }
[logging]
  kdc = FILE:$state/kdc.log
  default = FILE:$state/kdc.log
CONF
  : >"$state/kadm5.acl"
  export KRB5_CONFIG=$state/krb5.conf KRB5_KDC_PROFILE=$state/kdc.conf
  {
    kdb5_util create -s -r "$realm" -P "master-$RANDOM$RANDOM"
    kadmin.local -r "$realm" -q "addprinc +requires_preauth -pw alice-password alice"
    kadmin.local -r "$realm" -q "addprinc -randkey smtp/localhost"
    kadmin.local -r "$realm" -q "ktadd -k $state/smtp.keytab smtp/localhost"
  } >"$state/setup.log" 2>&1 || { cat "$state/setup.log" >&2; die "creating the realm failed"; }

  krb5kdc -P "$state/kdc.pid" >>"$state/setup.log" 2>&1 \
    || { cat "$state/setup.log" "$state/kdc.log" >&2 2>/dev/null; stop "$state"; die "krb5kdc did not start"; }
  # When the test dies without "stop" (a failed assertion aborts it), the KDC goes too.
  nohup bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; bash "$2" stop "$3"' \
    _ "$PPID" "$(readlink -f "$0")" "$state" </dev/null >/dev/null 2>&1 &
  wait_listening "$state"
}

wait_listening () {
  local state=$1 port
  port=$(sed -n 's/^ *kdc_tcp_listen = 127.0.0.1://p' "$state/kdc.conf")
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.05
  done
  cat "$state/kdc.log" >&2 2>/dev/null || true
  die "krb5kdc is not listening on 127.0.0.1:$port"
}

skew () {
  local state=$1 offset=$2 lib pid
  lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
  [ -n "$lib" ] || { echo "kdc-ctl: libfaketime not installed" >&2; exit 77; }
  pid=$(tr -dc 0-9 <"$state/kdc.pid")
  kill "$pid"
  for _ in $(seq 100); do
    [ -d "/proc/$pid" ] || break
    sleep 0.05
  done
  KRB5_CONFIG=$state/krb5.conf KRB5_KDC_PROFILE=$state/kdc.conf LD_PRELOAD=$lib \
    FAKETIME="$offset" FAKETIME_DONT_FAKE_MONOTONIC=1 krb5kdc -P "$state/kdc.pid" \
    >>"$state/setup.log" 2>&1 || die "krb5kdc did not restart"
  wait_listening "$state"
}

rekey () {
  local state=$1
  KRB5_CONFIG=$state/krb5.conf KRB5_KDC_PROFILE=$state/kdc.conf \
    kadmin.local -r "$realm" -q "cpw -randkey smtp/localhost" >>"$state/setup.log" 2>&1 \
    || { cat "$state/setup.log" >&2; die "rekey failed"; }
}

case ${1:-} in
  skew) [ $# -eq 3 ] || die "usage: $0 skew STATE OFFSET"; skew "$2" "$3" ;;
  rekey) [ $# -eq 2 ] || die "usage: $0 rekey STATE"; rekey "$2" ;;
  start) [ $# -eq 3 ] || die "usage: $0 start STATE PORT"; start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop STATE"; stop "$2" ;;
  *) die "usage: $0 start|stop STATE ..." ;;
esac
