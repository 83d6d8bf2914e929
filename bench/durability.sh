#!/usr/bin/env bash
# What SQLite's durability costs: write throughput of the embedded default with
# `synchronous=full` (the default: an acknowledged commit is on disk) against
# `synchronous=normal` (the log is synced at checkpoints only), same binary,
# same disk, rounds alternating. Prints one line per round and the medians.
#
#   bench/durability.sh [BINARY] [SECONDS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/eendracht}"
secs="${2:-10}"
rounds="${3:-3}"
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
command -v wrk >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y wrk; }
echo '{"query":"mutation { createOrganisation(input: { name: \"Woonstad\", kind: HOUSING_CORPORATION }) { organisation { id } } }"}' >"$work/body.json"
# No rate limits: the point is what the disk allows.
export EENDRACHT_JWT_SECRET=durability-bench-secret-of-at-least-32-chars RUST_LOG=warn \
  EENDRACHT_RATE_LIMIT_TENANT_POINTS=0 EENDRACHT_RATE_LIMIT_PERSON_POINTS=0

round() { # mode n
  local url="sqlite://$work/$1-$2.db?mode=rwc&synchronous=$1"
  DATABASE_URL="$url" "$bin" bootstrap --tenant bench --tenant-name Bench --admin-subject admin --admin-name Admin >/dev/null
  local token; token=$(DATABASE_URL="$url" "$bin" token --tenant bench --subject admin)
  DATABASE_URL="$url" EENDRACHT_LISTEN=127.0.0.1:18090 "$bin" serve >"$work/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18090/readyz >/dev/null && break; sleep 0.1; done
  BENCH_BODY="$work/body.json" BENCH_TOKEN="$token" \
    wrk -t2 -c8 -d"${secs}s" --timeout 15s -s bench/wrk.lua http://127.0.0.1:18090/graphql | sed -n "s/^RESULT /$1 /p"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

for n in $(seq 1 "$rounds"); do
  round full "$n" | tee -a "$work/results"
  round normal "$n" | tee -a "$work/results"
done
for mode in full normal; do
  grep "^$mode " "$work/results" | sed 's/^[a-z]* //' | python3 -c '
import json, statistics, sys
rows = [json.loads(l) for l in sys.stdin]
print(sys.argv[1], "median of", len(rows), "rounds:",
      "%.0f writes/s," % statistics.median(r["rps"] for r in rows),
      "p50 %.2f ms," % statistics.median(r["p50_ms"] for r in rows),
      "p99 %.2f ms," % statistics.median(r["p99_ms"] for r in rows),
      "errors", sum(r["errors"] for r in rows))' "$mode"
done
