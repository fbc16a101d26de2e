#!/bin/sh
# Runs one load scenario against ejabberd, Prosody and Switchboard, each alone on this machine,
# and prints one table with the ratios to ejabberd.
#
#   bench/compare.sh SCENARIO [bench/run load options...]
#   bench/compare.sh idle --users 10000 --rate 500 --duration 30s
#   bench/compare.sh chat --users 2000 --msg-rate 5000 --duration 30s
#   bench/compare.sh login-storm --users 5000 --concurrency 200
#
# For each server: a fresh data directory (in a temporary directory), the configuration kept in
# bench/ejabberd/ or bench/prosody/ (Switchboard: bin/switchboard start --no-require-tls), the
# same accounts (<prefix><first>..@localhost, password from --password), the scenario run by
# bench/run with --server-pid so that the server's memory and CPU are read from /proc, then the
# server is stopped. Every server started here is stopped on exit, failure or Ctrl-C.
#
# ejabberd and Prosody are installed from Debian packages when missing (apt-get, as root) and run
# by hand as their own users, never through systemd.
#
# Environment:
#   SERVERS                which servers, in order (default "ejabberd prosody switchboard")
#   BENCH_PORT             c2s port the servers listen on, on 127.0.0.1 (default 15222)
#   BENCH_OUT              where the reports go (default bench/results/<time>-<scenario>); the
#                          servers' data and logs go to a temporary directory, removed at the end
#                          unless KEEP_DATA=1
#   SWITCHBOARD_JAVA_OPTS  JVM options of the Switchboard server (default -Xmx1g)
#   ARCHIVE                off (default) or on: every 1:1 message archived (XEP-0313) by all
#                          three servers: ejabberd's mod_mam in Mnesia, Prosody's mod_mam in its
#                          internal store, Switchboard's default durable archive
#   SWITCHBOARD_ARGS       more options for `bin/switchboard start` (default: message archiving
#                          off unless ARCHIVE=on; SWITCHBOARD_ARGS= also turns it on for
#                          Switchboard alone)
#   EJABBERD_PASSWORDS     ejabberd's auth_password_format: plain (its default) or scram
#   SETTLE                 seconds between a server's start and the scenario (default 20)
set -eu

[ $# -ge 1 ] || {
  sed -n '2,/^set -eu/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 2
}
SCENARIO=$1
shift

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
PORT=${BENCH_PORT:-15222}
SERVERS=${SERVERS:-"ejabberd prosody switchboard"}
OUT=${BENCH_OUT:-$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)-$SCENARIO}
SWITCHBOARD_JAVA_OPTS=${SWITCHBOARD_JAVA_OPTS:--Xmx1g}
export SWITCHBOARD_JAVA_OPTS
ARCHIVE=${ARCHIVE:-off}
case $ARCHIVE in
  on)
    SWITCHBOARD_ARGS=${SWITCHBOARD_ARGS-}
    EJABBERD_MAM='  mod_mam: {default: always}'
    PROSODY_MAM='"mam";'
    ;;
  off)
    SWITCHBOARD_ARGS=${SWITCHBOARD_ARGS-"--set modules.mam.default-mode=\"never\""}
    EJABBERD_MAM=
    PROSODY_MAM=
    ;;
  *) echo "compare.sh: ARCHIVE is on or off, not $ARCHIVE" >&2; exit 2 ;;
esac
EJABBERD_PASSWORDS=${EJABBERD_PASSWORDS:-plain}
SETTLE=${SETTLE:-20}

# the account options of the scenario, to provision the same accounts everywhere
USERS=1000
FIRST=1
PREFIX=u
PASSWORD=pw
prev=
for a in "$@"; do
  case $prev in
    --users) USERS=$a ;;
    --first) FIRST=$a ;;
    --user-prefix) PREFIX=$a ;;
    --password) PASSWORD=$a ;;
  esac
  case $a in
    --users=*) USERS=${a#*=} ;;
    --first=*) FIRST=${a#*=} ;;
    --user-prefix=*) PREFIX=${a#*=} ;;
    --password=*) PASSWORD=${a#*=} ;;
    --port | --port=* | --server-pid | --server-pid=* | --json | --json=* | --domain | --domain=*)
      echo "compare.sh: $a is set by compare.sh (port: BENCH_PORT; domain: localhost)" >&2
      exit 2
      ;;
  esac
  prev=$a
done
LAST=$((FIRST + USERS - 1))

log() {
  echo "compare: $*" >&2
}

mkdir -p "$OUT"
DATA=$(mktemp -d /tmp/switchboard-compare.XXXXXX)
chmod 755 "$DATA" # the servers run as their own users
log "results in $OUT, server data in $DATA"

# --- installation --------------------------------------------------------------------------
need_package() {
  if ! command -v "$2" > /dev/null 2>&1; then
    log "installing $1 from Debian packages"
    # /usr/sbin/policy-rc.d (exit 101) keeps the package from starting its own service
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" > "$OUT/apt-$1.log" 2>&1 \
      || { apt-get update -qq > /dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" > "$OUT/apt-$1.log" 2>&1; } \
      || { log "apt-get install $1 failed, see $OUT/apt-$1.log"; exit 1; }
  fi
}
for s in $SERVERS; do
  case $s in
    ejabberd) need_package ejabberd ejabberdctl ;;
    prosody) need_package prosody prosody ;;
    switchboard) ;;
    *) log "unknown server $s"; exit 2 ;;
  esac
done

"$ROOT/bench/run" --version > /dev/null # builds on first use
"$ROOT/bench/run" gen-accounts --users "$USERS" --first "$FIRST" --prefix "$PREFIX" \
  --password "$PASSWORD" --domain localhost > "$OUT/accounts.txt"

# one self-signed certificate for ejabberd and Prosody (Switchboard makes its own), for --starttls
TLS=$DATA/tls
mkdir -p "$TLS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost \
  -keyout "$TLS/key.pem" -out "$TLS/cert.pem" > "$OUT/openssl.log" 2>&1 \
  || { log "openssl could not make a certificate, see $OUT/openssl.log"; exit 1; }

# --- starting and stopping -----------------------------------------------------------------
SERVER_PID=     # the server process whose memory and CPU are measured
LAUNCHER_PID=   # the process this script started (may be the same)
STOP_CMD=       # a polite stop command, if the server has one

stop_server() {
  if [ -n "$STOP_CMD" ]; then
    sh -c "$STOP_CMD" > /dev/null 2>&1 || true
  fi
  for p in $SERVER_PID $LAUNCHER_PID; do
    [ -n "$p" ] && kill -TERM "$p" 2> /dev/null || true
  done
  i=0
  while [ $i -lt 30 ]; do
    alive=
    for p in $SERVER_PID $LAUNCHER_PID; do
      kill -0 "$p" 2> /dev/null && alive=1
    done
    [ -z "$alive" ] && break
    sleep 0.5
    i=$((i + 1))
  done
  for p in $SERVER_PID $LAUNCHER_PID; do
    kill -KILL "$p" 2> /dev/null || true
  done
  SERVER_PID=
  LAUNCHER_PID=
  STOP_CMD=
}
cleanup() {
  stop_server
  if [ "${KEEP_DATA:-0}" = 1 ]; then
    log "server data kept in $DATA"
  else
    rm -rf "$DATA"
  fi
}
trap 'cleanup' EXIT
trap 'cleanup; trap - EXIT; exit 130' INT TERM

wait_listening() {
  i=0
  while ! ss -ltn "sport = :$PORT" | grep -q LISTEN; do
    i=$((i + 1))
    if [ $i -gt 240 ] || ! kill -0 "$LAUNCHER_PID" 2> /dev/null; then
      log "$1 did not start listening on $PORT; see $2"
      return 1
    fi
    sleep 0.5
  done
}

port_free() {
  if ss -ltn "sport = :$PORT" | grep -q LISTEN; then
    log "port $PORT is in use; set BENCH_PORT"
    exit 1
  fi
}

start_switchboard() {
  d=$DATA/switchboard
  mkdir -p "$d"
  log "switchboard: importing $USERS accounts"
  "$ROOT/bin/switchboard" account import "$OUT/accounts.txt" --data "$d/data" > "$d/import.log" 2>&1
  cat "$d/import.log" >&2
  cp "$d/import.log" "$OUT/switchboard-import.log"
  "$ROOT/bin/switchboard" start --no-require-tls --data "$d/data" --c2s-port "$PORT" \
    --tls-port 0 --http-port 0 --set c2s.bind-address='"127.0.0.1"' $SWITCHBOARD_ARGS \
    > "$d/server.log" 2>&1 &
  LAUNCHER_PID=$!
  SERVER_PID=$LAUNCHER_PID # bin/switchboard execs java
  wait_listening switchboard "$d/server.log"
}

ejabberdctl_as() {
  setpriv --reuid=ejabberd --regid=ejabberd --clear-groups env HOME="$EJ" ejabberdctl \
    --config-dir "$EJ/cfg" --ctl-config "$EJ/cfg/ejabberdctl.cfg" --config "$EJ/cfg/ejabberd.yml" \
    --spool "$EJ/spool" --logs "$EJ/logs" --node "sbbench@localhost" "$@"
}

start_ejabberd() {
  EJ=$DATA/ejabberd
  mkdir -p "$EJ/cfg" "$EJ/spool" "$EJ/logs"
  cat "$TLS/cert.pem" "$TLS/key.pem" > "$EJ/cfg/server.pem"
  sed -e "s/@PORT@/$PORT/" -e "s/@PASSWORD_FORMAT@/$EJABBERD_PASSWORDS/" \
    -e "s/@MAM@/$EJABBERD_MAM/" \
    -e "s#@CERT@#$EJ/cfg/server.pem#" \
    "$ROOT/bench/ejabberd/ejabberd.yml" > "$EJ/cfg/ejabberd.yml"
  cp "$ROOT/bench/ejabberd/ejabberdctl.cfg" "$ROOT/bench/ejabberd/inetrc" "$EJ/cfg/"
  echo "EJABBERD_PID_PATH=$EJ/ejabberd.pid" >> "$EJ/cfg/ejabberdctl.cfg"
  chown -R ejabberd:ejabberd "$EJ"
  # setpriv rather than ejabberdctl's own su: su's PAM session lowers the open-file limit to 1024
  ejabberdctl_as foreground > "$EJ/server.log" 2>&1 &
  LAUNCHER_PID=$!
  STOP_CMD="setpriv --reuid=ejabberd --regid=ejabberd --clear-groups env HOME=$EJ ejabberdctl --config-dir $EJ/cfg --ctl-config $EJ/cfg/ejabberdctl.cfg --config $EJ/cfg/ejabberd.yml --spool $EJ/spool --logs $EJ/logs --node sbbench@localhost stop"
  wait_listening ejabberd "$EJ/logs/error.log"
  SERVER_PID=$(cat "$EJ/ejabberd.pid")
  log "ejabberd: registering $USERS accounts ($EJABBERD_PASSWORDS passwords)"
  # ejabberdctl register starts a VM per account; one RPC loop over Erlang distribution instead
  (cd "$EJ" && HOME=$EJ erl -noshell -sname "sbreg$$" -setcookie sbbench -eval "
    N = 'sbbench@localhost', First = $FIRST, Last = $LAST, W = 4,
    Reg = fun(I) -> ejabberd_auth:try_register(
      <<\"$PREFIX\", (integer_to_binary(I))/binary>>, <<\"localhost\">>, <<\"$PASSWORD\">>) end,
    Ks = [rpc:async_call(N, lists, map, [Reg, lists:seq(First + K, Last, W)]) || K <- lists:seq(0, W - 1)],
    Rs = lists:append([rpc:yield(K) || K <- Ks]),
    io:format(\"registered ~p of ~p~n\", [length([ok || ok <- Rs]), length(Rs)]),
    halt().") >&2
}

start_prosody() {
  PR=$DATA/prosody
  mkdir -p "$PR/data"
  cp "$TLS/cert.pem" "$TLS/key.pem" "$PR/"
  sed -e "s/@PORT@/$PORT/" -e "s#@DATA@#$PR/data#g" -e "s#@CERT@#$PR/cert.pem#" \
    -e "s#@KEY@#$PR/key.pem#" -e "s/@MAM@/$PROSODY_MAM/" \
    "$ROOT/bench/prosody/prosody.cfg.lua" > "$PR/prosody.cfg.lua"
  log "prosody: writing $USERS account files"
  "$ROOT/bench/run" gen-accounts --format prosody --out "$PR/data" --users "$USERS" \
    --first "$FIRST" --prefix "$PREFIX" --password "$PASSWORD" --domain localhost >&2
  chown -R prosody:prosody "$PR"
  # Prosody refuses to run as root; as its own user it keeps this shell's open-file limit
  setpriv --reuid=prosody --regid=prosody --clear-groups env HOME="$PR" \
    prosody --config "$PR/prosody.cfg.lua" -F > "$PR/server.log" 2>&1 &
  LAUNCHER_PID=$!
  SERVER_PID=$LAUNCHER_PID # setpriv and env exec prosody
  wait_listening prosody "$PR/data/prosody.log"
}

# --- the runs ------------------------------------------------------------------------------
TABLE_ARGS=
for s in $SERVERS; do
  port_free
  log "$s: starting"
  "start_$s"
  # let start-up work settle before the "before" memory reading: the JVM gives start-up garbage
  # back about 10 s after the last collection (bin/switchboard's G1 flags), and measuring before
  # that would make every later connection look cheaper than it is
  sleep "$SETTLE"
  log "$s: running $SCENARIO (server PID $SERVER_PID)"
  "$ROOT/bench/run" load "$SCENARIO" --port "$PORT" --server-pid "$SERVER_PID" --label "$s" \
    --json "$OUT/$s.json" "$@" > "$OUT/$s.txt" 2>&1 || log "$s: the run reported failures"
  cat "$OUT/$s.txt"
  log "$s: stopping"
  stop_server
  # keep the server's own log next to the report
  for f in "$DATA/$s/server.log" "$DATA/$s/logs/error.log" "$DATA/$s/data/prosody.log"; do
    [ -s "$f" ] && tail -n 50 "$f" > "$OUT/$s-$(basename "$f")"
  done
  TABLE_ARGS="$TABLE_ARGS $s=$OUT/$s.json"
done

echo
echo "== $SCENARIO $* (ratios: server / ejabberd) =="
# shellcheck disable=SC2086
"$ROOT/bench/run" table --baseline ejabberd $TABLE_ARGS | tee "$OUT/table.txt"
