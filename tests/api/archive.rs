//! A network's archive over real HTTP: JSON Lines that a tool of the
//! facilitator's own (here Python's standard library, which knows nothing of
//! Eendracht) reads back whole, every reference resolving to a line before
//! it, with nothing personal beyond the names the network shows; and only
//! for the network's facilitators and admins.

use serde_json::{Value, json};

use crate::both;
use crate::commitments::PROGRESS;
use crate::dossiers::agreed_initiative;
use crate::helpers::{TestApp, net_world};

/// Reads an archive as a stranger's tool would and returns what it found:
/// the header, the end line, the lines per type, and any problem.
fn read_back(archive: &str) -> Value {
    let script = r#"
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1], encoding='utf-8')]
header, end, rows = lines[0], lines[-1], lines[1:-1]
problems = []
if header.get('type') != 'archive' or header.get('format') != 'eendracht-network-archive':
    problems.append('no header')
if end.get('type') != 'end':
    problems.append('no end line: the file is incomplete')
seen, counts = {}, {}
refs = {'commitment_party': ('commitment_id', 'commitment'), 'progress_update': ('commitment_id', 'commitment'),
        'ratification': ('commitment_id', 'commitment'), 'ratification_record': ('ratification_id', 'ratification'),
        'ratification_condition': ('ratification_id', 'ratification'), 'commitment': ('network_id', 'network'),
        'partnership': ('network_id', 'network'), 'charter_version': ('network_id', 'network'),
        'indicator': ('goal_id', 'goal'), 'indicator_target': ('indicator_id', 'indicator'),
        'indicator_reporter': ('indicator_id', 'indicator'), 'measurement': ('indicator_id', 'indicator'),
        'commitment_indicator': ('commitment_id', 'commitment'), 'cycle': ('network_id', 'network'),
        'cycle_commitment': ('cycle_id', 'cycle')}
for line in rows:
    kind, data = line['type'], line['data']
    counts[kind] = counts.get(kind, 0) + 1
    if 'tenant_id' in data:
        problems.append(kind + ' carries its tenant')
    if kind == 'person' and set(data) - {'id', 'name', 'anonymized_at'}:
        problems.append('a person with more than a name: ' + ','.join(sorted(data)))
    if kind in refs:
        column, parent = refs[kind]
        if data[column] not in seen.get(parent, set()):
            problems.append(kind + ' refers to a ' + parent + ' not read before it')
    seen.setdefault(kind, set()).add(data['id'])
if {k: v for k, v in header['tables'].items() if v} != counts:
    problems.append('the header promised %s, the file holds %s' % (header['tables'], counts))
if end.get('rows') != header['tables']:
    problems.append('the end line counts %s' % end.get('rows'))
print(json.dumps({'header': header, 'counts': counts, 'problems': problems}))
"#;
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("network.jsonl");
    std::fs::write(&file, archive).expect("write");
    let output = std::process::Command::new("python3").arg("-c").arg(script).arg(&file).output().expect("python3 runs");
    assert!(output.status.success(), "the archive did not read back: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("json")
}

async fn fetch(app: &TestApp, token: Option<&str>, network: &str) -> reqwest::Response {
    let mut request = app.client.get(format!("{}/networks/{network}/archive", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("answers")
}

both!(a_facilitator_takes_the_whole_network_as_json_lines_a_stranger_tool_reads_back, |app| {
    let w = net_world(&app, "acme").await;
    let (commitment, _) = agreed_initiative(&app, &w).await;
    app.ok(&w.staff[0][0].token, PROGRESS, json!({ "c": commitment, "s": "IN_PROGRESS" })).await;
    // An indicator with a figure, the commitment contributing, in a cycle.
    let indicator = crate::indicators::indicator(&app, &w, &[0, 1, 2]).await;
    app.ok(
        &w.staff[0][0].token,
        crate::indicators::RECORD,
        json!({ "i": indicator, "o": w.orgs[0], "p": "2025", "v": 3.0 }),
    )
    .await;
    app.ok(
        &w.facilitator.token,
        "mutation($c: ID!, $i: ID!) { setCommitmentIndicators(input: { commitmentId: $c, indicatorIds: [$i] }) { commitment { id } } }",
        json!({ "c": commitment, "i": indicator }),
    )
    .await;
    let cycle = app
        .ok(
            &w.facilitator.token,
            "mutation($n: ID!) { createCycle(input: { networkId: $n, year: 2026 }) { cycle { id } } }",
            json!({ "n": w.network }),
        )
        .await["createCycle"]["cycle"]["id"]
        .clone();
    app.ok(
        &w.facilitator.token,
        "mutation($c: ID!, $a: ID!) { changeCycleCommitments(input: { cycleId: $c, expectedVersion: 1, add: [$a] }) { cycle { id } } }",
        json!({ "c": cycle, "a": commitment }),
    )
    .await;

    let response = fetch(&app, Some(&w.facilitator.token), &w.network).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/jsonl; charset=utf-8");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .starts_with("attachment; filename=\"network-")
    );
    let body = response.text().await.expect("text");
    let read = read_back(&body);
    assert_eq!(read["problems"], json!([]), "{read}");
    let counts = &read["counts"];
    assert_eq!(counts["network"], 1);
    assert_eq!(counts["partnership"], 3);
    assert_eq!(counts["commitment"], 1);
    assert_eq!(counts["commitment_party"], 2);
    assert!(counts["ratification"].as_i64() >= Some(3), "{counts}");
    assert!(counts["ratification_record"].as_i64() >= Some(1), "the works council's advice: {counts}");
    assert!(counts["progress_update"].as_i64() >= Some(1));
    assert!(counts["event"].as_i64() > Some(10));
    for (kind, rows) in [
        ("indicator", 1),
        ("indicator_target", 2),
        ("indicator_reporter", 3),
        ("measurement", 1),
        ("commitment_indicator", 1),
        ("cycle", 1),
        ("cycle_commitment", 1),
    ] {
        assert_eq!(counts[kind], rows, "{kind}: {counts}");
    }
    // The facilitator and the three representatives, by name only.
    assert_eq!(counts["person"], 4, "{counts}");
    assert!(!body.contains("@example.nl"), "no e-mail address leaves in an archive");
    assert_eq!(read["header"]["networkName"], "Regio Oost");

    // The same again: one consistent moment, the same file but its stamp.
    let again = fetch(&app, Some(&w.admin), &w.network).await.text().await.expect("text");
    let strip = |text: &str| text.lines().skip(1).map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(strip(&again), strip(&body), "an admin takes the same archive");
});

both!(only_the_networks_facilitators_and_admins_take_its_archive, |app| {
    let w = net_world(&app, "acme").await;
    let director = fetch(&app, Some(&w.directors[0].token), &w.network).await;
    assert_eq!(director.status(), 403, "a partner sees the network but does not take it whole");
    assert_eq!(fetch(&app, Some(&w.outsider.token), &w.network).await.status(), 404, "as if it did not exist");
    assert_eq!(fetch(&app, None, &w.network).await.status(), 401);
    assert_eq!(fetch(&app, Some(&w.facilitator.token), "bm9uc2Vuc2U").await.status(), 404);
    let other = app.bootstrap("other", "other-admin").await;
    assert_eq!(fetch(&app, Some(&other), &w.network).await.status(), 404, "another tenant's admin");
});
