#!/bin/bash
# The chat scenario against a cluster of N nodes (1-3) on this machine, all on a fresh schema "cb"
# of the local PostgreSQL (127.0.0.1:5432, database test, user postgres): 2,000 clients spread
# over the nodes (client i on node i mod N), MSG_RATE messages/s to random peers for 20 s.
#   bench/cluster-chat.sh N MSG_RATE [OUT_DIR]
# Ports 3522x (c2s), 3532x (TLS), 3528x (http), 3562x (cluster). Needs psql and JAVA_HOME (21+).
set -u
N=$1; RATE=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${3:-$ROOT/bench/results/cluster-n$N-r$RATE}
SB=$ROOT/bin/switchboard
rm -rf $OUT; mkdir -p $OUT
psql -h 127.0.0.1 -U postgres test -qc "drop schema if exists cb cascade; create schema cb" >/dev/null 2>&1
URL="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=cb"
PIDS=(); PORTS=()
for i in $(seq 1 $N); do
  $SB start --data $OUT/d$i --c2s-port 3522$i --tls-port 3532$i --http-port 3528$i --no-require-tls \
    --node n$i --cluster-port 3562$i --seed 127.0.0.1:35621 --db-url "$URL" --db-user postgres > $OUT/n$i.log 2>&1 &
  PIDS+=($!); PORTS+=(3522$i)
  sleep 9
done
$ROOT/bench/run gen-accounts --users 2000 --prefix u --password pw --domain localhost > $OUT/accounts.txt
$SB account import $OUT/accounts.txt --data $OUT/d1 --db-url "$URL" --db-user postgres > $OUT/import.log 2>&1
sleep 5
curl -s localhost:35281/admin/cluster | grep -o '"status":"Up"' | wc -l > $OUT/up.txt
JP=$(IFS=,; echo "${PIDS[*]}")  # bin/switchboard execs java: these are the JVMs
PL=$(IFS=,; echo "${PORTS[*]}")
$ROOT/bench/run load chat --port $PL --users 2000 --rate 500 --msg-rate $RATE --duration 20s --grace 5s \
   --server-pid $JP --json $OUT/chat.json --label "$N nodes" > $OUT/chat.txt 2>&1
for p in "${PIDS[@]}"; do kill $p 2>/dev/null; done   # SIGTERM: drain and leave
for p in "${PIDS[@]}"; do
  for _ in $(seq 1 30); do kill -0 $p 2>/dev/null || break; sleep 1; done
  kill -9 $p 2>/dev/null
done
cat $OUT/up.txt; cat $OUT/chat.txt | tail -30
