"""Writes the request bodies and id lists bench/run.sh sends, from the seeded database.

usage: prepare.py OUT_DIR DATABASE SEED_SECONDS
DATABASE is a PostgreSQL database name, or a SQLite file as sqlite:PATH (bench/sqlite.sh).
"""
import base64
import datetime
import json
import sqlite3
import subprocess
import sys
import uuid as uuids
from pathlib import Path

out, database, seed_seconds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
seed = json.loads((out / "seed.json").read_text())
seed["wall_seconds"] = seed_seconds
(out / "seed.json").write_text(json.dumps(seed, indent=2))
network = seed["networks"][0]
org0 = seed["organisations"]


SQLITE = database.startswith("sqlite:")


def lit(uuid):
    """A UUID as a literal of the engine: SQLite stores the 16 bytes."""
    return f"x'{uuids.UUID(uuid).hex}'" if SQLITE else f"'{uuid}'"


def sql(query):
    if SQLITE:
        with sqlite3.connect(database.removeprefix("sqlite:")) as db:
            rows = db.execute(query).fetchall()
        return [str(uuids.UUID(bytes=r[0])) if isinstance(r[0], bytes) else str(r[0]) for r in rows]
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-qAt", "-c", query],
        check=True, capture_output=True, text=True,
    )
    return [line for line in result.stdout.splitlines() if line]


def global_id(kind, uuid):
    return base64.urlsafe_b64encode(f"{kind}:{uuid}".encode()).decode().rstrip("=")


def cursor(uuid):
    return base64.urlsafe_b64encode(f"cursor:{uuid}".encode()).decode().rstrip("=")


def body(name, query, variables=None):
    (out / name).write_text(json.dumps({"query": query, "variables": variables or {}}))


NETWORK = global_id("Network", network)

# Nested read 1: network -> partners -> organisation.
body("eendracht-partners.json",
     "query($id: ID!) { network(id: $id) { name partners(first: 10) { nodes { status joinedOn "
     "organisation { name kind } } } } }", {"id": NETWORK})
body("postgraphile-partners.json",
     "query($id: UUID!) { networkById(id: $id) { name partnershipsByNetworkId(first: 10, orderBy: ID_ASC, "
     "condition: { status: \"ACTIVE\" }) { nodes { status joinedOn organisationByOrganisationId { name kind } } } } }",
     {"id": network})

# Nested read 2: network -> commitments -> parties (-> organisation) + ratifications.
body("eendracht-commitments.json",
     "query($id: ID!) { network(id: $id) { name commitments(first: 20) { nodes { title status scope dueOn "
     "parties { contributionEuros organisation { name } } ratifications { status outcome dueOn } } } } }",
     {"id": NETWORK})
body("postgraphile-commitments.json",
     "query($id: UUID!) { networkById(id: $id) { name commitmentsByNetworkId(first: 20, orderBy: ID_ASC) { nodes { "
     "title status scope dueOn "
     "commitmentPartiesByCommitmentId(orderBy: ID_ASC, condition: { removedAt: null }) { nodes { contributionEuros "
     "organisationByOrganisationId { name } } } "
     "ratificationsByCommitmentId(orderBy: ID_ASC, condition: { withdrawnAt: null }) { nodes { status outcome dueOn } } "
     "} } } }",
     {"id": network})

# Page 1 and page 5,000 (items 100,001 to 100,020) of the network's commitments.
total = int(sql(f"SELECT count(*) FROM commitments WHERE network_id = {lit(network)}")[0])
deep_offset = min(100_000, max(total - 20, 0))
after = sql(f"SELECT id FROM commitments WHERE network_id = {lit(network)} ORDER BY id "
            f"LIMIT 1 OFFSET {deep_offset - 1}")
page = ("query($id: ID!, $after: String) { network(id: $id) { commitments(first: 20, after: $after) { "
        "pageInfo { hasNextPage endCursor } nodes { title status parties { organisation { name } } } } } }")
body("eendracht-page-1.json", page, {"id": NETWORK, "after": None})
body("eendracht-page-5000.json", page, {"id": NETWORK, "after": cursor(after[0]) if after else None})

body("eendracht-health.json",
     "query($id: ID!) { network(id: $id) { health { view signals { kind severity message subjectIds } "
     "expectations { alignmentIndex } backing { openRatifications overdueCount medianDaysWaiting } "
     "focus { openCommitments byScope { scope count } withoutGoalCount } } } }", {"id": NETWORK})

# Mutations, each on its own row: the first organisation's director records
# progress on commitments their organisation is a party to, and outcomes of
# their executive board's awaiting ratifications.
org = seed["organisations"][0]
progress = sql(
    "SELECT c.id FROM commitments c JOIN commitment_parties p ON p.commitment_id = c.id "
    f"WHERE c.network_id = {lit(network)} AND p.organisation_id = {lit(org)} AND c.status = 'IN_PROGRESS' "
    "ORDER BY c.id LIMIT 200000")
(out / "progress-ids.txt").write_text("\n".join(global_id("Commitment", i) for i in progress) + "\n")
ratifications = sql(
    f"SELECT id FROM ratifications WHERE network_id = {lit(network)} AND organisation_id = {lit(org)} "
    "AND status = 'AWAITING' ORDER BY id LIMIT 200000")
(out / "ratification-ids.txt").write_text("\n".join(global_id("Ratification", i) for i in ratifications) + "\n")
body("eendracht-progress.json",
     "mutation { addProgressUpdate(input: { commitmentId: \"__ID__\", note: \"Bench progress\", percent: 50 }) "
     "{ commitment { id version } } }")
body("eendracht-ratify.json",
     "mutation { recordRatificationOutcome(input: { ratificationId: \"__ID__\", expectedVersion: 1, "
     "outcome: APPROVED, decidedOn: \"" + datetime.date.today().isoformat() + "\", minutesReference: \"BENCH-1\" }) { ratification { id status } } }")
print(f"{total} commitments; {len(progress)} commitments and {len(ratifications)} ratifications for mutations",
      file=sys.stderr)
