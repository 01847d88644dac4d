#!/usr/bin/env bash
# A throwaway Postfix for the real-server tests: everything under STATE (config, queue,
# log, certificate, SASL db), loopback high ports only, no system service touched.
#
#   postfix-ctl.sh start STATE SUBMISSION_PORT TLS_PORT RELAY_PORT SIZE_PORT
#   postfix-ctl.sh stop STATE      (stops it and removes STATE)
#
# SUBMISSION_PORT  STARTTLS, AUTH PLAIN/LOGIN only after STARTTLS (smtpd_tls_auth_only,
#                  like Exchange's "Offer basic authentication only after starting TLS")
# TLS_PORT         implicit TLS (wrapper mode), AUTH
# RELAY_PORT       no AUTH; relaying refused (554 5.7.1)
# SIZE_PORT        STARTTLS + AUTH, message_size_limit 4000 bytes
# Account: tester@example.test / tester-password (Cyrus sasldb: PLAIN, LOGIN, and NTLM
# through Cyrus's ntlm plugin, which verifies NTLMv2). Needs root (master).
set -euo pipefail

die () { echo "postfix-ctl: $*" >&2; exit 1; }

stop () {
  local state=$1 pid
  [ -f "$state/etc/main.cf" ] || return 0
  postfix -c "$state/etc" stop >/dev/null 2>&1 || true
  pid=$(tr -dc 0-9 2>/dev/null <"$state/queue/pid/master.pid" || true)
  for _ in $(seq 100); do
    [ -n "$pid" ] && [ -d "/proc/$pid" ] || break
    sleep 0.05
  done
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  # Only a directory this script set up (it has our main.cf) is removed.
  grep -q '^smtpd_banner = .*ESMTP test instance' "$state/etc/main.cf" && rm -rf "$state"
}

start () {
  local state=$1 sub=$2 tls=$3 relay=$4 size=$5
  [ "$(id -u)" = 0 ] || die "needs root to start the Postfix master"
  for c in postfix saslpasswd2 openssl; do
    command -v "$c" >/dev/null || die "$c not found (apt-get install postfix sasl2-bin openssl)"
  done

  mkdir -p "$state"/{etc/sasl,tls,queue,data}
  chmod 755 "$state" "$state/etc" "$state/etc/sasl"
  chown postfix:postfix "$state/data"

  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=postfix.test -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$state/tls/key.pem" -out "$state/tls/cert.pem" >"$state/tls/gen.log" 2>&1 \
    || { cat "$state/tls/gen.log" >&2; die "certificate generation failed"; }
  chmod 600 "$state/tls/key.pem"

  cat >"$state/etc/sasl/smtpd.conf" <<CONF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $state/etc/sasl/sasldb2
mech_list: PLAIN LOGIN NTLM
CONF
  printf 'tester-password\n' | saslpasswd2 -p -c -f "$state/etc/sasl/sasldb2" -u example.test tester
  chown root:postfix "$state/etc/sasl/sasldb2"
  chmod 640 "$state/etc/sasl/sasldb2"

  cat >"$state/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $state/queue
data_directory = $state/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = postfix.test
mydomain = example.test
mydestination =
relay_domains =
local_recipient_maps =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
maillog_file = $state/maillog
maillog_file_prefixes = $state
smtpd_banner = \$myhostname ESMTP test instance
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
notify_classes =
default_transport = discard:test
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_event_limit_exceptions = static:all
smtpd_error_sleep_time = 0
smtpd_tls_cert_file = $state/tls/cert.pem
smtpd_tls_key_file = $state/tls/key.pem
smtpd_tls_security_level = may
smtpd_tls_received_header = no
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $state/etc/sasl
smtpd_sasl_local_domain = example.test
smtpd_sasl_security_options = noanonymous
CONF

  cat >"$state/etc/master.cf" <<CONF
127.0.0.1:$sub inet n - n - - smtpd
  -o smtpd_tls_auth_only=yes
  -o smtpd_sasl_auth_enable=yes
127.0.0.1:$tls inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
127.0.0.1:$relay inet n - n - - smtpd
  -o smtpd_sasl_auth_enable=no
127.0.0.1:$size inet n - n - - smtpd
  -o smtpd_tls_auth_only=yes
  -o smtpd_sasl_auth_enable=yes
  -o message_size_limit=4000
anvil     unix  -       -       n       -       1       anvil
postlog   unix-dgram n  -       n       -       1       postlogd
rewrite   unix  -       -       n       -       -       trivial-rewrite
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
discard   unix  -       -       n       -       -       discard
CONF

  postfix -c "$state/etc" start >"$state/start.log" 2>&1 \
    || { cat "$state/start.log" >&2; stop "$state"; die "postfix start failed"; }

  for port in "$sub" "$tls" "$relay" "$size"; do
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      sleep 0.05
    done
  done
  echo "CA=$state/tls/cert.pem"
}

case ${1:-} in
  start) [ $# -eq 6 ] || die "usage: $0 start STATE SUB TLS RELAY SIZE"; start "$2" "$3" "$4" "$5" "$6" ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop STATE"; stop "$2" ;;
  *) die "usage: $0 start|stop STATE ..." ;;
esac
