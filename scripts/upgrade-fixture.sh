#!/usr/bin/env bash
# Builds tests/fixtures/upgrade/<version>/ with that release's own binary: a
# SQLite database and a PostgreSQL dump, each holding the demo and seeded data,
# and the answers the release itself gives on them (tests/api/upgrade.rs in
# record mode, running the old binary). Run once per release, when it is cut.
#
#   git worktree add /tmp/v0.1.0 <release commit>
#   (cd /tmp/v0.1.0 && cargo build)
#   scripts/upgrade-fixture.sh 0.1.0 /tmp/v0.1.0/target/debug/eendracht
set -euo pipefail
cd "$(dirname "$0")/.."
version="$1"
old="$(realpath "$2")"
pg="${PG:-postgres://postgres@127.0.0.1:5432}"
out="tests/fixtures/upgrade/$version"
mkdir -p "$out"
rm -f "$out"/eendracht.db "$out"/eendracht.pgdump "$out"/*-expected.json
# The tests' HS256 secret (tests/api/helpers.rs), so their tokens are accepted.
export EENDRACHT_JWT_SECRET=test-secret-that-is-long-enough-for-hs256-0123456789 RUST_LOG=warn

build() { # DATABASE_URL
  DATABASE_URL="$1" "$old" demo >/dev/null
  DATABASE_URL="$1" "$old" seed --tenant bench --commitments 120 --organisations 5 >/dev/null
}

build "sqlite://$PWD/$out/eendracht.db?mode=rwc"
[ ! -e "$out/eendracht.db-wal" ] || { echo "the SQLite fixture still has a write-ahead log" >&2; exit 1; }

db="eendracht_fixture_$$"
psql "$pg/postgres" -qc "CREATE DATABASE \"$db\""
trap 'psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"' EXIT
build "$pg/$db"
pg_dump --format=custom --no-owner --no-privileges --file "$out/eendracht.pgdump" "$pg/$db"

EENDRACHT_UPGRADE_RECORD="$old" EENDRACHT_TEST_POSTGRES_URL="${EENDRACHT_TEST_POSTGRES_URL:-$pg/postgres}" \
  cargo test --test api upgrade:: -- --test-threads=1 >&2
ls -l "$out"
