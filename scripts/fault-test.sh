#!/usr/bin/env bash
# Database outage drill. Starts a throwaway PostgreSQL cluster of its own (a temp
# folder, a free port: never the machine's shared cluster), serves Eendracht on it,
# drives a steady mix of reads and writes from a second process, stops PostgreSQL
# for 10 s and starts it again. Reports what clients saw during the outage, how
# long the service took to recover by itself, and checks that every write that
# was acknowledged is there afterwards. Exit 0 only when nothing acknowledged
# was lost, requests failed fast during the outage and the service recovered.
#
#   bash scripts/fault-test.sh [path/to/eendracht]   (default: cargo build, target/debug)
set -euo pipefail
cd "$(dirname "$0")/.."

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Ports of our own, never the shared cluster's 5432.
PORT="${FAULT_PG_PORT:-$(free_port)}"
API_PORT="${FAULT_API_PORT:-$(free_port)}"
OUTAGE_SECONDS="${FAULT_OUTAGE_SECONDS:-10}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
BIN="${1:-}"
if [ -z "$BIN" ]; then
  cargo build --quiet --locked
  BIN="$PWD/target/debug/eendracht"
fi

work="$(mktemp -d /tmp/eendracht-fault.XXXXXX)"
chmod 755 "$work"
cluster="$work/pgdata"
server_pid=""
# initdb refuses to run as root: the cluster belongs to the postgres user.
as_pg() {
  # From /, which the postgres user may enter (the checkout may be private).
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  as_pg "$PG_BIN/pg_ctl" -D "$cluster" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$cluster"
[ "$(id -u)" = 0 ] && chown postgres "$cluster"
as_pg "$PG_BIN/initdb" -D "$cluster" -A trust -U postgres >/dev/null
pg_start() {
  as_pg "$PG_BIN/pg_ctl" -D "$cluster" -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1" -l "$cluster/log" -w start >/dev/null
}
pg_start
"$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qAt -c "CREATE DATABASE fault" >/dev/null

export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/fault"
export EENDRACHT_JWT_SECRET="fault-test-secret-that-is-long-enough-0123456789"
export RUST_LOG="${RUST_LOG:-warn}"
"$BIN" bootstrap --tenant fault --tenant-name "Fault drill" --admin-subject admin --admin-name Admin >/dev/null
TOKEN="$("$BIN" token --tenant fault --subject admin --ttl 1h)"
"$BIN" serve --listen "127.0.0.1:$API_PORT" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$API_PORT/healthz" >/dev/null && break
  sleep 0.2
done

# The client: a steady mix of writes (createOrganisation) and reads, one at a
# time, recording every acknowledged write; a control file tells it the phase.
cat >"$work/client.py" <<'PY'
import json, os, sys, time, urllib.request, urllib.error

api, token, control, report = sys.argv[1:5]
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}

def call(query, variables=None, timeout=15):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(api + "/graphql", data=body, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.load(response)
            status = response.status
    except urllib.error.HTTPError as error:
        payload, status = {"errors": [{"extensions": {"code": "HTTP_%d" % error.code}}]}, error.code
    except Exception as error:  # connection refused, timeout
        payload, status = {"errors": [{"extensions": {"code": type(error).__name__}}]}, 0
    return status, payload, time.monotonic() - started

acknowledged, events, n = [], [], 0
while not os.path.exists(control + ".stop"):
    phase = open(control).read().strip() if os.path.exists(control) else "before"
    n += 1
    if n % 3:
        status, payload, took = call("{ organisations(first: 5) { totalCount } }")
        kind = "read"
    else:
        name = "Org %d" % n
        status, payload, took = call(
            "mutation($n: String!) { createOrganisation(input: { name: $n, kind: OTHER }) { organisation { id name } } }",
            {"n": name})
        kind = "write"
        if status == 200 and not payload.get("errors"):
            acknowledged.append(payload["data"]["createOrganisation"]["organisation"]["id"])
    errors = payload.get("errors") or []
    code = errors[0].get("extensions", {}).get("code") if errors else None
    events.append({"t": time.time(), "phase": phase, "kind": kind, "ok": status == 200 and not errors,
                   "code": code, "took": took})
    time.sleep(0.05)
json.dump({"acknowledged": acknowledged, "events": events}, open(report, "w"))
PY

control="$work/phase"
echo before >"$control"
python3 "$work/client.py" "http://127.0.0.1:$API_PORT" "$TOKEN" "$control" "$work/report.json" &
client_pid=$!
sleep 5

echo outage >"$control"
outage_started=$(date +%s.%N)
as_pg "$PG_BIN/pg_ctl" -D "$cluster" -m fast stop >/dev/null
sleep 2
ready_during="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$API_PORT/readyz")"
sleep $((OUTAGE_SECONDS - 2))
echo after >"$control"
pg_start
restarted=$(date +%s.%N)
sleep 15
touch "$control.stop"
wait "$client_pid"

# Every acknowledged write must be there, read behind the API's back.
"$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d fault -qAt -c "SELECT id FROM organisations" >"$work/present.txt"
ready_after="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$API_PORT/readyz")"

python3 - "$work/report.json" "$work/present.txt" "$outage_started" "$restarted" "$ready_during" "$ready_after" <<'PY'
import base64, json, sys
report = json.load(open(sys.argv[1]))
present = {line.strip() for line in open(sys.argv[2]) if line.strip()}
outage_started, restarted = float(sys.argv[3]), float(sys.argv[4])
ready_during, ready_after = sys.argv[5], sys.argv[6]
events = report["events"]
# Global ids are base64url of "Organisation:<uuid>".
def uuid_of(global_id):
    return base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode().split(":", 1)[1]
acknowledged = [uuid_of(g) for g in report["acknowledged"]]
lost = [a for a in acknowledged if a not in present]
during = [e for e in events if e["phase"] == "outage"]
after = [e for e in events if e["phase"] == "after"]
failed_during = [e for e in during if not e["ok"]]
slowest_failure = max((e["took"] for e in failed_during), default=0.0)
took = sorted(e["took"] for e in failed_during)
median_failure = took[len(took) // 2] if took else 0.0
first_ok_after = next((e["t"] for e in after if e["ok"]), None)
recovery = None if first_ok_after is None else max(0.0, first_ok_after - restarted)
codes = sorted({e["code"] for e in failed_during if e["code"]})
after_failures = [e for e in after if not e["ok"]]
print("fault drill: %d requests (%d writes acknowledged)" % (len(events), len(acknowledged)))
print("  outage: %d requests, %d failed, codes %s, failures took median %.3f s, slowest %.2f s; /readyz during: %s"
      % (len(during), len(failed_during), codes, median_failure, slowest_failure, ready_during))
print("  after restart: recovered in %s s, %d failures before recovery; /readyz after: %s"
      % ("n/a" if recovery is None else "%.2f" % recovery, len(after_failures), ready_after))
print("  acknowledged writes present: %d of %d (organisations in the database: %d)"
      % (len(acknowledged) - len(lost), len(acknowledged), len(present)))
ok = (not lost and recovery is not None and slowest_failure < 3.0
      and ready_during == "503" and ready_after == "200" and len(during) > 0)
print("  result:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
