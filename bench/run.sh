#!/usr/bin/env bash
# Eendracht against PostGraphile 4 on the same PostgreSQL tables, the same
# machine and the same load generator; writes bench/REPORT.md.
#
#   bench/run.sh                      # the full run (1,000,000 commitments)
#   BENCH_COMMITMENTS=20000 BENCH_DURATION=5 BENCH_ROUNDS=1 bench/run.sh   # a quick look
#
# Steps: (1) release build (Cargo.toml's `dist` profile: fat LTO); (2) a
# fresh database seeded by `eendracht seed`; (3) Eendracht; (4) PostGraphile 4
# from npm over the same tables, as the same row-level-security-bound role with
# the same `app.tenant_id`; (5) wrk at 32 connections, after a warm-up, rounds
# alternating Eendracht and PostGraphile; (6) the Markdown report. Needs PostgreSQL at 127.0.0.1:5432 (trust auth),
# Node.js with npm, and wrk (installed with apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

COMMITMENTS=${BENCH_COMMITMENTS:-1000000}
PARTNERS=${BENCH_PARTNERS:-10}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-3}
ROUNDS=${BENCH_ROUNDS:-3}
CONNECTIONS=32
THREADS=2 # bench/wrk.lua hands out mutation ids in two interleaved streams
PG_HOST=127.0.0.1
PG_PORT=5432
DB=${BENCH_DATABASE:-eendracht_bench}
OWNER_URL="postgres://postgres@$PG_HOST:$PG_PORT/$DB"
# No TLS on loopback, for both servers: sqlx's default (`prefer`) would
# negotiate TLS with a server that has it on, node-postgres's would not.
APP_URL="postgres://eendracht_app@$PG_HOST:$PG_PORT/$DB?sslmode=disable"
EENDRACHT_PORT=18080
POSTGRAPHILE_PORT=15000
OUT=$ROOT/bench/out
mkdir -p "$OUT"
rm -f "$OUT"/*.jsonl

psql_admin() { psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_db() { psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d "$DB" -v ON_ERROR_STOP=1 -qAt "$@"; }
say() { printf '\n== %s\n' "$*" >&2; }

# A fresh machine of this kind has no wrk; Debian's package is enough.
if ! command -v wrk >/dev/null; then
  say "0. installing wrk"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk >/dev/null; else sudo apt-get install -y -q wrk >/dev/null; fi
fi
command -v wrk >/dev/null || { echo "wrk is missing and could not be installed: apt-get install wrk" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm is missing" >&2; exit 1; }

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

say "1. release build (the dist profile: fat LTO, one codegen unit)"
cargo build --profile dist --locked -q
BIN=$ROOT/target/dist/eendracht

say "2. a fresh database with $COMMITMENTS commitments"
psql_admin -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'eendracht_app') THEN
  CREATE ROLE eendracht_app LOGIN NOSUPERUSER NOBYPASSRLS; END IF; END \$\$"
psql_admin -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
psql_admin -c "CREATE DATABASE $DB"
export EENDRACHT_JWT_SECRET=bench-secret-bench-secret-bench-secret-0123456789
seed_started=$(date +%s)
DATABASE_URL=$APP_URL EENDRACHT_MIGRATION_DATABASE_URL=$OWNER_URL \
  "$BIN" seed --tenant bench --organisations "$PARTNERS" --commitments "$COMMITMENTS" --progress >"$OUT/seed.json"
seed_seconds=$(( $(date +%s) - seed_started ))
psql_db -c "VACUUM ANALYZE"
# PostGraphile would name both this table's type and the condition type of
# `ratifications` RatificationCondition; a smart comment renames the former.
psql_db -c "COMMENT ON TABLE ratification_conditions IS E'@name ratification_condition_row'"
python3 bench/prepare.py "$OUT" "$DB" "$seed_seconds"

say "3. Eendracht"
TENANT_ID=$(python3 -c "import json; print(json.load(open('$OUT/seed.json'))['tenant_id'])")
token() { "$BIN" token --tenant bench --subject "$1" --ttl 2h; }
FACILITATOR=$(token seed-facilitator)
DIRECTOR=$(token seed-org0-director)
# Parity with PostGraphile's disableQueryLog: no per-request log lines; no rate
# limits, which would throttle a load test by design.
DATABASE_URL=$APP_URL RUST_LOG=warn EENDRACHT_RATE_LIMIT_TENANT_POINTS=0 EENDRACHT_RATE_LIMIT_PERSON_POINTS=0 \
  "$BIN" serve --listen "127.0.0.1:$EENDRACHT_PORT" >"$OUT/eendracht.log" 2>&1 &
EENDRACHT_PID=$!
PIDS+=("$EENDRACHT_PID")

say "4. PostGraphile 4"
(cd bench/postgraphile && npm ci --no-audit --no-fund --silent)
DATABASE_URL=$APP_URL TENANT_ID=$TENANT_ID PORT=$POSTGRAPHILE_PORT \
  node bench/postgraphile/server.js >"$OUT/postgraphile.log" 2>&1 &
POSTGRAPHILE_PID=$!
PIDS+=("$POSTGRAPHILE_PID")

wait_for() { # url [curl options]
  local url=$1; shift
  for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null "$@" "$url" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "$url did not come up" >&2; exit 1
}
wait_for "http://127.0.0.1:$EENDRACHT_PORT/readyz"
wait_for "http://127.0.0.1:$POSTGRAPHILE_PORT/graphql" -H 'Content-Type: application/json' -d '{"query":"{ __typename }"}'
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
peak() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
echo "{\"server\":\"eendracht\",\"idle_rss_kb\":$(rss $EENDRACHT_PID)}" >>"$OUT/memory.jsonl"
echo "{\"server\":\"postgraphile\",\"idle_rss_kb\":$(rss $POSTGRAPHILE_PID)}" >>"$OUT/memory.jsonl"

# Both servers must answer the same question the same way before they are timed.
python3 bench/check.py "$OUT" "http://127.0.0.1:$EENDRACHT_PORT/graphql" "$FACILITATOR" \
  "http://127.0.0.1:$POSTGRAPHILE_PORT/graphql"

# CPU time (clock ticks) of a process, and of all PostgreSQL server processes:
# where each request's time goes.
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
cpu_pg() { local t=0; for pid in $(pgrep -u postgres postgres); do t=$((t + $(cpu_of "$pid" 2>/dev/null || echo 0))); done; echo $t; }
TICKS=$(getconf CLK_TCK)

# run <workload> <server> <url> <body> <token> [ids] [connections] [seconds]
run() {
  local workload=$1 server=$2 url=$3 body=$4 tok=$5 ids=${6:-} conns=${7:-$CONNECTIONS} secs=${8:-$DURATION}
  local line pid server_before pg_before
  pid=$([ "$server" = eendracht ] && echo "$EENDRACHT_PID" || echo "$POSTGRAPHILE_PID")
  server_before=$(cpu_of "$pid"); pg_before=$(cpu_pg)
  line=$(BENCH_BODY=$body BENCH_TOKEN=$tok BENCH_IDS=$ids \
    wrk -t"$THREADS" -c"$conns" -d"${secs}s" --timeout 15s -s bench/wrk.lua "$url" 2>>"$OUT/wrk-errors.log" |
    sed -n 's/^RESULT //p')
  local server_ticks=$(( $(cpu_of "$pid") - server_before )) pg_ticks=$(( $(cpu_pg) - pg_before ))
  echo "{\"workload\":\"$workload\",\"server\":\"$server\",\"connections\":$conns,\"server_cpu_s\":$(awk "BEGIN {printf \"%.3f\", $server_ticks / $TICKS}"),\"postgres_cpu_s\":$(awk "BEGIN {printf \"%.3f\", $pg_ticks / $TICKS}"),\"result\":$line}" >>"$OUT/results.jsonl"
  echo "  $workload / $server: $line" >&2
}
E="http://127.0.0.1:$EENDRACHT_PORT/graphql"
P="http://127.0.0.1:$POSTGRAPHILE_PORT/graphql"

say "5. nested reads, $ROUNDS rounds of ${DURATION}s at $CONNECTIONS connections, alternating"
for q in partners commitments; do
  run warmup eendracht "$E" "$OUT/eendracht-$q.json" "$FACILITATOR" "" "$CONNECTIONS" "$WARMUP" >/dev/null
  run warmup postgraphile "$P" "$OUT/postgraphile-$q.json" "" "" "$CONNECTIONS" "$WARMUP" >/dev/null
done
for round in $(seq 1 "$ROUNDS"); do
  for q in partners commitments; do
    if (( round % 2 )); then
      run "$q" eendracht "$E" "$OUT/eendracht-$q.json" "$FACILITATOR"
      run "$q" postgraphile "$P" "$OUT/postgraphile-$q.json" ""
    else
      run "$q" postgraphile "$P" "$OUT/postgraphile-$q.json" ""
      run "$q" eendracht "$E" "$OUT/eendracht-$q.json" "$FACILITATOR"
    fi
  done
done

say "6. deep pages, health and mutations (Eendracht)"
for round in $(seq 1 "$ROUNDS"); do
  run page-1 eendracht "$E" "$OUT/eendracht-page-1.json" "$FACILITATOR"
  run page-5000 eendracht "$E" "$OUT/eendracht-page-5000.json" "$FACILITATOR"
done
# One health request alone first: on a large network it may not finish inside a round.
curl -s -o "$OUT/health-answer.json" -w '{"workload":"health","seconds":%{time_total}}\n' \
  -H "Authorization: Bearer $FACILITATOR" -H 'Content-Type: application/json' \
  --data @"$OUT/eendracht-health.json" "$E" >>"$OUT/single.jsonl"
run health eendracht "$E" "$OUT/eendracht-health.json" "$FACILITATOR" "" 2
run addProgressUpdate eendracht "$E" "$OUT/eendracht-progress.json" "$DIRECTOR" "$OUT/progress-ids.txt"
run recordRatificationOutcome eendracht "$E" "$OUT/eendracht-ratify.json" "$DIRECTOR" "$OUT/ratification-ids.txt"

echo "{\"server\":\"eendracht\",\"peak_rss_kb\":$(peak $EENDRACHT_PID)}" >>"$OUT/memory.jsonl"
echo "{\"server\":\"postgraphile\",\"peak_rss_kb\":$(peak $POSTGRAPHILE_PID)}" >>"$OUT/memory.jsonl"

say "7. report"
python3 bench/report.py "$OUT" >bench/REPORT.md
echo "wrote bench/REPORT.md" >&2
