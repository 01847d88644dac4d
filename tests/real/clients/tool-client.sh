#!/usr/bin/env bash
# Sends one message with a command-line client (swaks, msmtp or curl), configured from
# the SD_* environment (see run-clients.sh), the way a script or cron job would call it.
# Everything the tool prints goes to stdout/stderr unchanged: that is what ends up in
# the script's log.
# Usage: tool-client.sh swaks|msmtp|curl
set -u
tool=$1
security=${SD_SECURITY:-starttls}
timeout=${SD_TIMEOUT:-10}
body=$(head -c "${SD_BODY_SIZE:-100}" /dev/zero | tr '\0' x)
message=$(printf 'From: %s\r\nTo: %s\r\nSubject: %s test\r\n\r\n%s\r\n' \
  "$SD_FROM" "$SD_TO" "$tool" "$body")

case $tool in
  swaks)
    args=(--server "$SD_HOST" --port "$SD_PORT" --from "$SD_FROM" --to "$SD_TO"
          --timeout "$timeout" --body "$body")
    case $security in
      starttls) args+=(--tls) ;;
      tls) args+=(--tlsc) ;;
    esac
    [ -n "$SD_USER" ] && args+=(--auth --auth-user "$SD_USER" --auth-password "$SD_PASSWORD")
    case ${SD_VERIFY:-none} in
      system) args+=(--tls-verify) ;;
      ca) args+=(--tls-verify --tls-ca-path "$SD_CAFILE") ;;
    esac
    [ "${SD_TLS_MAX:-}" = 1.0 ] && args+=(--tls-protocol tlsv1 --tls-cipher 'DEFAULT@SECLEVEL=0')
    exec swaks "${args[@]}"
    ;;
  msmtp)
    args=(-C /dev/null --host="$SD_HOST" --port="$SD_PORT" --from="$SD_FROM"
          --timeout="$timeout")
    case $security in
      none) args+=(--tls=off) ;;
      starttls) args+=(--tls=on --tls-starttls=on) ;;
      tls) args+=(--tls=on --tls-starttls=off) ;;
    esac
    [ -n "$SD_USER" ] && args+=(--auth=on --user="$SD_USER"
                                --passwordeval='printf %s "$SD_PASSWORD"')
    case ${SD_VERIFY:-none} in
      none) args+=(--tls-certcheck=off) ;;
      system) args+=(--tls-trust-file=system) ;;
      ca) args+=(--tls-trust-file="$SD_CAFILE") ;;
    esac
    [ "${SD_TLS_MAX:-}" = 1.0 ] && args+=(--tls-priorities='NORMAL:-VERS-ALL:+VERS-TLS1.0')
    printf '%s' "$message" | exec msmtp "${args[@]}" -- "$SD_TO"
    ;;
  curl)
    scheme=smtp
    args=(-sS --connect-timeout "$timeout" --max-time "$timeout" --mail-from "$SD_FROM"
          --mail-rcpt "$SD_TO" --upload-file -)
    case $security in
      starttls) args+=(--ssl-reqd) ;;
      tls) scheme=smtps ;;
    esac
    [ -n "$SD_USER" ] && args+=(--user "$SD_USER:$SD_PASSWORD")
    case ${SD_VERIFY:-none} in
      none) args+=(--insecure) ;;
      ca) args+=(--cacert "$SD_CAFILE") ;;
    esac
    [ "${SD_TLS_MAX:-}" = 1.0 ] && args+=(--tlsv1.0 --tls-max 1.0 --ciphers 'DEFAULT@SECLEVEL=0')
    printf '%s' "$message" | exec curl "${args[@]}" "$scheme://$SD_HOST:$SD_PORT"
    ;;
esac
