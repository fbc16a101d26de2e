#!/bin/bash
# Capacity of a three-node cluster on this machine: three nodes on a fresh schema "cb" of the local
# PostgreSQL, PER accounts per node imported, then three load generators (one per node, each under
# the 20,000 open files per process) log PER clients each into their node at 70/s and hold them
# for 60 s. Reports in OUT (default bench/results/cluster-idle). Needs psql and JAVA_HOME (21+).
#   PER=19000 bench/cluster-idle.sh
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SB=$ROOT/bin/switchboard; OUT=${OUT:-$ROOT/bench/results/cluster-idle}; PER=${PER:-19000}
rm -rf $OUT; mkdir -p $OUT
psql -h 127.0.0.1 -U postgres test -qc "drop schema if exists cb cascade; create schema cb" >/dev/null 2>&1
URL="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=cb"
$ROOT/bench/run gen-accounts --users $((3*PER)) --prefix u --password pw --domain localhost > $OUT/accounts.txt
PIDS=()
for i in 1 2 3; do
  $SB start --data $OUT/d$i --c2s-port 3522$i --tls-port 3532$i --http-port 3528$i --no-require-tls \
    --node n$i --cluster-port 3562$i --seed 127.0.0.1:35621 --db-url "$URL" --db-user postgres > $OUT/n$i.log 2>&1 &
  PIDS+=($!)
  sleep 9
done
date +%T; $SB account import $OUT/accounts.txt --data $OUT/d1 --db-url "$URL" --db-user postgres > $OUT/import.log 2>&1; date +%T
GP=()
for i in 1 2 3; do
  $ROOT/bench/run load idle --port 3522$i --users $PER --first $(( (i-1)*PER + 1 )) --rate 70 --concurrency 100 --duration 60s \
     --server-pid ${PIDS[$((i-1))]} --json $OUT/idle$i.json --label n$i > $OUT/idle$i.txt 2>&1 &
  GP+=($!)
done
sleep 300   # then record what the cluster reports while the clients are held
curl -s localhost:35281/admin/cluster > $OUT/cluster.json
for p in "${GP[@]}"; do wait $p; done
for p in "${PIDS[@]}"; do kill $p 2>/dev/null; done
for p in "${PIDS[@]}"; do for _ in $(seq 1 30); do kill -0 $p 2>/dev/null || break; sleep 1; done; kill -9 $p 2>/dev/null; done
echo DONE > $OUT/done
