# Sourced by the scripts that try a Windows build under wine (wine-screenshot.sh,
# msi-test.sh). serve_send needs: wine (the wine64 command, bounded), cli (the Windows
# or Unix path of smtp-doctor-cli.exe) and out (a folder for the logs).
# shellcheck shell=bash

# serve_send NAME VERIFY [SERVE-ARGS…]: the CLI's server on a free loopback port, one
# send against it with --tls-verify VERIFY ("PIN" for the served certificate's SHA-256);
# fails when the send does.
serve_send() {
  local name=$1 verify=$2 serve port rc=0
  shift 2
  $wine "$cli" serve --port 0 --accept-any-auth "$@" >"$out/serve-$name.log" 2>&1 &
  serve=$!
  port=
  for _ in $(seq 60); do
    port=$(sed -n 's/^Listening on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$out/serve-$name.log")
    [ -n "$port" ] && break
    sleep 0.5
  done
  if [ -z "$port" ]; then
    echo "serve did not start:"; cat "$out/serve-$name.log"; rc=1
  else
    if [ "$verify" = PIN ]; then
      verify="pin:$(sed -n 's/.* SHA-256 \([0-9a-f]*\).*/\1/p' "$out/serve-$name.log")"
    fi
    SMTP_PASSWORD=secret $wine "$cli" send --server localhost --port "$port" \
      --tls-verify "$verify" --user demo --password-env SMTP_PASSWORD \
      --from a@example.test --to b@example.test --subject 'Grüße aus Wine' \
      >"$out/send-$name.log" 2>&1 || rc=1
    grep -E '^Result|^TLS' "$out/send-$name.log" || cat "$out/send-$name.log"
  fi
  kill "$serve" 2>/dev/null || true
  wait "$serve" 2>/dev/null || true
  return $rc
}

# gui_click_shot EXE OUT X Y: the GUI EXE under wine in Xvfb; once its window is up, a
# click at X,Y from the window's corner (keys do not reach a wine window without a
# window manager), and 10 s later the screen into OUT.png; EXE's output goes to OUT.log.
# Fails when no window came up.
gui_click_shot() {
  timeout 150 xvfb-run -a -s '-screen 0 1400x950x24' bash -c '
    /usr/lib/wine/wine64 "$1" >"$2.log" 2>&1 & pid=$!
    win=$(timeout 60 xdotool search --sync --name "^SMTP Doctor" | head -1)
    if [ -n "$win" ]; then
      sleep 5
      xdotool mousemove --window "$win" "$3" "$4"
      sleep 0.5; xdotool mousedown 1; sleep 0.2; xdotool mouseup 1
      sleep 10
      import -window root "$2.png"
    fi
    kill $pid; wait $pid' sh "$@" || true
  [ -s "$2.png" ]
}
