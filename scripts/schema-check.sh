#!/usr/bin/env bash
# Refuses a breaking change to the API contract. graphql-inspector compares
# schema.graphql with the newest released schema in schema/releases/ and fails on
# any breaking change: a removed or renamed type, field, argument, input field or
# enum value, a new required argument or input field, tightened input or loosened
# output nullability, a changed type. Additions and description changes pass.
#
# Something may be removed only after a release that already marked it
# @deprecated: the rule suppressRemovalOfDeprecatedField lets a field, input field
# or enum value go when the released schema deprecated it, and a type once no
# field returns it any more. Deprecating and removing in one release still fails,
# and so does removing an argument, deprecated or not (the rule does not cover
# arguments): add a new field instead.
#
#   bash scripts/schema-check.sh [new schema (schema.graphql)] [released schema (newest in schema/releases)]
set -euo pipefail
cd "$(dirname "$0")/.."

new="${1:-schema.graphql}"
released="${2:-$(find schema/releases -maxdepth 1 -name '*.graphql' | sort -V | tail -n 1)}"
[ -n "$released" ] || { echo "no released schema in schema/releases/" >&2; exit 1; }

# The lockfile pins every package. Warnings are silenced because the URL and
# GitHub loaders, which this check never uses, declare Node 22 while CI runs 20.
npm ci --prefix tools/schema --no-audit --no-fund --loglevel=error

echo "schema check: $new against $released"
tools/schema/node_modules/.bin/graphql-inspector diff "$released" "$new" \
  --rule suppressRemovalOfDeprecatedField
