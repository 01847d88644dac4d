#!/usr/bin/env bash
# A real Icinga 2 runs our CheckCommand (data/monitoring/smtp-doctor.icinga2.conf.in)
# against the built-in server (`smtp-doctor-cli serve`) and a throwaway Postfix
# (tests/real/postfix/postfix-ctl.sh), and we read what the engine recorded.
#
#   icinga2-check.sh SMTP_DOCTOR_CLI SOURCE_ROOT
#
# Icinga 2 runs from a temp dir as its own instance (every path defined on its command
# line, no system service, no API listener): the checker, an external command pipe and
# a PerfdataWriter whose files give the state, the output and the perfdata as Icinga
# parsed it. Active checks are off, so every result comes from a check we forced through
# the pipe (SCHEDULE_FORCED_SVC_CHECK). TAP output; what Icinga recorded is printed.
set -euo pipefail

# shellcheck source=engine-lib.sh
. "$(dirname "$0")/engine-lib.sh"
require_engine icinga2 icinga2-bin "$@"
start_servers

ic=$tmp/icinga2
mkdir -p "$ic"/{data,log,cache,spool,run,perfdata}
sed "s|@BINDIR@|$(dirname "$cli")|g" "$src/data/monitoring/smtp-doctor.icinga2.conf.in" \
  >"$ic/smtp-doctor.conf"

service () {   # service HOST NAME VARS...
  local host=$1 name=$2
  shift 2
  printf 'object Service "%s" {\n  host_name = "%s"\n  check_command = "smtp-doctor"\n' "$name" "$host"
  printf '  enable_active_checks = false\n  max_check_attempts = 1\n'
  printf '  vars.%s\n' "$@"
  printf '}\n'
}

write_config () {
  local tab='\t'
  printf 'include "smtp-doctor.conf"\n'
  printf 'object CheckerComponent "checker" { }\n'
  printf 'object ExternalCommandListener "command" {\n  command_path = "%s"\n}\n' "$ic/run/icinga2.cmd"
  printf 'object PerfdataWriter "perfdata" {\n'
  printf '  service_perfdata_path = "%s"\n  service_temp_path = "%s"\n' "$ic/perfdata/service" "$ic/perfdata/service.tmp"
  printf '  host_perfdata_path = "%s"\n  host_temp_path = "%s"\n' "$ic/perfdata/host" "$ic/perfdata/host.tmp"
  printf '  service_format_template = "RESULT%s$host.name$%s$service.name$%s$service.state$%s$service.perfdata$%s$service.output$"\n' \
    "$tab" "$tab" "$tab" "$tab" "$tab"
  printf '  rotation_interval = 1s\n}\n'
  printf 'object CheckCommand "nothing" {\n  command = [ "/bin/true" ]\n}\n'
  for host in builtin postfix; do
    printf 'object Host "%s" {\n  address = "127.0.0.1"\n  check_command = "nothing"\n' "$host"
    printf '  enable_active_checks = false\n}\n'
  done
  local b=("smtp_doctor_port = $serve_port" "smtp_doctor_tls_ca = \"$serve_cert\"" 'smtp_doctor_user = "demo"')
  local p=("smtp_doctor_port = $pf_sub" "smtp_doctor_tls_ca = \"$pf_cert\"" 'smtp_doctor_user = "tester"')
  service builtin good "${b[@]}" "smtp_doctor_password_file = \"$tmp/demo.pw\"" \
    'smtp_doctor_warning = 5' 'smtp_doctor_critical = 10' 'smtp_doctor_cert_warning = 30'
  service builtin wrong-password "${b[@]}" "smtp_doctor_password_file = \"$tmp/wrong.pw\""
  service builtin slow "${b[@]}" "smtp_doctor_password_file = \"$tmp/demo.pw\"" \
    'smtp_doctor_warning = 0.000001' 'smtp_doctor_critical = 10'
  service postfix good "${p[@]}" "smtp_doctor_password_file = \"$tmp/postfix.pw\"" \
    'smtp_doctor_warning = 5' 'smtp_doctor_critical = 10' 'smtp_doctor_cert_critical = 0'
  service postfix slow "${p[@]}" "smtp_doctor_password_file = \"$tmp/postfix.pw\"" \
    'smtp_doctor_warning = 0.000001'
}
write_config >"$ic/icinga2.conf"

defines=(
  -DConfiguration.ConfigDir="$ic" -DConfiguration.DataDir="$ic/data"
  -DConfiguration.LogDir="$ic/log" -DConfiguration.CacheDir="$ic/cache"
  -DConfiguration.SpoolDir="$ic/spool" -DConfiguration.InitRunDir="$ic/run"
  -DConfiguration.StatePath="$ic/data/icinga2.state" -DConfiguration.PidPath="$ic/run/icinga2.pid"
  -DConfiguration.ObjectsPath="$ic/cache/icinga2.debug" -DConfiguration.VarsPath="$ic/cache/icinga2.vars"
  -DConfiguration.ModAttrPath="$ic/data/modified-attributes.conf"
  -DConfiguration.RunAsUser=root -DConfiguration.RunAsGroup=root
)
export ICINGA2_USER=root ICINGA2_GROUP=root
if icinga2 daemon -C -c "$ic/icinga2.conf" "${defines[@]}" >"$ic/validate.log" 2>&1; then
  ok 0 "icinga2 daemon -C accepts our CheckCommand"
else
  cat "$ic/validate.log" >&2
  ok 1 "icinga2 daemon -C accepts our CheckCommand"
  echo "1..$n"
  exit 1
fi

icinga2 daemon -c "$ic/icinga2.conf" "${defines[@]}" >"$ic/daemon.log" 2>&1 &
engine_pid=$!
wait_for 60 test -p "$ic/run/icinga2.cmd" || { cat "$ic/daemon.log" >&2; exit 1; }

# The results Icinga wrote for HOST SERVICE, oldest first: "state<TAB>perfdata<TAB>output".
results () {
  cat "$ic"/perfdata/service.[0-9]* 2>/dev/null |
    awk -F '\t' -v host="$1" -v svc="$2" \
      '$1 == "RESULT" && $2 == host && $3 == svc { print $4 "\t" $5 "\t" $6 }'
}

more_results () {   # more_results HOST SERVICE COUNT
  [ "$(results "$1" "$2" | wc -l)" -gt "$3" ]
}

# Forces a check through the command pipe and waits until its result was written.
force () {   # force HOST SERVICE
  local before now
  before=$(results "$1" "$2" | wc -l)
  now=$(date +%s)
  printf '[%s] SCHEDULE_FORCED_SVC_CHECK;%s;%s;%s\n' "$now" "$1" "$2" "$now" >"$ic/run/icinga2.cmd"
  wait_for 60 more_results "$1" "$2" "$before" || { echo "# no result for $1/$2" >&2; return 1; }
}

perf_re="^([a-z_]+=-?[0-9.e+-]+s?(;[^; ]*){0,4}( |\$))+\$"

expect () {   # expect HOST SERVICE STATE WHAT
  local state perf output
  IFS=$'\t' read -r state perf output <<<"$(results "$1" "$2" | tail -n 1)"
  expect_record "Icinga 2, $4" "$3" "$state" "$output" "$perf" "$perf_re"
}

for svc in good wrong-password slow; do force builtin "$svc" || true; done
for svc in good slow; do force postfix "$svc" || true; done
expect builtin good OK "built-in server, right password: OK"
expect builtin wrong-password CRITICAL "built-in server, wrong password: CRITICAL"
expect builtin slow WARNING "built-in server, -w below the real time: WARNING"
expect postfix good OK "Postfix, right password: OK"
expect postfix slow WARNING "Postfix, -w below the real time: WARNING"

# The password changes on the server: the same service turns CRITICAL.
change_postfix_password
force postfix good || true
expect postfix good CRITICAL "Postfix after the password was changed: CRITICAL"

# Icinga parsed every perfdata value we gave it (it warns about those it cannot).
if grep -i 'perfdata' "$ic/daemon.log" | grep -v 'PerfdataWriter' | grep -qi 'invalid\|ignor'; then
  grep -i 'perfdata' "$ic/daemon.log" | sed 's/^/# /'
  ok 1 "Icinga 2 logged no perfdata it could not parse"
else
  ok 0 "Icinga 2 logged no perfdata it could not parse"
fi

echo "1..$n"
exit $failed
