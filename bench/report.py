"""Turns bench/out/*.jsonl into the Markdown report on stdout.

usage: report.py OUT_DIR
"""
import json
import os
import platform
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

out = Path(sys.argv[1])
results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
memory = defaultdict(dict)
for line in (out / "memory.jsonl").read_text().splitlines():
    entry = json.loads(line)
    memory[entry.pop("server")].update(entry)
seed = json.loads((out / "seed.json").read_text())

runs = defaultdict(list)
for r in results:
    if r["workload"] != "warmup":
        # CPU per request, in ms: the server process and all of PostgreSQL.
        requests = max(r["result"]["requests"], 1)
        r["result"]["server_cpu_ms"] = 1000 * r.get("server_cpu_s", 0) / requests
        r["result"]["postgres_cpu_ms"] = 1000 * r.get("postgres_cpu_s", 0) / requests
        runs[(r["workload"], r["server"])].append(r["result"])


def summary(workload, server):
    rs = runs.get((workload, server), [])
    if not rs:
        return None
    return {
        "rounds": len(rs),
        "rps": statistics.median(r["rps"] for r in rs),
        "p50": statistics.median(r["p50_ms"] for r in rs),
        "p90": statistics.median(r["p90_ms"] for r in rs),
        "p99": statistics.median(r["p99_ms"] for r in rs),
        "errors": sum(r["errors"] for r in rs),
        "requests": sum(r["requests"] for r in rs),
        "rps_all": [r["rps"] for r in rs],
        "server_cpu": statistics.median(r["server_cpu_ms"] for r in rs),
        "postgres_cpu": statistics.median(r["postgres_cpu_ms"] for r in rs),
    }


def cmd(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()
    except Exception:
        return "?"


cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mb = lambda kb: f"{kb / 1024:.0f} MB"
p = print
p("# Benchmark: Eendracht against PostGraphile 4")
p()
p("Produced by `bench/run.sh` on this machine; the numbers are noisy, the ratios are what count.")
p()
p(f"- Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; server, PostgreSQL "
  "and load generator share it, all on loopback.")
p(f"- {cmd('psql', '--version')}; Node.js {cmd('node', '--version')}; PostGraphile 4.14.1; "
  f"{cmd('wrk', '--version').splitlines()[0] if cmd('wrk', '--version') != '?' else 'wrk'}.")
p("- Load: wrk, 2 threads, 32 connections (2 for `health`), after a warm-up; the nested reads alternate "
  "Eendracht and PostGraphile each round. Values are medians over rounds. An answer counts as an error unless "
  "it is HTTP 200 with `data` and without `errors`.")
p("- Both servers connect as the same role, `eendracht_app`, which row-level security binds, and both set "
  "`app.tenant_id` in each request's transaction.")
rows = seed["rows"]
p(f"- Data (`eendracht seed`): {rows.get('commitments', 0):,} commitments, {rows.get('commitment_parties', 0):,} "
  f"parties, {rows.get('ratifications', 0):,} ratifications, {rows.get('events', 0):,} events, "
  f"{rows.get('organisations', 0)} partner organisations, built in {seed['seconds']:.0f} s "
  f"({seed.get('wall_seconds', 0)} s wall clock).")
p()
p("## Nested reads")
p()
p("| query | server | req/s | p50 ms | p90 ms | p99 ms | errors | req/s per round | server CPU ms/req | PostgreSQL CPU ms/req |")
p("|---|---|---:|---:|---:|---:|---:|---|---:|---:|")
ratios = {}
for workload, label in [("partners", "network → partners → organisation"),
                        ("commitments", "network → commitments → parties + ratifications")]:
    e, g = summary(workload, "eendracht"), summary(workload, "postgraphile")
    for server, s in [("Eendracht", e), ("PostGraphile 4", g)]:
        if s:
            p(f"| {label} | {server} | {s['rps']:,.0f} | {s['p50']:.1f} | {s['p90']:.1f} | {s['p99']:.1f} | "
              f"{s['errors']} | {', '.join(f'{x:,.0f}' for x in s['rps_all'])} | {s['server_cpu']:.2f} | "
              f"{s['postgres_cpu']:.2f} |")
    if e and g:
        ratios[workload] = (e, g)
p()
p("| query | Eendracht / PostGraphile req/s | Eendracht p99 / p50 |")
p("|---|---:|---:|")
for workload, (e, g) in ratios.items():
    p(f"| {workload} | **{e['rps'] / g['rps']:.2f}×** | {e['p99'] / e['p50']:.2f} |")
p()
p("## Eendracht alone")
p()
p("| workload | req/s | p50 ms | p90 ms | p99 ms | errors | requests | server CPU ms/req | PostgreSQL CPU ms/req |")
p("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for workload in ["page-1", "page-5000", "health", "addProgressUpdate", "recordRatificationOutcome"]:
    s = summary(workload, "eendracht")
    if s:
        p(f"| {workload} | {s['rps']:,.0f} | {s['p50']:.1f} | {s['p90']:.1f} | {s['p99']:.1f} | {s['errors']} | "
          f"{s['requests']:,} | {s['server_cpu']:.2f} | {s['postgres_cpu']:.2f} |")
single = out / "single.jsonl"
for line in (single.read_text().splitlines() if single.exists() else []):
    entry = json.loads(line)
    answer = out / "health-answer.json"
    ok = answer.exists() and '"errors"' not in answer.read_text() and '"data"' in answer.read_text()
    p()
    p(f"One `{entry['workload']}` request alone, before the load: {entry['seconds']:.2f} s, "
      f"{'answered with data' if ok else 'answered with an error'}. A round in which no request finished shows "
      "0 req/s: every request outlived the round.")
p()
p("## Memory")
p()
p("| server | idle RSS | peak RSS under load |")
p("|---|---:|---:|")
for server, label in [("eendracht", "Eendracht"), ("postgraphile", "PostGraphile 4")]:
    m = memory.get(server, {})
    p(f"| {label} | {mb(m.get('idle_rss_kb', 0))} | {mb(m.get('peak_rss_kb', 0))} |")
p()
p("## Targets")
p()
def verdict(ok):
    return "met" if ok else "**missed**"
for workload, (e, g) in ratios.items():
    ratio = e["rps"] / g["rps"]
    p(f"- {workload}: ≥ 2× PostGraphile's req/s: {ratio:.2f}×, {verdict(ratio >= 2)}; "
      f"p99 ≤ 2× p50: {e['p99'] / e['p50']:.2f}, {verdict(e['p99'] <= 2 * e['p50'])}.")
one, deep = summary("page-1", "eendracht"), summary("page-5000", "eendracht")
if one and deep:
    p(f"- Page 5,000 within 1.5× page 1's latency (p50): {deep['p50'] / one['p50']:.2f}×, "
      f"{verdict(deep['p50'] <= 1.5 * one['p50'])}.")
m = memory.get("eendracht", {})
p(f"- RSS under load ≤ 150 MB: {mb(m.get('peak_rss_kb', 0))}, {verdict(m.get('peak_rss_kb', 0) <= 150 * 1024)}; "
  f"idle ≤ 50 MB: {mb(m.get('idle_rss_kb', 0))}, {verdict(m.get('idle_rss_kb', 0) <= 50 * 1024)}.")
errors = sum(r["result"]["errors"] for r in results if r["server"] == "eendracht" and r["workload"] != "warmup")
p(f"- No error answers under load: {errors}, {verdict(errors == 0)}.")
