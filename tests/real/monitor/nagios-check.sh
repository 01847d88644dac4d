#!/usr/bin/env bash
# A real Nagios 4 runs our command definitions (data/monitoring/smtp-doctor.nagios.cfg.in)
# against the built-in server (`smtp-doctor-cli serve`) and a throwaway Postfix
# (tests/real/postfix/postfix-ctl.sh), and we read what the engine recorded.
#
#   nagios-check.sh SMTP_DOCTOR_CLI SOURCE_ROOT
#
# Nagios runs from a temp dir as its own instance (no system service, no web UI): its
# config, status file, perfdata file and command pipe live there, only 127.0.0.1 is
# used. Scheduled checks are off (execute_service_checks=0), so every result comes from
# a check we forced through the command pipe (SCHEDULE_FORCED_SVC_CHECK). TAP output;
# the states and perfdata Nagios recorded are printed as comments.
set -euo pipefail

# shellcheck source=engine-lib.sh
. "$(dirname "$0")/engine-lib.sh"
require_engine nagios4 nagios4-core "$@"
start_servers

# The engine: our command definitions as shipped, with the build's CLI.
mkdir -p "$tmp/nagios/checkresults"
sed "s|@BINDIR@|$(dirname "$cli")|g" "$src/data/monitoring/smtp-doctor.nagios.cfg.in" \
  >"$tmp/nagios/smtp-doctor.cfg"
ng=$tmp/nagios
cat >"$ng/nagios.cfg" <<EOF
log_file=$ng/nagios.log
cfg_file=$ng/smtp-doctor.cfg
cfg_file=$ng/objects.cfg
object_cache_file=$ng/objects.cache
precached_object_file=$ng/objects.precache
status_file=$ng/status.dat
status_update_interval=1
nagios_user=root
nagios_group=root
check_external_commands=1
command_file=$ng/nagios.cmd
lock_file=$ng/nagios.lock
temp_file=$ng/nagios.tmp
temp_path=$ng
check_result_path=$ng/checkresults
query_socket=$ng/nagios.qh
retain_state_information=0
state_retention_file=$ng/retention.dat
use_syslog=0
enable_notifications=0
execute_host_checks=0
execute_service_checks=0
service_check_timeout=60
process_performance_data=1
service_perfdata_file=$ng/perfdata.log
service_perfdata_file_template=\$SERVICEDESC\$\t\$SERVICESTATE\$\t\$SERVICEOUTPUT\$\t\$SERVICEPERFDATA\$
service_perfdata_file_mode=a
service_perfdata_file_processing_interval=0
EOF

service () {   # service HOST NAME CHECK_COMMAND
  cat <<EOF
define service {
  host_name              $1
  service_description    $2
  check_command          $3
  max_check_attempts     1
  check_interval         60
  retry_interval         60
  check_period           24x7
  contacts               nobody
  notification_interval  0
  notification_period    24x7
}
EOF
}
{
  cat <<'EOF'
define timeperiod {
  timeperiod_name  24x7
  alias            24x7
  sunday           00:00-24:00
  monday           00:00-24:00
  tuesday          00:00-24:00
  wednesday        00:00-24:00
  thursday         00:00-24:00
  friday           00:00-24:00
  saturday         00:00-24:00
}
define command {
  command_name  notify-nobody
  command_line  /bin/true
}
define contact {
  contact_name                   nobody
  host_notifications_enabled     0
  service_notifications_enabled  0
  host_notification_period       24x7
  service_notification_period    24x7
  host_notification_options      n
  service_notification_options   n
  host_notification_commands     notify-nobody
  service_notification_commands  notify-nobody
}
EOF
  for host in builtin postfix; do
    cat <<EOF
define host {
  host_name              $host
  address                127.0.0.1
  max_check_attempts     1
  check_period           24x7
  contacts               nobody
  notification_interval  0
  notification_period    24x7
}
EOF
  done
  b="--port $serve_port --tls-ca $serve_cert"
  p="--port $pf_sub --tls-ca $pf_cert"
  service builtin good "check_smtp_doctor_auth!demo!$tmp/demo.pw!5!10!$b --cert-warning 30"
  service builtin wrong-password "check_smtp_doctor_auth!demo!$tmp/wrong.pw!5!10!$b"
  service builtin slow "check_smtp_doctor_auth!demo!$tmp/demo.pw!0.000001!10!$b"
  service builtin no-credentials "check_smtp_doctor!$b --expect-tls-version TLS1.2"
  service postfix good "check_smtp_doctor_auth!tester!$tmp/postfix.pw!5!10!$p --cert-critical 0"
  service postfix slow "check_smtp_doctor_auth!tester!$tmp/postfix.pw!0.000001!10!$p"
} >"$ng/objects.cfg"

if ! nagios4 -v "$ng/nagios.cfg" >"$ng/verify.log" 2>&1; then
  cat "$ng/verify.log" >&2
  ok 1 "nagios4 -v accepts our command definitions"
  echo "1..$n"
  exit 1
fi
ok 0 "nagios4 -v accepts our command definitions"

nagios4 "$ng/nagios.cfg" >"$ng/stdout.log" 2>&1 &
engine_pid=$!
wait_for 30 test -p "$ng/nagios.cmd" || { cat "$ng/stdout.log" "$ng/nagios.log" >&2; exit 1; }
wait_for 30 test -s "$ng/status.dat" || { cat "$ng/nagios.log" >&2; exit 1; }

# The record of one service in status.dat: "state<TAB>last_check<TAB>output<TAB>perfdata".
recorded () {
  awk -v host="$1" -v svc="$2" '
    /^servicestatus \{/ { inside = 1; h = s = st = lc = out = perf = ""; next }
    inside && /^\t}/ { if (h == host && s == svc) print st "\t" lc "\t" out "\t" perf; inside = 0; next }
    inside { line = $0; sub(/^\t/, "", line); k = line; sub(/=.*/, "", k); v = substr(line, length(k) + 2)
             if (k == "host_name") h = v; else if (k == "service_description") s = v
             else if (k == "current_state") st = v; else if (k == "last_check") lc = v
             else if (k == "plugin_output") out = v; else if (k == "performance_data") perf = v }
  ' "$ng/status.dat"
}

checked_since () {   # checked_since HOST SERVICE UNIX_TIME
  local last
  last=$(recorded "$1" "$2" | cut -f2)
  [ -n "$last" ] && [ "$last" -ge "$3" ]
}

# Forces a check through the command pipe and waits for the result in status.dat.
force () {   # force HOST SERVICE
  local now
  now=$(date +%s)
  printf '[%s] SCHEDULE_FORCED_SVC_CHECK;%s;%s;%s\n' "$now" "$1" "$2" "$now" >"$ng/nagios.cmd"
  wait_for 60 checked_since "$1" "$2" "$now" || { echo "# no result for $1/$2" >&2; return 1; }
}

perf_re="^('[a-z_]+'=[0-9]+(\\.[0-9]+)?s?;[0-9.:]*;[0-9.:]*;0( |\$))+\$"

expect () {   # expect HOST SERVICE STATE WHAT
  local state output perf
  IFS=$'\t' read -r state _ output perf <<<"$(recorded "$1" "$2")"
  expect_record "Nagios, $4" "$3" "$state" "$output" "$perf" "$perf_re"
}

sleep 1   # last_check has one-second resolution
for svc in good wrong-password slow no-credentials; do force builtin "$svc" || true; done
for svc in good slow; do force postfix "$svc" || true; done
expect builtin good 0 "built-in server, right password: OK"
expect builtin wrong-password 2 "built-in server, wrong password: CRITICAL"
expect builtin slow 1 "built-in server, -w below the real time: WARNING"
expect builtin no-credentials 0 "built-in server, no credentials (STARTTLS and the certificate): OK"
expect postfix good 0 "Postfix, right password: OK"
expect postfix slow 1 "Postfix, -w below the real time: WARNING"

# The password changes on the server: the same service turns CRITICAL.
change_postfix_password
sleep 1
force postfix good || true
expect postfix good 2 "Postfix after the password was changed: CRITICAL"

# Nagios' own perfdata file holds the same lines the engine processed.
echo "# perfdata file written by Nagios:"
sed 's/^/#   /' "$ng/perfdata.log"
if grep -qP "^good\tCRITICAL\tSMTP CRITICAL - failed at auth" "$ng/perfdata.log"; then
  ok 0 "the perfdata file has the CRITICAL result of the changed password"
else
  ok 1 "the perfdata file has the CRITICAL result of the changed password"
fi

echo "1..$n"
exit $failed
