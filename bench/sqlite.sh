#!/usr/bin/env bash
# The embedded default measured: Eendracht alone on SQLite with its default
# configuration (pool of 4, WAL, synchronous = FULL), at two sizes, with the
# workloads of bench/run.sh (nested reads, deep pages, health, the two
# mutations). Writes bench/SQLITE.md; the README's "How far SQLite carries"
# quotes it.
#
#   bench/sqlite.sh                     # 10,000 and 100,000 commitments
#   BENCH_SIZES="2000" BENCH_DURATION=3 BENCH_ROUNDS=1 bench/sqlite.sh   # a quick look
#   BENCH_BIN=target/release/eendracht bench/sqlite.sh                   # skip the dist build
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZES=${BENCH_SIZES:-"10000 100000"}
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-3}
ROUNDS=${BENCH_ROUNDS:-3}
CONNECTIONS=32
PORT=18081
OUT=$ROOT/bench/out-sqlite
rm -rf "$OUT"
mkdir -p "$OUT"
command -v wrk >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q wrk >/dev/null; }

# BENCH_BIN: an already built binary (say target/release/eendracht) instead of the dist build.
if [ -n "${BENCH_BIN:-}" ]; then
  BIN=$(realpath "$BENCH_BIN")
else
  cargo build --profile dist --locked -q
  BIN=$ROOT/target/dist/eendracht
fi
export EENDRACHT_JWT_SECRET=bench-secret-bench-secret-bench-secret-0123456789
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null' EXIT
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICKS=$(getconf CLK_TCK)

for size in $SIZES; do
  dir="$OUT/$size"
  mkdir -p "$dir"
  db="$dir/e.db"
  export DATABASE_URL="sqlite://$db?mode=rwc"
  started=$(date +%s)
  "$BIN" seed --tenant bench --organisations 10 --commitments "$size" >"$dir/seed.json"
  python3 bench/prepare.py "$dir" "sqlite:$db" "$(( $(date +%s) - started ))"
  token() { "$BIN" token --tenant bench --subject "$1" --ttl 2h; }
  FACILITATOR=$(token seed-facilitator)
  DIRECTOR=$(token seed-org0-director)
  RUST_LOG=warn EENDRACHT_RATE_LIMIT_TENANT_POINTS=0 EENDRACHT_RATE_LIMIT_PERSON_POINTS=0 \
    "$BIN" serve --listen "127.0.0.1:$PORT" >"$dir/serve.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 150); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break; sleep 0.2; done
  run() { # workload body token [ids] [connections] [seconds]
    local workload=$1 body=$2 tok=$3 ids=${4:-} conns=${5:-$CONNECTIONS} secs=${6:-$DURATION} before line
    before=$(cpu_of "$PID")
    line=$(BENCH_BODY=$body BENCH_TOKEN=$tok BENCH_IDS=$ids \
      wrk -t2 -c"$conns" -d"${secs}s" --timeout 15s -s bench/wrk.lua "http://127.0.0.1:$PORT/graphql" 2>>"$dir/wrk-errors.log" |
      sed -n 's/^RESULT //p')
    local ticks=$(( $(cpu_of "$PID") - before ))
    echo "{\"size\":$size,\"workload\":\"$workload\",\"connections\":$conns,\"server_cpu_s\":$(awk "BEGIN {printf \"%.3f\", $ticks / $TICKS}"),\"result\":$line}" >>"$OUT/results.jsonl"
    echo "  $size / $workload: $line" >&2
  }
  for q in partners commitments; do run warmup "$dir/eendracht-$q.json" "$FACILITATOR" "" "$CONNECTIONS" "$WARMUP" 2>/dev/null; done
  for _ in $(seq 1 "$ROUNDS"); do
    for q in partners commitments page-1 page-5000; do run "$q" "$dir/eendracht-$q.json" "$FACILITATOR"; done
    run health "$dir/eendracht-health.json" "$FACILITATOR" "" 2
  done
  # Each mutation changes its own row, so a round lasts no longer than the ids
  # do at about 1,500 writes/s: a request past the last id would fail fast
  # and flatter the figures.
  for m in "addProgressUpdate progress" "recordRatificationOutcome ratification"; do
    set -- $m
    ids=$(wc -l <"$dir/$2-ids.txt")
    secs=$(( ids / 1500 )); (( secs < 1 )) && secs=1; (( secs > DURATION )) && secs=$DURATION
    body=$([ "$2" = progress ] && echo "$dir/eendracht-progress.json" || echo "$dir/eendracht-ratify.json")
    run "$1" "$body" "$DIRECTOR" "$dir/$2-ids.txt" "$CONNECTIONS" "$secs"
  done
  echo "{\"size\":$size,\"peak_rss_kb\":$(awk '/VmHWM/ {print $2}' "/proc/$PID/status"),\"file_bytes\":$(stat -c %s "$db")}" >>"$OUT/memory.jsonl"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
done

python3 - "$OUT" "$(basename "$(dirname "$BIN")")" >bench/SQLITE.md <<'PY'
import collections, json, statistics, sys
from pathlib import Path
out = Path(sys.argv[1])
rows = [json.loads(l) for l in (out / "results.jsonl").read_text().splitlines() if '"warmup"' not in l]
memory = {m["size"]: m for m in map(json.loads, (out / "memory.jsonl").read_text().splitlines())}
by = collections.defaultdict(list)
for r in rows:
    by[(r["size"], r["workload"], r["connections"])].append(r)
print("# Eendracht on its embedded default (SQLite)\n")
print(f"Written by `bench/sqlite.sh`: the {sys.argv[2]} build, SQLite with the default configuration (pool of 4,")
print("WAL, `synchronous = FULL`), wrk on the same 2-core machine, medians of the rounds.")
print("Mutations run once per size, each request on its own row, for as long as the rows last")
print("(at most the rounds' length): an error there is a request past the last row.\n")
print("| commitments | workload | connections | req/s | p50 ms | p99 ms | errors | server CPU ms/request |")
print("|---:|---|---:|---:|---:|---:|---:|---:|")
for (size, workload, conns), rs in sorted(by.items(), key=lambda kv: (kv[0][0], kv[0][1])):
    res = [r["result"] for r in rs]
    rps = statistics.median(x["rps"] for x in res)
    cpu = statistics.median(r["server_cpu_s"] * 1000 / max(r["result"]["requests"], 1) for r in rs)
    print(f"| {size:,} | {workload} | {conns} | {rps:,.0f} | {statistics.median(x['p50_ms'] for x in res):.1f} | "
          f"{statistics.median(x['p99_ms'] for x in res):.1f} | {sum(x['errors'] for x in res)} | {cpu:.2f} |")
print()
for size, m in sorted(memory.items()):
    print(f"- {size:,} commitments: database file {m['file_bytes'] / 1e6:,.0f} MB, peak RSS {m['peak_rss_kb'] / 1024:.0f} MB")
PY
echo "wrote bench/SQLITE.md" >&2
