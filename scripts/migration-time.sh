#!/usr/bin/env bash
# How long an upgrade's migrations take at the benchmark's size: the old
# release's binary seeds a PostgreSQL database (default 1,000,000 commitments),
# then the new binary migrates it; prints the time and checks no count changed.
#
#   scripts/migration-time.sh OLD_BINARY NEW_BINARY [COMMITMENTS]
set -euo pipefail
old="$1"
new="$2"
commitments="${3:-1000000}"
pg="${PG:-postgres://postgres@127.0.0.1:5432}"
db="eendracht_migration_time_$$"
psql "$pg/postgres" -qc "CREATE DATABASE \"$db\""
trap 'psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"' EXIT
export RUST_LOG=warn EENDRACHT_JWT_SECRET=migration-time-secret-of-at-least-32-chars
DATABASE_URL="$pg/$db" "$old" seed --commitments "$commitments" >/dev/null
count() {
  for t in commitments commitment_parties ratifications events people tenants identity_providers; do
    printf '%s=%s ' "$t" "$(psql "$pg/$db" -qAt -c "SELECT COUNT(*) FROM $t")"
  done
}
before=$(count)
start=$(date +%s%N)
DATABASE_URL="$pg/$db" "$new" migrate
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
after=$(count)
echo "migrated $commitments commitments' database in $elapsed ms"
echo "before: $before"
echo "after:  $after"
[ "$before" = "$after" ] || { echo "row counts changed" >&2; exit 1; }
