"""Before timing: both servers answer the nested queries with the same data.

usage: check.py OUT_DIR EENDRACHT_URL TOKEN POSTGRAPHILE_URL
"""
import json
import sys
import urllib.request
from pathlib import Path

out, eendracht, token, postgraphile = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]


def ask(url, body_file, bearer=None):
    request = urllib.request.Request(url, data=(out / body_file).read_bytes(),
                                     headers={"Content-Type": "application/json"})
    if bearer:
        request.add_header("Authorization", f"Bearer {bearer}")
    answer = json.load(urllib.request.urlopen(request))
    if "errors" in answer:
        sys.exit(f"{url} answered {body_file} with errors: {answer['errors']}")
    return answer["data"]


e = ask(eendracht, "eendracht-partners.json", token)["network"]
p = ask(postgraphile, "postgraphile-partners.json")["networkById"]
ours = [(n["status"], n["joinedOn"], n["organisation"]["name"], n["organisation"]["kind"])
        for n in e["partners"]["nodes"]]
theirs = [(n["status"], n["joinedOn"], n["organisationByOrganisationId"]["name"],
           n["organisationByOrganisationId"]["kind"]) for n in p["partnershipsByNetworkId"]["nodes"]]
assert ours == theirs and ours, f"partners differ:\n{ours}\n{theirs}"

e = ask(eendracht, "eendracht-commitments.json", token)["network"]
p = ask(postgraphile, "postgraphile-commitments.json")["networkById"]
ours = [(n["title"], n["status"], n["scope"], n["dueOn"],
         sorted((x["contributionEuros"], x["organisation"]["name"]) for x in n["parties"]),
         sorted((r["status"], r["outcome"], r["dueOn"]) for r in n["ratifications"]))
        for n in e["commitments"]["nodes"]]
theirs = [(n["title"], n["status"], n["scope"], n["dueOn"],
           sorted((int(x["contributionEuros"]), x["organisationByOrganisationId"]["name"])
                  for x in n["commitmentPartiesByCommitmentId"]["nodes"]),
           sorted((r["status"], r["outcome"], r["dueOn"]) for r in n["ratificationsByCommitmentId"]["nodes"]))
          for n in p["commitmentsByNetworkId"]["nodes"]]
assert ours == theirs and len(ours) == 20, f"commitments differ:\n{ours[:2]}\n{theirs[:2]}"
print(f"same answers: {len(e['commitments']['nodes'])} commitments, partners as listed", file=sys.stderr)
