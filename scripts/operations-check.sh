#!/usr/bin/env bash
# Typed clients work at first contact: GraphQL Code Generator (client preset,
# strict scalars) generates types from schema.graphql for the operations in
# examples/operations/, which fails on any operation that does not validate
# against the schema, and `tsc --strict` type-checks the generated code with
# tools/codegen/usage.ts, a client that uses every operation. Also writes
# tools/codegen/generated/persisted-documents.json (SHA-256 hash to text).
#
#   bash scripts/operations-check.sh
set -euo pipefail
cd "$(dirname "$0")/../tools/codegen"

# The lockfile pins every package. Warnings are silenced because the URL loaders
# and the task renderer, which this check does not need, declare Node 22 while CI
# runs 20.
npm ci --no-audit --no-fund --loglevel=error

# Nothing stale may be type-checked: codegen writes nothing when it fails.
rm -rf generated
node_modules/.bin/graphql-codegen --config codegen.ts
node_modules/.bin/tsc --project tsconfig.json --strict --noEmit
echo "operations check: $(find ../../examples/operations -name '*.graphql' | wc -l) operation files generate and type-check against schema.graphql"
