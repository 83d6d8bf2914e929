#!/usr/bin/env bash
# Re-fetches the GraphiQL files the binary serves (assets/graphiql/) from the
# npm registry: exactly the pinned versions below, each tarball checked against
# its pinned sha512 integrity before anything is extracted. Run it after
# changing a pin (and its integrity, from `npm view <name>@<version> dist.integrity`),
# then update the file names in src/http/graphiql.rs and assets/graphiql/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# name@version  npm integrity  file-in-tarball=name-in-assets ...
PINS=(
  "graphiql@4.1.2 sha512-rNlzQIAzm6i2KBXmVQWBgLvt0TloxFVB2d18bukvdsvjEuFDHsKx5IVOomL1W1o5WW+tE54+ioHb2AEKzO2cUg== graphiql.min.js=graphiql-4.1.2.min.js graphiql.min.css=graphiql-4.1.2.min.css"
  "react@18.3.1 sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ== umd/react.production.min.js=react-18.3.1.production.min.js"
  "react-dom@18.3.1 sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw== umd/react-dom.production.min.js=react-dom-18.3.1.production.min.js"
  "graphql-ws@5.16.2 sha512-E1uccsZxt/96jH/OwmLPuXMACILs76pKF2i3W861LpKBCYtGIyPQGtWLuBLkND4ox1KHns70e83PS4te50nvPQ== umd/graphql-ws.min.js=graphql-ws-5.16.2.min.js"
)

out=assets/graphiql
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rm -f "$out"/*.js "$out"/*.css "$out"/LICENSES.txt
for pin in "${PINS[@]}"; do
  read -r package integrity _ <<<"$pin"
  dir="$work/${package%@*}"
  mkdir -p "$dir"
  tarball=$(cd "$dir" && npm pack --silent "$package")
  actual="sha512-$(openssl dgst -sha512 -binary "$dir/$tarball" | base64 -w0)"
  if [[ "$actual" != "$integrity" ]]; then
    echo "$package: integrity $actual, pinned $integrity" >&2
    exit 1
  fi
  tar -xzf "$dir/$tarball" -C "$dir"
  for mapping in ${pin#* * }; do
    cp "$dir/package/${mapping%%=*}" "$out/${mapping#*=}"
  done
  { echo "== $package (npm integrity $integrity)"; cat "$dir"/package/LICENSE*; echo; } >>"$out/LICENSES.txt"
  echo "$package: ok"
done
ls -l "$out"
