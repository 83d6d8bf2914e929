#!/usr/bin/env bash
# The copy at size: seeds a SQLite database with COMMITMENTS commitments (and
# the demo), copies it to a fresh PostgreSQL database with `eendracht copy`,
# which verifies every table, and prints the figures.
#
#   scripts/copy-drill.sh [BINARY] [COMMITMENTS]
#   PG=postgres://postgres@127.0.0.1:5432 scripts/copy-drill.sh target/release/eendracht 100000
set -euo pipefail
bin="${1:-target/release/eendracht}"
commitments="${2:-100000}"
pg="${PG:-postgres://postgres@127.0.0.1:5432}"
work="$(mktemp -d)"
db="eendracht_copy_drill_$$"
cleanup() {
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export DATABASE_URL="sqlite://$work/e.db?mode=rwc" RUST_LOG=warn
"$bin" demo >/dev/null
start=$(date +%s%N)
"$bin" seed --commitments "$commitments" >/dev/null
seeded=$(date +%s%N)
psql "$pg/postgres" -qc "CREATE DATABASE \"$db\""
"$bin" copy --to "$pg/$db"
done_at=$(date +%s%N)
echo "seed: $(( (seeded - start) / 1000000 )) ms; copy and verify: $(( (done_at - seeded) / 1000000 )) ms; SQLite file: $(du -h "$work/e.db" | cut -f1)"
