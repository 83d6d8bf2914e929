#!/usr/bin/env bash
# `Network.health` at two sizes on PostgreSQL: does it cost the same at a
# thousand commitments as at a million? For each size: a fresh database seeded
# by `eendracht seed` (which builds health's kept facts), the statements one
# request issues (from /metrics), one request alone (kept facts, and recounted
# with `asOf`), rounds at 2 connections (p50/p99) and a round at 32
# connections (req/s, errors). Writes bench/HEALTH.md.
#
#   bench/health.sh                                   # 1,000 and 1,000,000 commitments
#   BENCH_SIZES="1000 20000" BENCH_DURATION=3 BENCH_ROUNDS=1 bench/health.sh   # a quick look
#   BENCH_BIN=target/release/eendracht bench/health.sh                          # skip the dist build
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZES=${BENCH_SIZES:-"1000 1000000"}
DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
PORT=18082
OUT=$ROOT/bench/out-health
rm -rf "$OUT"
mkdir -p "$OUT"
command -v wrk >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q wrk >/dev/null; }
if [ -n "${BENCH_BIN:-}" ]; then
  BIN=$(realpath "$BENCH_BIN")
else
  cargo build --profile dist --locked -q
  BIN=$ROOT/target/dist/eendracht
fi
psql_admin() { psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_admin -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'eendracht_app') THEN
  CREATE ROLE eendracht_app LOGIN NOSUPERUSER NOBYPASSRLS; END IF; END \$\$"
export EENDRACHT_JWT_SECRET=bench-secret-bench-secret-bench-secret-0123456789
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null' EXIT
E="http://127.0.0.1:$PORT/graphql"
statements() { curl -fsS "http://127.0.0.1:$PORT/metrics" | awk '/^eendracht_statements_total/ {print $2}'; }
seconds() { # body token: one request's time
  curl -fsS -o "$OUT/answer.json" -w '%{time_total}' -H "Authorization: Bearer $2" \
    -H 'Content-Type: application/json' --data @"$1" "$E"
  grep -q '"errors"' "$OUT/answer.json" && { echo "health answered with errors: $(head -c 500 "$OUT/answer.json")" >&2; exit 1; }
  return 0
}

for size in $SIZES; do
  dir="$OUT/$size"
  mkdir -p "$dir"
  db="eendracht_health_$size"
  psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  psql_admin -c "CREATE DATABASE $db"
  owner="postgres://postgres@127.0.0.1:5432/$db"
  export DATABASE_URL="postgres://eendracht_app@127.0.0.1:5432/$db?sslmode=disable"
  started=$(date +%s)
  EENDRACHT_MIGRATION_DATABASE_URL=$owner "$BIN" seed --tenant bench --organisations 10 --commitments "$size" >"$dir/seed.json"
  seed_seconds=$(( $(date +%s) - started ))
  psql -h 127.0.0.1 -U postgres -d "$db" -qAt -c "VACUUM ANALYZE"
  python3 bench/prepare.py "$dir" "$db" "$seed_seconds"
  # The same question recounted from history: `asOf` of the moment it is asked.
  python3 - "$dir" <<'PY'
import datetime, json, sys
from pathlib import Path
d = Path(sys.argv[1])
body = json.loads((d / "eendracht-health.json").read_text())
body["query"] = body["query"].replace("query($id: ID!)", "query($id: ID!, $asOf: DateTime)").replace("health {", "health(asOf: $asOf) {")
body["variables"]["asOf"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
(d / "eendracht-health-recount.json").write_text(json.dumps(body))
PY
  FACILITATOR=$("$BIN" token --tenant bench --subject seed-facilitator --ttl 2h)
  RUST_LOG=warn EENDRACHT_RATE_LIMIT_TENANT_POINTS=0 EENDRACHT_RATE_LIMIT_PERSON_POINTS=0 \
    "$BIN" serve --listen "127.0.0.1:$PORT" >"$dir/serve.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 600); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break; sleep 0.2; done
  seconds "$dir/eendracht-health.json" "$FACILITATOR" >/dev/null # warm
  before=$(statements); seconds "$dir/eendracht-health.json" "$FACILITATOR" >/dev/null; after=$(statements)
  kept=(); for _ in 1 2 3 4 5; do kept+=("$(seconds "$dir/eendracht-health.json" "$FACILITATOR")"); done
  recount=$(seconds "$dir/eendracht-health-recount.json" "$FACILITATOR")
  echo "{\"size\":$size,\"statements\":$(( ${after%.*} - ${before%.*} )),\"alone_s\":[$(IFS=,; echo "${kept[*]}")],\"recount_s\":$recount,\"seed_s\":$seed_seconds}" >>"$OUT/single.jsonl"
  echo "  $size: $(tail -1 "$OUT/single.jsonl")" >&2
  run() { # connections seconds
    BENCH_BODY="$dir/eendracht-health.json" BENCH_TOKEN=$FACILITATOR \
      wrk -t2 -c"$1" -d"$2s" --timeout 15s -s bench/wrk.lua "$E" 2>>"$dir/wrk-errors.log" | sed -n 's/^RESULT //p'
  }
  run 2 3 >/dev/null
  for round in $(seq 1 "$ROUNDS"); do
    echo "{\"size\":$size,\"connections\":2,\"round\":$round,\"result\":$(run 2 "$DURATION")}" >>"$OUT/results.jsonl"
    echo "{\"size\":$size,\"connections\":32,\"round\":$round,\"result\":$(run 32 "$DURATION")}" >>"$OUT/results.jsonl"
    tail -2 "$OUT/results.jsonl" >&2
  done
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
done

python3 - "$OUT" <<'PY' >bench/HEALTH.md
import json, statistics, sys
from pathlib import Path
out = Path(sys.argv[1])
single = [json.loads(l) for l in (out / "single.jsonl").read_text().splitlines()]
rows = [json.loads(l) for l in (out / "results.jsonl").read_text().splitlines()]
def med(xs): return statistics.median(xs) if xs else float("nan")
print("# `Network.health` at two sizes (bench/health.sh)\n")
print("PostgreSQL 15 on the same machine, served as the row-level-security-bound role; the body of")
print("`bench/run.sh`'s health workload. Medians over rounds; latencies in ms.\n")
print("| commitments | statements | one request alone (kept facts) | one request recounted (`asOf`) | p50 at 2 conn. | p99 at 2 conn. | req/s at 32 conn. | p50 at 32 | errors |")
print("|---|---|---|---|---|---|---|---|---|")
for s in single:
    size = s["size"]
    two = [r["result"] for r in rows if r["size"] == size and r["connections"] == 2]
    many = [r["result"] for r in rows if r["size"] == size and r["connections"] == 32]
    print(f"| {size:,} | {s['statements']} | {med(s['alone_s'])*1000:.1f} ms | {s['recount_s']*1000:.0f} ms "
          f"| {med([r['p50_ms'] for r in two]):.1f} | {med([r['p99_ms'] for r in two]):.1f} "
          f"| {med([r['rps'] for r in many]):.0f} | {med([r['p50_ms'] for r in many]):.1f} | {sum(r['errors'] for r in two + many)} |")
if len(single) == 2:
    a, b = single
    two = lambda size: med([r["result"]["p50_ms"] for r in rows if r["size"] == size and r["connections"] == 2])
    print(f"\nAt {b['size']:,} against {a['size']:,} commitments: {b['statements']} against {a['statements']} statements, "
          f"p50 {two(b['size']) / two(a['size']):.2f}× (target: within 2× of each other).")
print("\nSeed (including building health's kept facts): " + ", ".join(f"{s['size']:,}: {s['seed_s']} s" for s in single) + ".")
PY
echo "wrote bench/HEALTH.md" >&2
