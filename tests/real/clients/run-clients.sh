#!/usr/bin/env bash
# Real client libraries against `smtp-doctor-cli serve` set to fail on purpose: for each
# (client, failure) pair of matrix.txt it starts the server on 127.0.0.1 (a free port),
# runs the client, keeps what the library printed, and checks that `diagnose --json`
# puts one of the expected hints first. TAP on stdout.
#
# Usage: run-clients.sh CLI CLIENT [FAILURE...]
#   CLI     the smtp-doctor-cli binary
#   CLIENT  dotnet | java | phpmailer | python | nodemailer | swaks | msmtp | curl
# Environment: SD_CAPTURE_DIR=DIR also writes each capture as DIR/CLIENT-FAILURE.txt in
# the tests/corpus format (capture.sh does that for tests/corpus/clients).
# Exit 77 (skip) only when the client library is not installed.
set -uo pipefail

cli=$1
client=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
only=("$@")

work=$(mktemp -d)
serve_pid=
cleanup() {
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
# serve keeps its generated certificate under the user data dir: use a private one.
export XDG_DATA_HOME=$work/data HOME=$work/home
mkdir -p "$XDG_DATA_HOME" "$HOME"
export LC_ALL=C.UTF-8 LANGUAGE=

skip() {
  echo "1..0 # SKIP $client: $*"
  exit 77
}

# --- the clients: prepare (or skip), then run with the SD_* environment ---------------

client_version=
prepare_client() {
  case $client in
    python)
      [ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is not installed (apt-get install python3)"
      client_version="Python $(/usr/bin/python3 -c 'import platform; print(platform.python_version())') smtplib"
      ;;
    dotnet)
      command -v mcs >/dev/null && command -v mono >/dev/null ||
        skip "mcs/mono are not installed (apt-get install mono-mcs mono-runtime)"
      mcs -nologo -out:"$work/SmtpClientTest.exe" "$here/SmtpClientTest.cs" >"$work/mcs.log" 2>&1 ||
        { cat "$work/mcs.log"; echo "Bail out! SmtpClientTest.cs does not compile"; exit 1; }
      client_version="Mono $(mono --version | sed -n '1s/.*version \([^ ]*\).*/\1/p') System.Net.Mail.SmtpClient"
      ;;
    java)
      local jars=/usr/share/java/jakarta-mail.jar:/usr/share/java/jakarta-activation.jar
      command -v javac >/dev/null && [ -e /usr/share/java/jakarta-mail.jar ] ||
        skip "javac or Jakarta Mail is not installed (apt-get install default-jdk-headless libjakarta-mail-java)"
      javac -nowarn -d "$work/java" -cp "$jars" "$here/JakartaMailTest.java" >"$work/javac.log" 2>&1 ||
        { cat "$work/javac.log"; echo "Bail out! JakartaMailTest.java does not compile"; exit 1; }
      java_cp=$work/java:$jars
      client_version="Jakarta Mail $(dpkg-query -W -f '${Version}' libjakarta-mail-java 2>/dev/null) on Java $(java -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.version = //p')"
      ;;
    phpmailer)
      command -v php >/dev/null && [ -e /usr/share/php/libphp-phpmailer/autoload.php ] ||
        skip "php or PHPMailer is not installed (apt-get install php-cli libphp-phpmailer)"
      client_version="PHPMailer $(dpkg-query -W -f '${Version}' libphp-phpmailer 2>/dev/null) on PHP $(php -r 'echo PHP_VERSION;')"
      ;;
    nodemailer)
      command -v node >/dev/null || skip "node is not installed (apt-get install nodejs)"
      [ -e "$here/node_modules/nodemailer/package.json" ] ||
        skip "nodemailer is not installed (build-aux/install-deps.sh runs npm install in tests/real/clients)"
      client_version="nodemailer $(node -p "require('$here/node_modules/nodemailer/package.json').version") on Node.js $(node --version)"
      ;;
    swaks)
      command -v swaks >/dev/null || skip "swaks is not installed (apt-get install swaks libnet-ssleay-perl)"
      client_version="swaks $(swaks --version 2>&1 | sed -n 's/^swaks version \([^ ]*\).*/\1/p')"
      ;;
    msmtp)
      command -v msmtp >/dev/null || skip "msmtp is not installed (apt-get install msmtp)"
      client_version="msmtp $(msmtp --version | sed -n '1s/^msmtp version //p')"
      ;;
    curl)
      command -v curl >/dev/null || skip "curl is not installed (apt-get install curl)"
      client_version="$(curl --version | sed -n '1s/^\(curl [^ ]*\).*/\1/p')"
      ;;
    *)
      echo "Bail out! unknown client $client"
      exit 1
      ;;
  esac
}

# A client that hangs is a failure of its own, not a reason to hang the suite.
run_client() {
  local t=(timeout -k 5 60)
  case $client in
    python) "${t[@]}" /usr/bin/python3 "$here/smtplib-client.py" ;;
    dotnet) "${t[@]}" mono "$work/SmtpClientTest.exe" ;;
    java)
      local jopts=()
      [ -n "$SD_JAVA_TRUSTSTORE" ] && jopts+=("-Djavax.net.ssl.trustStore=$SD_JAVA_TRUSTSTORE" -Djavax.net.ssl.trustStorePassword=changeit)
      # A JVM from before TLS 1.0 was disabled (Java 8 until 2021), as legacy apps run.
      [ "$SD_TLS_MAX" = 1.0 ] && jopts+=("-Djava.security.properties=$here/legacy-tls.security")
      "${t[@]}" java "${jopts[@]}" -cp "$java_cp" JakartaMailTest ;;
    phpmailer) "${t[@]}" php "$here/phpmailer-client.php" ;;
    nodemailer) NODE_PATH=$here/node_modules "${t[@]}" node "$here/nodemailer-client.js" ;;
    swaks|msmtp|curl) "${t[@]}" bash "$here/tool-client.sh" "$client" ;;
  esac
}

# --- the failures: how serve plays each, and how the client is set up ----------------

password=Secret-42
export SD_SERVE_PASSWORD=$password
account=(--user alice --password-env SD_SERVE_PASSWORD)

# A certificate for mail.example.test that the clients trust as its own CA: connecting to
# 127.0.0.1 with it is the name mismatch of an application configured with an address.
make_named_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj /CN=mail.example.test -addext subjectAltName=DNS:mail.example.test \
    -keyout "$work/named.key" -out "$work/named.pem" >/dev/null 2>&1 ||
    { echo "Bail out! openssl could not make a certificate"; exit 1; }
  if [ "$client" = java ]; then
    keytool -importcert -noprompt -alias named -file "$work/named.pem" -storetype PKCS12 \
      -keystore "$work/trust.p12" -storepass changeit >/dev/null 2>&1
  fi
}

# Sets serve_args, port_kind (plain: the STARTTLS port, tls: the implicit TLS port),
# cause, and the client's SD_* environment for failure $1.
setup_failure() {
  serve_args=(--port 0)
  port_kind=plain
  export SD_HOST=127.0.0.1 SD_SECURITY=starttls SD_USER=alice SD_PASSWORD=$password \
    SD_FROM=app@example.test SD_TO=user@example.test SD_BODY_SIZE=100 SD_VERIFY=none \
    SD_CAFILE= SD_TLS_MAX= SD_TIMEOUT=10 SD_JAVA_TRUSTSTORE=
  case $1 in
    wrong-password)
      serve_args+=("${account[@]}")
      SD_PASSWORD=wrong-password
      cause="the password is wrong (AUTH gets 535 5.7.8)" ;;
    auth-requires-tls)
      serve_args+=("${account[@]}" --require-tls-for-auth --require-auth)
      SD_SECURITY=none
      cause="the server offers AUTH only after STARTTLS and the client does not STARTTLS, so it never logs in (Exchange's default)" ;;
    starttls-missing)
      serve_args+=("${account[@]}" --no-starttls)
      cause="the client requires STARTTLS and the server does not offer it" ;;
    tls-too-old)
      serve_args+=("${account[@]}" --tls-min-version 1.2)
      SD_TLS_MAX=1.0
      # PHPMailer's STARTTLS picks its own TLS versions; its implicit TLS (ssl://) honours
      # the stream context, so the TLS 1.0 client is played there.
      if [ "$client" = phpmailer ]; then
        serve_args+=(--tls-port 0)
        port_kind=tls SD_SECURITY=tls
      fi
      cause="the client speaks only TLS 1.0 and the server accepts TLS 1.2 and later" ;;
    implicit-on-starttls-port)
      serve_args+=("${account[@]}")
      SD_SECURITY=tls
      cause="the client starts TLS at connect (implicit TLS, port 465 style) on a port that expects plain SMTP and STARTTLS (587 style)" ;;
    starttls-on-implicit-port)
      serve_args+=("${account[@]}" --tls-port 0)
      port_kind=tls SD_TIMEOUT=5
      cause="the client waits for a plain greeting (to STARTTLS) on a port that expects a TLS handshake at connect (465)" ;;
    relay-denied)
      serve_args+=(--relay-domain example.test)
      SD_USER= SD_TO=someone@elsewhere.example
      cause="unauthenticated mail to a domain the server does not accept (550 5.7.54)" ;;
    size-limit)
      serve_args+=(--max-size 2000)
      SD_USER= SD_BODY_SIZE=20000
      cause="the message is larger than the server's limit (552 5.3.4)" ;;
    greylist)
      serve_args+=(--greylist)
      SD_USER=
      cause="the server greylists the first try (451 4.7.1) and the client does not retry" ;;
    mail-before-auth)
      serve_args+=("${account[@]}" --require-auth)
      SD_USER=
      cause="the server requires AUTH and the client has no credentials configured (MAIL gets 530 5.7.0)" ;;
    cert-untrusted)
      serve_args+=("${account[@]}")
      SD_VERIFY=system
      cause="the server's certificate is self-signed and the client verifies it against the system's CAs" ;;
    cert-name-mismatch)
      [ -e "$work/named.pem" ] || make_named_cert
      serve_args+=("${account[@]}" --cert "$work/named.pem" --key "$work/named.key")
      SD_VERIFY=ca SD_CAFILE=$work/named.pem SD_JAVA_TRUSTSTORE=$work/trust.p12
      cause="the certificate is for mail.example.test (trusted), the client connects to 127.0.0.1" ;;
    exchange-wrong-password)
      serve_args+=("${account[@]}" --connector exchange-frontend)
      SD_PASSWORD=wrong-password
      cause="Exchange's Client Frontend refuses the password (535 5.7.3 Authentication unsuccessful)" ;;
    m365-no-auth)
      serve_args+=("${account[@]}" --connector m365)
      SD_USER=
      cause="Microsoft 365 requires AUTH and the client has no credentials configured (530 5.7.57)" ;;
    fault-user-unknown)
      serve_args+=("${account[@]}" --fail "rcpt=550 5.1.1 User unknown")
      cause="the server refuses the recipient (an injected 550 5.1.1 User unknown)" ;;
    *)
      echo "Bail out! unknown failure $1"
      exit 1 ;;
  esac
}

# --- one pair ------------------------------------------------------------------------

start_serve_once() {
  local log=$1
  "$cli" serve "${serve_args[@]}" >"$log" 2>&1 &
  serve_pid=$!
  # Up to 30 s: a loaded machine (or the sanitizer build) starts serve slowly, and a
  # fresh certificate may have to be made first.
  for _ in $(seq 600); do
    grep -q '^Press Ctrl+C' "$log" && break
    if ! kill -0 "$serve_pid" 2>/dev/null; then
      wait "$serve_pid"
      echo "serve exited with status $? before listening" >>"$log"
      serve_pid=
      return 1
    fi
    sleep 0.05
  done
  local key='^Listening on 127.0.0.1 port'
  [ "$port_kind" = tls ] && key='^Implicit TLS on 127.0.0.1 port'
  port=$(sed -n "s/$key \([0-9]*\).*/\1/p" "$log")
  [ -n "$port" ]
}

# Once in a CI run (sanitizer build, two client tests at once) serve exited at start
# without a word; not seen again in isolation. Its status goes into the log, and the
# start is tried a second time (saying so) so the client's own check still runs.
start_serve() {
  start_serve_once "$1" && return 0
  echo "# serve did not start the first time: $(tail -n 1 "$1"); starting it again"
  stop_serve
  start_serve_once "$1"
}

stop_serve() {
  kill "$serve_pid" 2>/dev/null
  wait "$serve_pid" 2>/dev/null
  serve_pid=
}

# The id of the first hint in `diagnose --json` (pretty-printed: "id" leads each hint).
first_hint() {
  local id
  id=$(sed -n 's/^ *"id": *"\([^"]*\)".*/\1/p' "$1" | head -n 1)
  echo "${id:-(none)}"
}

write_corpus() {
  local capture=$1 expect=$2 failure=$3
  {
    echo "expect: $expect"
    echo "cause: $cause"
    echo "family: $client"
    echo "lang: en"
    echo "source: captured from $client_version against smtp-doctor-cli serve ${serve_args[*]//$work//tmp/sd-clients}"
    echo "---"
    # Temporary paths and ports change from run to run; the corpus keeps stable ones.
    sed -e "s|$work|/tmp/sd-clients|g" "$capture"
  } >"$SD_CAPTURE_DIR/$client-$failure.txt"
}

prepare_client
pairs=()
while read -r c failure expect; do
  [ "$c" = "$client" ] || continue
  if [ ${#only[@]} -gt 0 ] && [[ " ${only[*]} " != *" $failure "* ]]; then
    continue
  fi
  pairs+=("$failure $expect")
done < <(grep -v '^#' "$here/matrix.txt" | grep -v '^ *$')

echo "1..${#pairs[@]}"
n=0
status=0
for pair in "${pairs[@]}"; do
  n=$((n + 1))
  read -r failure expect <<<"$pair"
  started=$(date +%s%N)
  setup_failure "$failure"
  if ! start_serve "$work/serve.log"; then
    echo "not ok $n - $client/$failure # serve did not start"
    sed 's/^/#   /' "$work/serve.log"
    sed 's/^/# /' "$work/serve.log"
    status=1
    stop_serve
    continue
  fi
  export SD_PORT=$port
  capture=$work/$client-$failure.txt
  run_client >"$capture" 2>&1 </dev/null
  stop_serve
  "$cli" diagnose --json "$capture" >"$work/hints.json" 2>"$work/diagnose.err"
  got=$(first_hint "$work/hints.json" 2>/dev/null || echo "(diagnose failed)")
  [ -n "${SD_CAPTURE_DIR:-}" ] && write_corpus "$capture" "$expect" "$failure"
  if [[ " $expect " == *" $got "* ]]; then
    echo "ok $n - $client/$failure: $got"
  else
    echo "not ok $n - $client/$failure: first hint $got, expected one of: $expect"
    status=1
  fi
  echo "#   ($(( ($(date +%s%N) - started) / 1000000 )) ms)"
  sed 's/^/#   /' "$capture" | head -n 40
done
exit $status
