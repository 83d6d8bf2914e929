//! Randomized isolation: thousands of random operations by random actors of
//! one tenant, over real HTTP, none of which may ever reveal anything of
//! another tenant — nor, within the tenant, anything of a network the actor
//! is not in, another organisation's consultation inputs, or anyone's
//! individual alignment answers.
//!
//! Tenant B ("globex") is a full world in which every name and free text
//! contains "Globex"; every id it has (global ids and the raw UUIDs inside
//! them, event ids) is harvested through its admin. Tenant A ("acme") has
//! network 1 (the `net_world` fixture plus a shared organisation "Schakel")
//! and network 2, whose own names all contain "Zeeland". Actors of A then run
//! `node`/`nodes`/`network` with harvested, crafted, unknown and garbage ids,
//! list queries with deep nested selections and crafted cursors and filters,
//! and mutations naming ids they may not see (which must answer exactly as a
//! mutation naming an id that never existed). Every response body is checked
//! as text (markers, names) and as JSON (every UUID in every string, also
//! inside base64url-decoded strings such as global ids and cursors).
//!
//! Replay: `EENDRACHT_ISOLATION_SEED=<seed> EENDRACHT_ISOLATION_CASES=<n>`.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::both;
use crate::helpers::{Backend, Member, NetWorld, TestApp, net_world};

const DEFAULT_SEED: u64 = 20_260_302;
const DEFAULT_CASES: u64 = 1_500;
const DEFAULT_CONCURRENCY: u64 = 8;
const MAX_REPORTED_FAILURES: usize = 20;

const NODE_TYPES: [&str; 15] = [
    "Organisation",
    "GoverningBody",
    "Person",
    "Position",
    "Network",
    "CharterVersion",
    "Partnership",
    "Representation",
    "Expectation",
    "AlignmentRound",
    "Goal",
    "Meeting",
    "Commitment",
    "Ratification",
    "RatificationCondition",
];
const STANDARD_KEYS: [&str; 6] = ["GOAL_CLARITY", "GOAL_SHARED", "WAY_OF_WORKING", "BACKING", "FOCUS", "RESULTS"];

// ---------------------------------------------------------------------------
// Ids and scanning
// ---------------------------------------------------------------------------

fn gid(type_name: &str, uuid: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{uuid}"))
}

fn decode_gid(id: &str) -> Option<(String, Uuid)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(id).ok()?).ok()?;
    let (type_name, uuid) = text.split_once(':')?;
    Some((type_name.to_owned(), Uuid::parse_str(uuid).ok()?))
}

fn cursor_of(uuid: &Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("cursor:{uuid}"))
}

/// Every UUID written in `text`, hyphenated or simple, in any case.
fn scan_uuids(text: &str, out: &mut HashSet<Uuid>) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    if n < 32 {
        return;
    }
    let mut i = 0;
    while i < n {
        if !bytes[i].is_ascii_hexdigit() {
            i += 1;
            continue;
        }
        // A run of hex digits and hyphens starting here.
        let start = i;
        while i < n && (bytes[i].is_ascii_hexdigit() || bytes[i] == b'-') {
            i += 1;
        }
        let run = &bytes[start..i];
        if run.len() >= 32 {
            for window in [36, 32] {
                if run.len() < window {
                    continue;
                }
                for offset in 0..=run.len() - window {
                    if let Ok(uuid) = Uuid::try_parse_ascii(&run[offset..offset + window]) {
                        out.insert(uuid);
                    }
                }
            }
        }
    }
}

fn walk_strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| walk_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| walk_strings(v, out)),
        _ => {}
    }
}

/// Every UUID in any string of `value`, also inside base64url-encoded
/// strings (global ids, cursors).
fn uuids_in(value: &Value) -> HashSet<Uuid> {
    let mut strings = Vec::new();
    walk_strings(value, &mut strings);
    let mut found = HashSet::new();
    for s in strings {
        scan_uuids(s, &mut found);
        let trimmed = s.trim_end_matches('=');
        if trimmed.len() >= 8
            && let Ok(bytes) = URL_SAFE_NO_PAD.decode(trimmed)
        {
            scan_uuids(&String::from_utf8_lossy(&bytes), &mut found);
        }
    }
    found
}

/// Every global id in any string of `value`.
fn gids_in(value: &Value, out: &mut HashMap<String, (String, Uuid)>) {
    let mut strings = Vec::new();
    walk_strings(value, &mut strings);
    for s in strings {
        if let Some(decoded) = decode_gid(s) {
            out.insert(s.to_owned(), decoded);
        }
    }
}

fn id_of(value: &Value) -> String {
    value.as_str().unwrap_or_else(|| panic!("an id, got {value}")).to_owned()
}

fn day(app: &TestApp, days: i64) -> String {
    (app.clock_now().date_naive() + Duration::days(days)).format("%Y-%m-%d").to_string()
}

// ---------------------------------------------------------------------------
// Fixtures, built through the API
// ---------------------------------------------------------------------------

#[derive(Clone)]
struct Who {
    id: String,
    token: String,
    subject: String,
}

impl Who {
    fn from_member(member: &Member, subject: String) -> Who {
        Who { id: member.id.clone(), token: member.token.clone(), subject }
    }
}

#[derive(Clone)]
struct Partner {
    org: String,
    partnership: String,
    director: Who,
    staff: Vec<Who>,
}

impl Partner {
    fn people(&self) -> Vec<&Who> {
        std::iter::once(&self.director).chain(self.staff.iter()).collect()
    }
}

/// What the checks need to know about the content built.
#[derive(Default)]
struct Record {
    /// Consultation input texts by organisation (global id).
    inputs: HashMap<String, Vec<String>>,
    /// Alignment answer comments by author (global id).
    comments: HashMap<String, Vec<String>>,
    /// Who answered each round.
    respondents: HashMap<String, HashSet<String>>,
    /// Closed rounds where some partner has fewer than 3 respondents → network.
    sparse_rounds: HashMap<String, String>,
    /// Rounds still open → network.
    open_rounds: HashMap<String, String>,
}

async fn person(app: &TestApp, admin: &str, tenant: &str, subject: &str, name: &str, org: &str, role: &str) -> Who {
    let id = app.create_person(admin, subject, name, Some(&format!("{subject}@example.nl"))).await;
    app.assign(admin, &id, org, role).await;
    Who { id, token: app.token(tenant, subject), subject: subject.to_owned() }
}

async fn facilitator(app: &TestApp, admin: &str, tenant: &str, subject: &str, name: &str) -> Who {
    let data = app
        .ok(
            admin,
            "mutation($s: String!, $n: String!) { createPerson(input: { subject: $s, name: $n, tenantRole: FACILITATOR }) { person { id } } }",
            json!({ "s": subject, "n": name }),
        )
        .await;
    Who {
        id: id_of(&data["createPerson"]["person"]["id"]),
        token: app.token(tenant, subject),
        subject: subject.to_owned(),
    }
}

async fn organisation(app: &TestApp, admin: &str, name: &str, kind: &str) -> String {
    id_of(&app.create_organisation(admin, name, kind).await["id"])
}

async fn network(app: &TestApp, facilitator: &str, tag: &str) -> String {
    let data = app
        .ok(
            facilitator,
            "mutation($n: String!, $p: String!) { createNetwork(input: { name: $n, purpose: $p }) { network { id } } }",
            json!({ "n": format!("{tag} Netwerk"), "p": format!("{tag} doel: samen bouwen") }),
        )
        .await;
    id_of(&data["createNetwork"]["network"]["id"])
}

/// A partner with a director and staff, joined to the network.
#[allow(clippy::too_many_arguments)]
async fn partner(
    app: &TestApp,
    admin: &str,
    tenant: &str,
    fac: &Who,
    net: &str,
    prefix: &str,
    org_name: &str,
    kind: &str,
    staff: usize,
) -> Partner {
    let org = organisation(app, admin, org_name, kind).await;
    let director =
        person(app, admin, tenant, &format!("{prefix}-dir"), &format!("{org_name} Directeur"), &org, "DIRECTOR").await;
    let mut people = Vec::new();
    for i in 0..staff {
        people.push(
            person(app, admin, tenant, &format!("{prefix}-staff{i}"), &format!("{org_name} Staf {i}"), &org, "STAFF")
                .await,
        );
    }
    let partnership = app.invite(&fac.token, net, &org).await;
    app.accept(&director.token, &partnership).await;
    app.set_representatives(&director.token, &partnership, &[&director.id]).await.data();
    Partner { org, partnership, director, staff: people }
}

/// Renames an organisation's bodies with a prefix, seats the director on the
/// deciding body and `other` on the rest, and sets a mandate of the deciding
/// body only.
async fn seat(app: &TestApp, admin: &str, org: &str, prefix: &str, director: &Who, other: &Who) {
    let data = app
        .ok(
            admin,
            "query($o: ID!) { node(id: $o) { ... on Organisation { governingBodies { id name kind right responseDays } } } }",
            json!({ "o": org }),
        )
        .await;
    let bodies: Vec<Value> = data["node"]["governingBodies"]
        .as_array()
        .expect("bodies")
        .iter()
        .map(|b| {
            let member = if b["right"] == "DECIDES" { &director.id } else { &other.id };
            json!({ "id": b["id"], "name": format!("{prefix} {}", b["name"].as_str().expect("name")), "kind": b["kind"],
                "right": b["right"], "responseDays": b["responseDays"], "memberIds": [member] })
        })
        .collect();
    app.ok(
        admin,
        "mutation($o: ID!, $b: [GoverningBodyInput!]!) { setGoverningBodies(input: { organisationId: $o, bodies: $b }) { organisation { id } } }",
        json!({ "o": org, "b": bodies }),
    )
    .await;
    app.ok(
        &director.token,
        "mutation($o: ID!) { setMandate(input: { organisationId: $o, rules: [] }) { organisation { id } } }",
        json!({ "o": org }),
    )
    .await;
}

const PROPOSE: &str =
    "mutation($input: ProposeCommitmentInput!) { proposeCommitment(input: $input) { commitment { id version } } }";
const RATIFICATIONS: &str = "query($c: ID!) { node(id: $c) { ... on Commitment { status ratifications { id version right organisation { id } } } } }";
const RECORD: &str = "mutation($input: RecordRatificationOutcomeInput!) { recordRatificationOutcome(input: $input) { ratification { id version conditions { id } } } }";

#[allow(clippy::too_many_arguments)]
async fn record_outcome(
    app: &TestApp,
    token: &str,
    ratification: &str,
    version: &Value,
    outcome: &str,
    reason: Option<String>,
    conditions: Vec<String>,
    minutes: &str,
) -> Value {
    app.ok(
        token,
        RECORD,
        json!({ "input": { "ratificationId": ratification, "expectedVersion": version, "outcome": outcome,
            "decidedOn": day(app, 0), "minutesReference": minutes, "reason": reason, "conditions": conditions } }),
    )
    .await["recordRatificationOutcome"]["ratification"]
        .clone()
}

fn outcome_for(right: &str) -> &'static str {
    match right {
        "ADVISES" => "POSITIVE",
        "WISHES_AND_CONCERNS" => "RESPONDED",
        _ => "APPROVED",
    }
}

/// Fills a network with content of every kind; every free text starts with `tag`.
/// Needs at least three partners, each with two staff.
async fn populate(app: &TestApp, tag: &str, fac: &Who, net: &str, partners: &[Partner], rec: &mut Record) {
    let p = partners;
    // Charter: a new version, acknowledged, expectations on record.
    let charter = app
        .ok(
            &fac.token,
            "mutation($n: ID!, $g: String!, $w: String!) { adoptCharter(input: { networkId: $n, goals: $g, workingAgreements: $w }) { charterVersion { version } } }",
            json!({ "n": net, "g": format!("{tag} gedeelde doelen"), "w": format!("{tag} werkafspraken") }),
        )
        .await;
    let version = charter["adoptCharter"]["charterVersion"]["version"].clone();
    for (i, partner) in p.iter().enumerate() {
        app.ok(
            &partner.director.token,
            "mutation($p: ID!, $v: Int!) { acknowledgeCharter(input: { partnershipId: $p, version: $v }) { forPartner } }",
            json!({ "p": partner.partnership, "v": version }),
        )
        .await;
        app.ok(
            &partner.director.token,
            "mutation($p: ID!, $t: String!) { recordExpectation(input: { partnershipId: $p, kind: GOAL, text: $t }) { expectation { id } } }",
            json!({ "p": partner.partnership, "t": format!("{tag} verwachting van partner {i}") }),
        )
        .await;
    }
    app.ok(
        &fac.token,
        "mutation($n: ID!) { setNetworkSettings(input: { networkId: $n, ratificationWindowDays: 30 }) { network { id } } }",
        json!({ "n": net }),
    )
    .await;

    // Goals and a meeting.
    let create_goal = "mutation($input: CreateGoalInput!) { createGoal(input: $input) { goal { id } } }";
    let parent = app
        .ok(&fac.token, create_goal, json!({ "input": { "networkId": net, "title": format!("{tag} hoofddoel"), "description": format!("{tag} omschrijving hoofddoel"), "horizon": "LONG_TERM" } }))
        .await;
    let parent = id_of(&parent["createGoal"]["goal"]["id"]);
    let child = app
        .ok(&fac.token, create_goal, json!({ "input": { "networkId": net, "title": format!("{tag} subdoel"), "horizon": "MID_TERM", "parentId": parent } }))
        .await;
    let child = id_of(&child["createGoal"]["goal"]["id"]);
    let attendees: Vec<&str> = p.iter().map(|x| x.director.id.as_str()).chain([fac.id.as_str()]).collect();
    let meeting = app
        .ok(
            &fac.token,
            "mutation($n: ID!, $d: Date!, $notes: String!, $a: [ID!]!) { recordMeeting(input: { networkId: $n, heldOn: $d, notes: $notes, attendeeIds: $a }) { meeting { id } } }",
            json!({ "n": net, "d": day(app, 0), "notes": format!("{tag} notulen overleg"), "a": attendees }),
        )
        .await;
    let meeting = id_of(&meeting["recordMeeting"]["meeting"]["id"]);

    // C1: a coalition of partners 0 and 1, consulted, agreed, ratified.
    let c1 = app
        .ok(
            &fac.token,
            PROPOSE,
            json!({ "input": { "networkId": net, "title": format!("{tag} samenwerking"), "description": format!("{tag} omschrijving samenwerking"),
                "scope": "COALITION", "kind": "INITIATIVE", "goalId": child, "meetingId": meeting, "dueOn": day(app, 200),
                "parties": [{ "organisationId": p[0].org, "contributionEuros": 10000, "contributionNote": format!("{tag} bijdrage 0") },
                            { "organisationId": p[1].org, "contributionHours": 80, "contributionNote": format!("{tag} bijdrage 1") }],
                "leadOrganisationId": p[0].org } }),
        )
        .await;
    let c1 = id_of(&c1["proposeCommitment"]["commitment"]["id"]);
    let consult = "mutation($c: ID!, $o: ID!) { startConsultation(input: { commitmentId: $c, organisationId: $o }) { commitment { id } } }";
    let input = "mutation($c: ID!, $o: ID!, $s: Stance!, $t: String!) { addConsultationInput(input: { commitmentId: $c, organisationId: $o, stance: $s, text: $t }) { commitment { id } } }";
    for (i, partner) in p[..2].iter().enumerate() {
        app.ok(&partner.director.token, consult, json!({ "c": c1, "o": partner.org })).await;
        for (j, (who, stance)) in
            [(&partner.staff[0], "SUPPORT"), (&partner.staff[1], "OBJECTION")].into_iter().enumerate()
        {
            let text = format!("{tag} inspraak partner {i} nummer {j}");
            app.ok(&who.token, input, json!({ "c": c1, "o": partner.org, "s": stance, "t": text })).await;
            rec.inputs.entry(partner.org.clone()).or_default().push(text);
        }
    }
    let agree = "mutation($c: ID!, $o: ID!, $m: ID) { agreeCommitment(input: { commitmentId: $c, organisationId: $o, meetingId: $m }) { commitment { status } } }";
    app.ok(&fac.token, agree, json!({ "c": c1, "o": p[0].org, "m": meeting })).await;
    let agreed = app.ok(&p[1].director.token, agree, json!({ "c": c1, "o": p[1].org, "m": null })).await;
    assert_eq!(agreed["agreeCommitment"]["commitment"]["status"], "AGREED");
    let rows = app.ok(&fac.token, RATIFICATIONS, json!({ "c": c1 })).await["node"]["ratifications"].clone();
    let rows = rows.as_array().expect("ratifications").clone();
    let minutes = format!("{tag} notulen bestuur");
    // Advisory and approving bodies first, then the deciding bodies.
    for deciding in [false, true] {
        for row in rows.iter().filter(|r| (r["right"] == "DECIDES") == deciding) {
            let i = p.iter().position(|x| row["organisation"]["id"] == json!(x.org)).expect("a party");
            let right = row["right"].as_str().expect("right");
            if !deciding {
                record_outcome(
                    app,
                    &p[i].staff[0].token,
                    &id_of(&row["id"]),
                    &row["version"],
                    outcome_for(right),
                    None,
                    vec![],
                    &minutes,
                )
                .await;
            } else if i == 0 {
                let done = record_outcome(
                    app,
                    &p[0].director.token,
                    &id_of(&row["id"]),
                    &row["version"],
                    "APPROVED_WITH_CONDITIONS",
                    None,
                    vec![format!("{tag} voorwaarde")],
                    &minutes,
                )
                .await;
                let condition = id_of(&done["conditions"][0]["id"]);
                app.ok(
                    &p[0].director.token,
                    "mutation($c: ID!) { markConditionMet(input: { conditionId: $c }) { ratification { id } } }",
                    json!({ "c": condition }),
                )
                .await;
            } else {
                let rejected = record_outcome(
                    app,
                    &p[i].director.token,
                    &id_of(&row["id"]),
                    &row["version"],
                    "REJECTED",
                    Some(format!("{tag} afwijzing")),
                    vec![],
                    &minutes,
                )
                .await;
                let reopened = app
                    .ok(
                        &p[i].director.token,
                        "mutation($r: ID!, $v: Int!) { reopenRatification(input: { ratificationId: $r, expectedVersion: $v }) { ratification { version } } }",
                        json!({ "r": row["id"], "v": rejected["version"] }),
                    )
                    .await;
                record_outcome(
                    app,
                    &p[i].director.token,
                    &id_of(&row["id"]),
                    &reopened["reopenRatification"]["ratification"]["version"],
                    "APPROVED",
                    None,
                    vec![],
                    &minutes,
                )
                .await;
            }
        }
    }

    // C2: partner 2's quick win, agreed and delivered with progress.
    let c2 = app
        .ok(
            &p[2].director.token,
            PROPOSE,
            json!({ "input": { "networkId": net, "title": format!("{tag} snelle winst"), "scope": "ORGANISATION", "kind": "QUICK_WIN",
                "goalId": parent, "dueOn": day(app, 30), "parties": [{ "organisationId": p[2].org }], "leadOrganisationId": p[2].org } }),
        )
        .await;
    let c2 = id_of(&c2["proposeCommitment"]["commitment"]["id"]);
    app.ok(&p[2].director.token, agree, json!({ "c": c2, "o": p[2].org, "m": null })).await;
    let progress = "mutation($c: ID!, $n: String!, $s: CommitmentStatus) { addProgressUpdate(input: { commitmentId: $c, note: $n, percent: 50, status: $s }) { commitment { status } } }";
    app.ok(
        &p[2].staff[0].token,
        progress,
        json!({ "c": c2, "n": format!("{tag} voortgang gestart"), "s": "IN_PROGRESS" }),
    )
    .await;
    app.ok(
        &p[2].director.token,
        progress,
        json!({ "c": c2, "n": format!("{tag} voortgang opgeleverd"), "s": "DELIVERED" }),
    )
    .await;

    // C3: the whole network, then dropped.
    let all: Vec<Value> = p.iter().map(|x| json!({ "organisationId": x.org })).collect();
    let c3 = app
        .ok(
            &fac.token,
            PROPOSE,
            json!({ "input": { "networkId": net, "title": format!("{tag} groot plan"), "scope": "NETWORK", "kind": "INITIATIVE",
                "dueOn": day(app, 300), "parties": all, "leadOrganisationId": p[0].org } }),
        )
        .await;
    app.ok(
        &fac.token,
        "mutation($c: ID!, $v: Int!, $r: String!) { dropCommitment(input: { id: $c, expectedVersion: $v, reason: $r }) { commitment { status } } }",
        json!({ "c": c3["proposeCommitment"]["commitment"]["id"], "v": c3["proposeCommitment"]["commitment"]["version"], "r": format!("{tag} te groot") }),
    )
    .await;

    // Alignment: a full round (with a custom question), a sparse round (one
    // partner with a single respondent), and a round left open.
    let custom_key = format!("{}_VRAAG", tag.to_uppercase());
    let open =
        "mutation($input: OpenAlignmentRoundInput!) { openAlignmentRound(input: $input) { alignmentRound { id } } }";
    let submit = "mutation($r: ID!, $a: [AlignmentAnswerInput!]!) { submitAlignmentResponse(input: { roundId: $r, answers: $a }) { alignmentRound { id } } }";
    let close = "mutation($r: ID!) { closeAlignmentRound(input: { roundId: $r }) { alignmentRound { status } } }";
    let everyone: Vec<&Who> = p.iter().flat_map(|x| x.people()).collect();
    let sparse: Vec<&Who> = vec![&p[0].director, &p[0].staff[0], &p[1].director];
    let still_open: Vec<&Who> = vec![&p[0].director, &p[2].staff[0]];
    for (round, respondents) in [(1, everyone), (2, sparse), (3, still_open)] {
        let closes_at = (app.clock_now() + Duration::days(14)).to_rfc3339();
        let custom: Vec<Value> =
            if round == 1 { vec![json!({ "key": custom_key, "text": format!("{tag} eigen vraag") })] } else { vec![] };
        let data = app
            .ok(
                &fac.token,
                open,
                json!({ "input": { "networkId": net, "closesAt": closes_at, "customQuestions": custom } }),
            )
            .await;
        let round_id = id_of(&data["openAlignmentRound"]["alignmentRound"]["id"]);
        for (k, who) in respondents.iter().enumerate() {
            let comment = format!("{tag} antwoord van {} in ronde {round}", who.subject);
            let mut keys: Vec<String> = STANDARD_KEYS.iter().map(|k| (*k).to_owned()).collect();
            if round == 1 {
                keys.push(custom_key.clone());
            }
            let answers: Vec<Value> = keys
                .iter()
                .enumerate()
                .map(|(q, key)| json!({ "questionKey": key, "score": 1 + (k + q) % 5, "comment": (if q == 0 { Some(comment.clone()) } else { None }) }))
                .collect();
            app.ok(&who.token, submit, json!({ "r": round_id, "a": answers })).await;
            rec.comments.entry(who.id.clone()).or_default().push(comment);
            rec.respondents.entry(round_id.clone()).or_default().insert(who.id.clone());
        }
        match round {
            3 => {
                rec.open_rounds.insert(round_id, net.to_owned());
            }
            _ => {
                app.ok(&fac.token, close, json!({ "r": round_id })).await;
                if round == 2 {
                    rec.sparse_rounds.insert(round_id, net.to_owned());
                }
            }
        }
        app.clock.advance(Duration::days(1));
    }
}

/// A partner that joins and leaves, and an organisation only invited.
async fn leaver_and_invitee(app: &TestApp, admin: &str, tenant: &str, fac: &Who, net: &str, tag: &str, prefix: &str) {
    let leaver =
        partner(app, admin, tenant, fac, net, &format!("{prefix}-leaver"), &format!("{tag} Vertrekker"), "WELFARE", 0)
            .await;
    app.ok(
        &leaver.director.token,
        "mutation($p: ID!, $r: String!) { removePartner(input: { partnershipId: $p, reason: $r }) { partnership { status } } }",
        json!({ "p": leaver.partnership, "r": format!("{tag} reden van vertrek") }),
    )
    .await;
    let invitee = organisation(app, admin, &format!("{tag} Genodigde"), "SCHOOL_BOARD").await;
    app.invite(&fac.token, net, &invitee).await;
}

/// The admin's view of networks and organisations: every id they hold, with
/// the versions and counts that change when anything is written.
async fn dump(app: &TestApp, admin: &str, networks: &[String], orgs: &[String]) -> Vec<Value> {
    let mut out = Vec::new();
    for net in networks {
        for query in [
            "query($n: ID!) { node(id: $n) { ... on Network { id name purpose version status facilitators { id } charterVersions { id version }
                partners(status: [INVITED, ACTIVE, LEFT], first: 30) { totalCount nodes { id status acknowledgedCharterVersion organisation { id }
                representatives(includeEnded: true) { id person { id } } expectations { id recordedBy { id } } } } } } }",
            "query($n: ID!) { node(id: $n) { ... on Network { goals(first: 50) { totalCount nodes { id version } }
                meetings(first: 50) { totalCount nodes { id attendees { person { id } } } }
                alignmentRounds(first: 50) { totalCount nodes { id status results { respondentCount } } } } } }",
            "query($n: ID!) { node(id: $n) { ... on Network { commitments(first: 10) { totalCount nodes { id version status
                ratifications { id version status conditions { id status } recordedBy { id } }
                parties { organisation { id } agreedBy { id } consultation { supportCount concernCount objectionCount } }
                progress(first: 10) { totalCount nodes { author { id } } } } } } } }",
            "query($n: ID!) { node(id: $n) { ... on Network { timeline(first: 100) { totalCount nodes { id subjectId payload actor { id } organisations { id } } } } } }",
        ] {
            out.push(app.ok(admin, query, json!({ "n": net })).await);
        }
    }
    for org in orgs {
        out.push(
            app.ok(
                admin,
                "query($o: ID!) { node(id: $o) { ... on Organisation { id name version updatedAt governingBodies { id name members { id } }
                    positions(first: 100, includeEnded: true) { totalCount nodes { id person { id } } } } } }",
                json!({ "o": org }),
            )
            .await,
        );
    }
    out
}

async fn everything(app: &TestApp, admin: &str) -> (Vec<String>, Vec<String>, Value) {
    let all = app
        .ok(
            admin,
            "{ organisations(first: 100) { totalCount nodes { id partnerships { id } } } networks(first: 100) { totalCount nodes { id } }
               people(first: 100) { totalCount nodes { id positions { id } } } }",
            json!({}),
        )
        .await;
    let ids = |list: &Value| -> Vec<String> {
        list["nodes"].as_array().expect("nodes").iter().map(|n| id_of(&n["id"])).collect()
    };
    (ids(&all["networks"]), ids(&all["organisations"]), all)
}

fn uuids_of(values: &[Value]) -> HashSet<Uuid> {
    values.iter().flat_map(uuids_in).collect()
}

// ---------------------------------------------------------------------------
// Actors and what each may not see
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Admin,
    /// In network 1 only (or in no network at all).
    Net1,
    /// In network 2 only.
    Net2,
    /// A person of the organisation that is a partner in both networks.
    Shared,
}

struct Actor {
    label: String,
    token: String,
    person: String,
    orgs: HashSet<String>,
    class: Class,
    facilitates: Option<String>,
    /// UUIDs that must never appear in a response to this actor, with what they are.
    forbidden: HashMap<Uuid, String>,
    /// Lower-case texts that must never appear.
    needles: Vec<(String, String)>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum IdKind {
    /// A global id of tenant B, as the API returned it.
    TenantB,
    /// Tenant B's UUID under another type, upper-cased, or without hyphens.
    CraftedB,
    /// A UUID under a type it is not.
    WrongType,
    /// A well-formed id of an object that never existed.
    Unknown,
    /// Not an id at all.
    Garbage,
    /// An object of tenant A (visible or not, depending on the actor).
    TenantA,
}

struct World {
    actors: Vec<Actor>,
    /// Global ids of tenant B, by type.
    b_by_type: HashMap<String, Vec<String>>,
    b_gids: Vec<String>,
    b_uuids: Vec<Uuid>,
    /// Global ids of network 2 that network-1-only actors may not see, by type.
    n2_by_type: HashMap<String, Vec<String>>,
    /// Every global id of tenant A.
    a_gids: Vec<(String, (String, Uuid))>,
    /// UUIDs network-1-only (and network-2-only) actors may not see.
    hidden_from_n1: HashSet<Uuid>,
    hidden_from_n2: HashSet<Uuid>,
    /// Networks to ask for by id.
    networks: Vec<String>,
    /// Tenant A's first network (a target of `invitePartner` with foreign organisations).
    n1: String,
    rec: Record,
    b_dump_before: Vec<Value>,
    a_dump_before: Vec<Value>,
    a_admin: String,
    b_admin: String,
}

/// Tenant B: everything, every text with "Globex". Returns its admin's token.
async fn build_b(app: &TestApp) -> (String, Record) {
    let mut rec = Record::default();
    let b_admin = app.bootstrap("globex", "globex-admin").await;
    let b_fac = facilitator(app, &b_admin, "globex", "globex-fac", "Globex Facilitator").await;
    let b_net = network(app, &b_fac.token, "Globex").await;
    let mut b_partners = Vec::new();
    for (i, (name, kind)) in [
        ("Globex Woningen", "HOUSING_CORPORATION"),
        ("Globex Gemeente", "MUNICIPALITY"),
        ("Globex Zorg", "CARE_PROVIDER"),
    ]
    .into_iter()
    .enumerate()
    {
        let partner = partner(app, &b_admin, "globex", &b_fac, &b_net, &format!("globex-p{i}"), name, kind, 2).await;
        seat(app, &b_admin, &partner.org, "Globex", &partner.director, &partner.staff[0]).await;
        b_partners.push(partner);
    }
    leaver_and_invitee(app, &b_admin, "globex", &b_fac, &b_net, "Globex", "globex").await;
    let b_outsider_org = organisation(app, &b_admin, "Globex Bouw", "COMPANY").await;
    person(app, &b_admin, "globex", "globex-outsider", "Globex Buitenstaander", &b_outsider_org, "DIRECTOR").await;
    populate(app, "Globex", &b_fac, &b_net, &b_partners, &mut rec).await;
    (b_admin, rec)
}

struct TenantA {
    w: NetWorld,
    fac1: Who,
    fac2: Who,
    n2: String,
    outsider: Who,
    shared: Partner,
    s_rep2: Who,
    n1_partners: Vec<Partner>,
    n2_partners: Vec<Partner>,
    rec: Record,
}

async fn build_a(app: &TestApp) -> TenantA {
    let mut rec = Record::default();
    // Network 1: the `net_world` fixture.
    let w = net_world(app, "acme").await;
    let a_admin = w.admin.clone();
    let fac1 = Who::from_member(&w.facilitator, "acme-fac".into());
    let mut n1_partners: Vec<Partner> = (0..3)
        .map(|i| Partner {
            org: w.orgs[i].clone(),
            partnership: w.partnerships[i].clone(),
            director: Who::from_member(&w.directors[i], format!("acme-dir{i}")),
            staff: vec![
                Who::from_member(&w.staff[i][0], format!("acme-staff{i}a")),
                Who::from_member(&w.staff[i][1], format!("acme-staff{i}b")),
            ],
        })
        .collect();
    for (i, partner) in n1_partners.iter().enumerate() {
        seat(app, &a_admin, &partner.org, &format!("Oostland {i}"), &partner.director, &partner.staff[0]).await;
    }
    let outsider = Who::from_member(&w.outsider, "acme-outsider".into());

    // Tenant A, network 2: own facilitator, own partners (all "Zeeland"),
    // and "Schakel", a partner in both networks.
    let fac2 = facilitator(app, &a_admin, "acme", "acme-zl-fac", "Zeeland Facilitator").await;
    let n2 = network(app, &fac2.token, "Zeeland").await;
    let shared = partner(app, &a_admin, "acme", &fac2, &n2, "acme-sch", "Schakel Welzijn", "WELFARE", 2).await;
    // Its second staff member represents it in network 2 only.
    let s_rep2 = shared.staff[1].clone();
    app.set_representatives(&shared.director.token, &shared.partnership, &[&shared.director.id, &s_rep2.id])
        .await
        .data();
    seat(app, &a_admin, &shared.org, "Schakel", &shared.director, &shared.staff[0]).await;
    let mut n2_partners = vec![shared.clone()];
    for (i, (name, kind)) in
        [("Zeeland Wonen", "HOUSING_CORPORATION"), ("Zeeland Zorg", "CARE_PROVIDER")].into_iter().enumerate()
    {
        let p = partner(app, &a_admin, "acme", &fac2, &n2, &format!("acme-zl-p{i}"), name, kind, 2).await;
        seat(app, &a_admin, &p.org, "Zeeland", &p.director, &p.staff[0]).await;
        n2_partners.push(p);
    }
    leaver_and_invitee(app, &a_admin, "acme", &fac2, &n2, "Zeeland", "acme-zl").await;
    let adopt = "mutation($n: ID!) { adoptCharter(input: { networkId: $n, goals: \"Zeeland eerste doelen\", workingAgreements: \"Zeeland eerste afspraken\" }) { charterVersion { id } } }";
    app.ok(&fac2.token, adopt, json!({ "n": n2 })).await;
    populate(app, "Zeeland", &fac2, &n2, &n2_partners, &mut rec).await;

    // "Schakel" joins network 1 too, represented there by its director only.
    let shared_in_n1 = app.invite(&fac1.token, &w.network, &shared.org).await;
    app.accept(&shared.director.token, &shared_in_n1).await;
    app.set_representatives(&shared.director.token, &shared_in_n1, &[&shared.director.id]).await.data();
    let mut shared_n1 = shared.clone();
    shared_n1.partnership = shared_in_n1;
    n1_partners.push(shared_n1);
    populate(app, "Oostland", &fac1, &w.network, &n1_partners, &mut rec).await;
    TenantA { w, fac1, fac2, n2, outsider, shared, s_rep2, n1_partners, n2_partners, rec }
}

async fn build(app: &TestApp) -> World {
    // The tenants are independent; PostgreSQL builds them side by side (on
    // SQLite, concurrent writers would only queue for the write lock).
    let ((b_admin, b_rec), a) = match app.backend {
        Backend::Postgres => tokio::join!(build_b(app), build_a(app)),
        Backend::Sqlite => (build_b(app).await, build_a(app).await),
    };
    let TenantA { w, fac1, fac2, n2, outsider, shared, s_rep2, n1_partners, n2_partners, mut rec } = a;
    rec.inputs.extend(b_rec.inputs);
    rec.comments.extend(b_rec.comments);
    rec.respondents.extend(b_rec.respondents);
    rec.sparse_rounds.extend(b_rec.sparse_rounds);
    rec.open_rounds.extend(b_rec.open_rounds);
    let a_admin = w.admin.clone();

    // Harvest.
    let (b_networks, b_orgs, b_all) = everything(app, &b_admin).await;
    let mut b_dump_before = dump(app, &b_admin, &b_networks, &b_orgs).await;
    b_dump_before.push(b_all);
    let (a_networks, a_orgs, a_all) = everything(app, &a_admin).await;
    let mut a_dump_before = dump(app, &a_admin, &a_networks, &a_orgs).await;
    a_dump_before.push(a_all);

    let n2_only_orgs: Vec<String> =
        a_orgs.iter().filter(|o| !n1_partners.iter().any(|p| &p.org == *o) && **o != w.outsider_org).cloned().collect();
    let n1_only_orgs: Vec<String> = w.orgs.iter().cloned().chain([w.outsider_org.clone()]).collect();
    let n1_dump = dump(app, &a_admin, std::slice::from_ref(&w.network), &n1_only_orgs).await;
    let n2_dump = dump(app, &a_admin, std::slice::from_ref(&n2), &n2_only_orgs).await;
    let s_dump = dump(app, &a_admin, &[], std::slice::from_ref(&shared.org)).await;
    let (n1_uuids, n2_uuids, s_uuids) = (uuids_of(&n1_dump), uuids_of(&n2_dump), uuids_of(&s_dump));
    let admin_person = {
        let data = app.ok(&a_admin, "{ viewer { person { id } } }", json!({})).await;
        id_of(&data["viewer"]["person"]["id"])
    };
    let admin_uuid = decode_gid(&admin_person).expect("gid").1;
    let hidden_from_n1: HashSet<Uuid> = n2_uuids
        .iter()
        .filter(|u| !n1_uuids.contains(u) && !s_uuids.contains(u) && **u != admin_uuid)
        .copied()
        .collect();
    let hidden_from_n2: HashSet<Uuid> = n1_uuids
        .iter()
        .filter(|u| !n2_uuids.contains(u) && !s_uuids.contains(u) && **u != admin_uuid)
        .copied()
        .collect();

    let mut b_gid_map = HashMap::new();
    b_dump_before.iter().for_each(|v| gids_in(v, &mut b_gid_map));
    let mut b_by_type: HashMap<String, Vec<String>> = HashMap::new();
    for (g, (t, _)) in &b_gid_map {
        b_by_type.entry(t.clone()).or_default().push(g.clone());
    }
    let mut b_gids: Vec<String> = b_gid_map.keys().cloned().collect();
    b_gids.sort();
    b_by_type.values_mut().for_each(|v| v.sort());
    let b_uuid_set = uuids_of(&b_dump_before);
    let mut b_uuids: Vec<Uuid> = b_uuid_set.iter().copied().collect();
    b_uuids.sort();

    let mut a_gid_map = HashMap::new();
    a_dump_before.iter().for_each(|v| gids_in(v, &mut a_gid_map));
    n2_dump.iter().for_each(|v| gids_in(v, &mut a_gid_map));
    let mut n2_by_type: HashMap<String, Vec<String>> = HashMap::new();
    for (g, (t, u)) in &a_gid_map {
        if hidden_from_n1.contains(u) {
            n2_by_type.entry(t.clone()).or_default().push(g.clone());
        }
    }
    n2_by_type.values_mut().for_each(|v| v.sort());
    let mut a_gids: Vec<(String, (String, Uuid))> = a_gid_map.into_iter().collect();
    a_gids.sort();

    // Actors.
    let s_rep2_uuid = decode_gid(&s_rep2.id).expect("gid").1;
    let mut actors = Vec::new();
    let mut add = |label: String, who: &Who, orgs: &[&str], class: Class, facilitates: Option<&str>| {
        actors.push(Actor {
            label,
            token: who.token.clone(),
            person: who.id.clone(),
            orgs: orgs.iter().map(|o| (*o).to_owned()).collect(),
            class,
            facilitates: facilitates.map(str::to_owned),
            forbidden: HashMap::new(),
            needles: Vec::new(),
        });
    };
    let admin_who = Who { id: admin_person.clone(), token: a_admin.clone(), subject: "acme-admin".into() };
    add("admin".into(), &admin_who, &[], Class::Admin, None);
    add("facilitator of network 1".into(), &fac1, &[], Class::Net1, Some(&w.network));
    add("facilitator of network 2".into(), &fac2, &[], Class::Net2, Some(&n2));
    add("outsider director".into(), &outsider, &[&w.outsider_org], Class::Net1, None);
    for (i, p) in n1_partners[..3].iter().enumerate() {
        add(format!("network-1 director of partner {i}"), &p.director, &[&p.org], Class::Net1, None);
        for (j, s) in p.staff.iter().enumerate() {
            add(format!("network-1 staff {j} of partner {i}"), s, &[&p.org], Class::Net1, None);
        }
    }
    add("director of Schakel (both networks)".into(), &shared.director, &[&shared.org], Class::Shared, None);
    add("staff of Schakel".into(), &shared.staff[0], &[&shared.org], Class::Shared, None);
    add("staff of Schakel representing it in network 2".into(), &s_rep2, &[&shared.org], Class::Shared, None);
    for (i, p) in n2_partners[1..].iter().enumerate() {
        add(format!("network-2 director of partner {i}"), &p.director, &[&p.org], Class::Net2, None);
        for (j, s) in p.staff.iter().enumerate() {
            add(format!("network-2 staff {j} of partner {i}"), s, &[&p.org], Class::Net2, None);
        }
    }

    let n1_needles = [
        "regio oost",
        "gemeente oost",
        "oostland",
        "woonstad",
        "zorggroep",
        "bouwbedrijf",
        "acme-dir",
        "acme-staff",
        "acme-outsider",
        "acme-fac",
        "betaalbaar wonen",
        "samen sterker",
    ];
    for actor in &mut actors {
        for u in &b_uuid_set {
            actor.forbidden.insert(*u, "an id of tenant B".into());
        }
        actor.needles.push(("globex".into(), "a name or text of tenant B".into()));
        match actor.class {
            Class::Net1 => {
                for u in &hidden_from_n1 {
                    actor.forbidden.insert(*u, "an id of network 2".into());
                }
                actor.needles.push(("zeeland".into(), "a name or text of network 2".into()));
                if actor.facilitates.is_none() {
                    actor.forbidden.insert(s_rep2_uuid, "Schakel's network-2-only representative".into());
                    for needle in ["schakel welzijn staf 1", "acme-sch-staff1"] {
                        actor.needles.push((needle.into(), "Schakel's network-2-only representative".into()));
                    }
                }
            }
            Class::Net2 => {
                for u in &hidden_from_n2 {
                    actor.forbidden.insert(*u, "an id of network 1".into());
                }
                for n in n1_needles {
                    actor.needles.push((n.into(), "a name or text of network 1".into()));
                }
            }
            Class::Admin | Class::Shared => {}
        }
        for (org, texts) in &rec.inputs {
            if !actor.orgs.contains(org) {
                for t in texts {
                    actor.needles.push((t.to_lowercase(), "another organisation's consultation input".into()));
                }
            }
        }
        for (author, texts) in &rec.comments {
            if *author != actor.person {
                for t in texts {
                    actor.needles.push((t.to_lowercase(), "another person's individual alignment answer".into()));
                }
            }
        }
    }

    let b_networks_first = b_networks.first().cloned().expect("a network of B");
    World {
        actors,
        b_by_type,
        b_gids,
        b_uuids,
        n2_by_type,
        a_gids,
        hidden_from_n1,
        hidden_from_n2,
        networks: vec![w.network.clone(), n2, b_networks_first],
        n1: w.network.clone(),
        rec,
        b_dump_before,
        a_dump_before,
        a_admin,
        b_admin,
    }
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

const EVERYTHING: &str = "fragment Everything on Node {
  id
  ... on Organisation { name kind governingBodies { id name members { id name } } partnerships { id status network { id name } }
    mandate { isDefault rules { bodyId } } pendingRatifications { id status commitment { id title } }
    positions(first: 5, includeEnded: true) { nodes { id role person { id name email } } } }
  ... on GoverningBody { name kind organisation { id name } members { id name email } }
  ... on Person { name email subject tenantRole positions { id role organisation { id name } } }
  ... on Position { role current person { id name } organisation { id name } }
  ... on Network { name purpose status facilitators { id name email } charter { id goals workingAgreements }
    partners(first: 5) { nodes { id status organisation { id name } representatives { id person { id name } } } } }
  ... on CharterVersion { version goals workingAgreements adoptedBy { id name } }
  ... on Partnership { status leftReason network { id name } organisation { id name }
    representatives(includeEnded: true) { id person { id name email } } expectations { id text recordedBy { id name } } }
  ... on Representation { current person { id name } partnership { id network { id name } organisation { id name } } }
  ... on Expectation { kind text partnership { id organisation { id name } } recordedBy { id name } }
  ... on AlignmentRound { status network { id name } questions { key text } invited myAnswers { questionKey score comment }
    results { respondentCount invitedCount alignmentIndex perPartnerFiguresShown questions { key mean min max answerCount }
      partners { organisation { id name } mean respondentCount questionMeans { key mean } } } }
  ... on Goal { title description network { id name } parent { id title } results { total delivered { id title } } }
  ... on Meeting { heldOn notes attendees { person { id name } organisation { id name } } commitmentsProposed { id title } commitmentsAgreed { id title } }
  ... on Commitment { title description status ratificationStatus replanningReason droppedReason network { id name } lead { id name }
    goal { id title } proposedIn { id notes }
    ratifications { id status outcome reason minutesReference recordedBy { id name } body { id name } conditions { id text } }
    parties { organisation { id name } contributionNote agreed agreedBy { id name }
      consultation { supportCount concernCount objectionCount inputs { stance text } } }
    progress(first: 3) { nodes { note author { id name } } } }
  ... on Ratification { status outcome reason minutesReference commitment { id title } organisation { id name }
    body { id name members { id name } } recordedBy { id name } conditions { id text status } history { outcome reason recordedBy { id name } } }
}";

/// A lighter selection, for `nodes` with many ids (their cost is ids × selection).
const LIGHT: &str = "fragment Light on Node {
  id
  ... on Organisation { name }
  ... on GoverningBody { name members { id name } }
  ... on Person { name email }
  ... on Position { person { id name } }
  ... on Network { name purpose }
  ... on CharterVersion { goals }
  ... on Partnership { network { id name } organisation { id name } }
  ... on Representation { person { id name } }
  ... on Expectation { text }
  ... on AlignmentRound { myAnswers { comment } results { partners { mean } } }
  ... on Goal { title }
  ... on Meeting { notes }
  ... on Commitment { title parties { consultation { inputs { text } } } }
  ... on Ratification { reason organisation { id name } }
}";

const VIEWER: &str = "{ viewer { person { id name email subject positions { id role organisation { id name } } } tenant { slug name } tenantRole
  positions { id role organisation { id name partnerships { id status network { id name } } } }
  pendingDecisions { id status outcome commitment { id title network { id name } } organisation { id name } body { id name members { id name } } } } }";
const ORGANISATIONS: &str = "query($first: Int, $after: String) { organisations(first: $first, after: $after) { totalCount
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id name kind
  governingBodies { id name members { id name } } partnerships { id status network { id name } representatives { person { id name } } }
  pendingRatifications { id commitment { id title } } } } } }";
const PEOPLE: &str = "query($first: Int, $after: String) { people(first: $first, after: $after) { totalCount
  pageInfo { hasNextPage endCursor } edges { cursor node { id name email subject tenantRole positions { id role current organisation { id name } } } } } }";
const NETWORKS: &str = "query($first: Int, $after: String) { networks(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
  nodes { id name purpose status facilitators { id name email } charter { id version goals workingAgreements }
  charterVersions { id goals adoptedBy { id name } } } } }";
const NET_PARTNERS: &str = "query($net: ID!, $after: String) { network(id: $net) { id name facilitators { id name }
  partners(status: [INVITED, ACTIVE, LEFT], first: 10, after: $after) { totalCount edges { cursor node { id status leftReason acknowledgedCharterVersion
  organisation { id name governingBodies { id name } } representatives(includeEnded: true) { id current person { id name email } }
  expectations { id kind text recordedBy { id name } } } } } } }";
const NET_WORK: &str = "query($net: ID!) { network(id: $net) { id
  goals(first: 10) { nodes { id title description parent { id title } results { total lastResultOn delivered { id title } } } }
  meetings(first: 5) { nodes { id heldOn notes attendees { person { id name email } organisation { id name } } commitmentsProposed { id title } commitmentsAgreed { id title } } }
  followThrough { organisation { id name } involved answered approved rejected openConditions } } }";
const NET_COMMITMENTS: &str = "query($net: ID!, $filter: CommitmentFilter) { network(id: $net) { id commitments(first: 5, filter: $filter) { totalCount
  nodes { id title description status ratificationStatus needsReplanning replanningReason droppedReason lead { id name } goal { id title } proposedIn { id notes }
  parties { organisation { id name } contributionNote agreed agreedBy { id name } agreedIn { id }
    consultation { supportCount concernCount objectionCount inputs { stance text } } }
  ratifications { id status outcome reason minutesReference recordedBy { id name } organisation { id name } body { id name members { id name } }
    conditions { id text status } history { outcome reason recordedBy { id name } } }
  progress(first: 3) { nodes { note percent author { id name } } } } } } }";
const NET_ALIGNMENT: &str =
    "query($net: ID!) { network(id: $net) { id alignmentRounds(first: 5) { totalCount nodes { id status invited
  questions { key text } myAnswers { questionKey score comment }
  results { respondentCount invitedCount responseRate alignmentIndex alignmentIndexChange perPartnerFiguresShown
    questions { key mean standardDeviation min max answerCount }
    partners { organisation { id name } mean respondentCount invitedCount questionMeans { key mean } } } } } } }";
const NET_TIMELINE: &str = "query($net: ID!, $org: ID, $kinds: [String!], $after: String) { network(id: $net) { id
  timeline(first: 50, organisationId: $org, kinds: $kinds, after: $after) { totalCount pageInfo { hasNextPage endCursor }
  nodes { id kind occurredAt subjectId payload actor { id name } organisations { id name } } } } }";

/// A mutation naming objects by id; `build` gets a picker of ids by type.
struct MutationCase {
    name: &'static str,
    query: &'static str,
    /// Names tenant A's first network, which the actor may see: a rights check
    /// on it may come first (FORBIDDEN), as long as the answer is the same as
    /// for never-existing ids. Only tenant-B ids are named with it (an
    /// organisation of the same tenant may be invited even when not visible).
    own_network: bool,
    build: fn(&mut dyn FnMut(&'static str) -> String, &Ctx) -> Value,
}

struct Ctx {
    today: String,
    due: String,
    closes_at: String,
    n1: String,
}

fn answers() -> Value {
    Value::Array(STANDARD_KEYS.iter().map(|k| json!({ "questionKey": k, "score": 3 })).collect())
}

macro_rules! m {
    ($name:literal, $payload:literal, $input:literal, $own_network:expr, $build:expr) => {
        MutationCase {
            name: $name,
            query: concat!("mutation($input: ", $input, "!) { ", $name, "(input: $input) { ", $payload, " { id } } }"),
            own_network: $own_network,
            build: $build,
        }
    };
}

fn mutations() -> Vec<MutationCase> {
    vec![
        m!(
            "updateOrganisation",
            "organisation",
            "UpdateOrganisationInput",
            false,
            |p, _| json!({ "id": p("Organisation"), "expectedVersion": 1, "name": "Overgenomen" })
        ),
        m!(
            "setGoverningBodies",
            "organisation",
            "SetGoverningBodiesInput",
            false,
            |p, _| json!({ "organisationId": p("Organisation"), "bodies": [{ "name": "Bestuur", "kind": "EXECUTIVE_BOARD", "right": "DECIDES" }] })
        ),
        m!(
            "assignPosition",
            "position",
            "AssignPositionInput",
            false,
            |p, _| json!({ "personId": p("Person"), "organisationId": p("Organisation"), "role": "STAFF" })
        ),
        m!("endPosition", "position", "EndPositionInput", false, |p, _| json!({ "positionId": p("Position") })),
        m!(
            "updateNetwork",
            "network",
            "UpdateNetworkInput",
            false,
            |p, _| json!({ "id": p("Network"), "expectedVersion": 1, "name": "Overgenomen" })
        ),
        m!(
            "setNetworkSettings",
            "network",
            "SetNetworkSettingsInput",
            false,
            |p, _| json!({ "networkId": p("Network"), "ratificationWindowDays": 30 })
        ),
        m!(
            "assignFacilitator",
            "network",
            "AssignFacilitatorInput",
            false,
            |p, _| json!({ "networkId": p("Network"), "personId": p("Person") })
        ),
        m!(
            "assignFacilitator",
            "network",
            "AssignFacilitatorInput",
            false,
            |p, c| json!({ "networkId": c.n1, "personId": p("Person") })
        ),
        m!(
            "adoptCharter",
            "charterVersion",
            "AdoptCharterInput",
            false,
            |p, _| json!({ "networkId": p("Network"), "goals": "Overgenomen", "workingAgreements": "Overgenomen" })
        ),
        m!(
            "invitePartner",
            "partnership",
            "InvitePartnerInput",
            false,
            |p, _| json!({ "networkId": p("Network"), "organisationId": p("Organisation") })
        ),
        m!(
            "invitePartner",
            "partnership",
            "InvitePartnerInput",
            true,
            |p, c| json!({ "networkId": c.n1, "organisationId": p("Organisation") })
        ),
        m!(
            "acceptPartnership",
            "partnership",
            "AcceptPartnershipInput",
            false,
            |p, _| json!({ "partnershipId": p("Partnership") })
        ),
        m!(
            "removePartner",
            "partnership",
            "RemovePartnerInput",
            false,
            |p, _| json!({ "partnershipId": p("Partnership"), "reason": "Weg" })
        ),
        m!(
            "setRepresentatives",
            "partnership",
            "SetRepresentativesInput",
            false,
            |p, _| json!({ "partnershipId": p("Partnership"), "personIds": [] })
        ),
        m!(
            "acknowledgeCharter",
            "partnership",
            "AcknowledgeCharterInput",
            false,
            |p, _| json!({ "partnershipId": p("Partnership"), "version": 1 })
        ),
        m!(
            "recordExpectation",
            "expectation",
            "RecordExpectationInput",
            false,
            |p, _| json!({ "partnershipId": p("Partnership"), "kind": "GOAL", "text": "Overgenomen" })
        ),
        m!(
            "openAlignmentRound",
            "alignmentRound",
            "OpenAlignmentRoundInput",
            false,
            |p, c| json!({ "networkId": p("Network"), "closesAt": c.closes_at })
        ),
        m!(
            "submitAlignmentResponse",
            "alignmentRound",
            "SubmitAlignmentResponseInput",
            false,
            |p, _| json!({ "roundId": p("AlignmentRound"), "answers": answers() })
        ),
        m!(
            "closeAlignmentRound",
            "alignmentRound",
            "CloseAlignmentRoundInput",
            false,
            |p, _| json!({ "roundId": p("AlignmentRound") })
        ),
        m!(
            "createGoal",
            "goal",
            "CreateGoalInput",
            false,
            |p, _| json!({ "networkId": p("Network"), "title": "Overgenomen", "horizon": "LONG_TERM" })
        ),
        m!(
            "updateGoal",
            "goal",
            "UpdateGoalInput",
            false,
            |p, _| json!({ "id": p("Goal"), "expectedVersion": 1, "title": "Overgenomen" })
        ),
        m!(
            "recordMeeting",
            "meeting",
            "RecordMeetingInput",
            false,
            |p, c| json!({ "networkId": p("Network"), "heldOn": c.today, "attendeeIds": [] })
        ),
        m!("proposeCommitment", "commitment", "ProposeCommitmentInput", false, |p, c| {
            let org = p("Organisation");
            json!({ "networkId": p("Network"), "title": "Overgenomen", "scope": "ORGANISATION", "kind": "QUICK_WIN",
                "parties": [{ "organisationId": org }], "leadOrganisationId": org, "dueOn": c.due })
        }),
        m!(
            "agreeCommitment",
            "commitment",
            "AgreeCommitmentInput",
            false,
            |p, _| json!({ "commitmentId": p("Commitment"), "organisationId": p("Organisation") })
        ),
        m!(
            "updateCommitment",
            "commitment",
            "UpdateCommitmentInput",
            false,
            |p, _| json!({ "id": p("Commitment"), "expectedVersion": 1, "title": "Overgenomen" })
        ),
        m!("replanCommitment", "commitment", "ReplanCommitmentInput", false, |p, _| {
            let org = p("Organisation");
            json!({ "id": p("Commitment"), "expectedVersion": 1, "scope": "ORGANISATION", "parties": [{ "organisationId": org }], "leadOrganisationId": org })
        }),
        m!(
            "addProgressUpdate",
            "commitment",
            "AddProgressUpdateInput",
            false,
            |p, _| json!({ "commitmentId": p("Commitment"), "note": "Overgenomen" })
        ),
        m!(
            "dropCommitment",
            "commitment",
            "DropCommitmentInput",
            false,
            |p, _| json!({ "id": p("Commitment"), "expectedVersion": 1, "reason": "Overgenomen" })
        ),
        m!(
            "setMandate",
            "organisation",
            "SetMandateInput",
            false,
            |p, _| json!({ "organisationId": p("Organisation"), "rules": [] })
        ),
        m!(
            "startConsultation",
            "commitment",
            "StartConsultationInput",
            false,
            |p, _| json!({ "commitmentId": p("Commitment"), "organisationId": p("Organisation") })
        ),
        m!(
            "addConsultationInput",
            "commitment",
            "AddConsultationInputInput",
            false,
            |p, _| json!({ "commitmentId": p("Commitment"), "organisationId": p("Organisation"), "stance": "SUPPORT", "text": "Overgenomen" })
        ),
        m!(
            "recordRatificationOutcome",
            "ratification",
            "RecordRatificationOutcomeInput",
            false,
            |p, c| json!({ "ratificationId": p("Ratification"), "expectedVersion": 1, "outcome": "APPROVED", "decidedOn": c.today, "minutesReference": "Overgenomen" })
        ),
        m!(
            "reopenRatification",
            "ratification",
            "ReopenRatificationInput",
            false,
            |p, _| json!({ "ratificationId": p("Ratification"), "expectedVersion": 1 })
        ),
        m!(
            "markConditionMet",
            "ratification",
            "MarkConditionMetInput",
            false,
            |p, _| json!({ "conditionId": p("RatificationCondition") })
        ),
    ]
}

/// Picks an id to look up, and says what it is.
fn pick_id(rng: &mut StdRng, world: &World) -> (String, IdKind) {
    let roll = rng.random_range(0..100);
    let b_uuid = world.b_uuids[rng.random_range(0..world.b_uuids.len())];
    let any_type = NODE_TYPES[rng.random_range(0..NODE_TYPES.len())];
    match roll {
        0..35 => (world.b_gids[rng.random_range(0..world.b_gids.len())].clone(), IdKind::TenantB),
        35..50 => {
            let text = match rng.random_range(0..3) {
                0 => b_uuid.to_string().to_uppercase(),
                1 => b_uuid.simple().to_string(),
                _ => b_uuid.to_string(),
            };
            (gid(any_type, &text), IdKind::CraftedB)
        }
        50..75 => {
            let (id, (t, u)) = &world.a_gids[rng.random_range(0..world.a_gids.len())];
            if rng.random_bool(0.15) && any_type != t.as_str() {
                return (gid(any_type, &u.to_string()), IdKind::WrongType);
            }
            (id.clone(), IdKind::TenantA)
        }
        75..88 => (gid(any_type, &Uuid::from_bytes(rng.random()).to_string()), IdKind::Unknown),
        _ => {
            let garbage = match rng.random_range(0..8) {
                0 => String::new(),
                1 => "!!".to_owned(),
                2 => b_uuid.to_string(),
                3 => cursor_of(&b_uuid),
                4 => gid("Tenant", &b_uuid.to_string()),
                5 => gid(&any_type.to_lowercase(), &b_uuid.to_string()),
                6 => format!("{}==", gid(any_type, &b_uuid.to_string())),
                _ => URL_SAFE_NO_PAD.encode(format!("{any_type}:{}", &b_uuid.to_string()[..20])),
            };
            (garbage, IdKind::Garbage)
        }
    }
}

/// Must `id` resolve to null for this actor?
fn must_be_null(world: &World, actor: &Actor, id: &str, kind: IdKind) -> bool {
    match kind {
        IdKind::TenantB | IdKind::CraftedB | IdKind::WrongType | IdKind::Unknown => true,
        IdKind::Garbage => false,
        IdKind::TenantA => {
            let Some((_, uuid)) = decode_gid(id) else { return false };
            match actor.class {
                Class::Net1 => world.hidden_from_n1.contains(&uuid) || actor.forbidden.contains_key(&uuid),
                Class::Net2 => world.hidden_from_n2.contains(&uuid),
                _ => false,
            }
        }
    }
}

fn random_cursor(rng: &mut StdRng, world: &World) -> (Value, bool) {
    match rng.random_range(0..10) {
        0..5 => (Value::Null, true),
        5..8 => (json!(cursor_of(&world.b_uuids[rng.random_range(0..world.b_uuids.len())])), true),
        8 => (json!(cursor_of(&Uuid::from_bytes(rng.random()))), true),
        _ => (json!("not-a-cursor"), false),
    }
}

/// An id to use as an argument (filter, network): B, network 2, tenant A, or unknown.
fn arg_id(rng: &mut StdRng, world: &World, type_name: &str) -> String {
    let from = |map: &HashMap<String, Vec<String>>, rng: &mut StdRng| {
        map.get(type_name).filter(|v| !v.is_empty()).map(|v| v[rng.random_range(0..v.len())].clone())
    };
    match rng.random_range(0..4) {
        0 => from(&world.b_by_type, rng),
        1 => from(&world.n2_by_type, rng),
        2 => {
            let own: Vec<&String> = world.a_gids.iter().filter(|(_, (t, _))| t == type_name).map(|(g, _)| g).collect();
            (!own.is_empty()).then(|| own[rng.random_range(0..own.len())].clone())
        }
        _ => None,
    }
    .unwrap_or_else(|| gid(type_name, &Uuid::from_bytes(rng.random()).to_string()))
}

/// One read: what to send, which ids must come back null, which error codes are fine.
struct Read {
    what: String,
    query: String,
    variables: Value,
    /// (path into `data`, id asked for, must it be null)
    lookups: Vec<(Vec<Value>, String, bool)>,
    allowed_codes: Vec<&'static str>,
}

fn random_read(rng: &mut StdRng, world: &World, actor: &Actor) -> Read {
    let roll = rng.random_range(0..100);
    if roll < 30 {
        let (id, kind) = pick_id(rng, world);
        let null = must_be_null(world, actor, &id, kind);
        return Read {
            what: format!("node(id: {id:?}) [{kind:?}]"),
            query: format!("query($id: ID!) {{ node(id: $id) {{ ...Everything }} }} {EVERYTHING}"),
            variables: json!({ "id": id }),
            lookups: vec![(vec![json!("node")], id, null)],
            allowed_codes: if kind == IdKind::Garbage { vec!["BAD_USER_INPUT"] } else { vec![] },
        };
    }
    if roll < 50 {
        // `nodes` costs ids × selection: the full selection for one or two
        // ids, the light one for up to twenty.
        let full = rng.random_bool(0.5);
        let (n, fragment, spread) = if full {
            (rng.random_range(1..=2), EVERYTHING, "Everything")
        } else {
            (rng.random_range(1..=20), LIGHT, "Light")
        };
        let picked: Vec<(String, IdKind)> = (0..n).map(|_| pick_id(rng, world)).collect();
        let garbage = picked.iter().any(|(_, k)| *k == IdKind::Garbage);
        let lookups = picked
            .iter()
            .enumerate()
            .map(|(i, (id, kind))| (vec![json!("nodes"), json!(i)], id.clone(), must_be_null(world, actor, id, *kind)))
            .collect();
        let kinds: Vec<String> = picked.iter().map(|(_, k)| format!("{k:?}")).collect();
        let ids: Vec<&String> = picked.iter().map(|(id, _)| id).collect();
        return Read {
            what: format!("nodes(ids: {ids:?}) [{}]", kinds.join(", ")),
            query: format!("query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ...{spread} }} }} {fragment}"),
            variables: json!({ "ids": ids }),
            lookups,
            allowed_codes: if garbage { vec!["BAD_USER_INPUT"] } else { vec![] },
        };
    }
    // Lists and network views.
    let net = if rng.random_bool(0.8) {
        world.networks[rng.random_range(0..world.networks.len())].clone()
    } else {
        arg_id(rng, world, "Network")
    };
    let (after, good_cursor) = random_cursor(rng, world);
    let mut allowed = if good_cursor { vec![] } else { vec!["BAD_USER_INPUT"] };
    let (name, query, variables) = match rng.random_range(0..9) {
        0 => ("viewer", VIEWER, json!({})),
        1 => ("organisations", ORGANISATIONS, json!({ "first": rng.random_range(1..=20), "after": after })),
        2 => ("people", PEOPLE, json!({ "first": rng.random_range(1..=50), "after": after })),
        3 => ("networks", NETWORKS, json!({ "first": rng.random_range(1..=10), "after": after })),
        4 => ("network partners", NET_PARTNERS, json!({ "net": net, "after": after })),
        5 => ("network goals and meetings", NET_WORK, json!({ "net": net })),
        6 => {
            let filter = match rng.random_range(0..5) {
                0 => Value::Null,
                1 => json!({ "partyId": arg_id(rng, world, "Organisation") }),
                2 => json!({ "goalId": arg_id(rng, world, "Goal") }),
                3 => json!({ "status": ["AGREED", "DELIVERED", "DROPPED", "PROPOSED"] }),
                _ => json!({ "ratificationStatus": "PENDING" }),
            };
            if !filter.is_null() {
                allowed.push("NOT_FOUND");
            }
            ("network commitments", NET_COMMITMENTS, json!({ "net": net, "filter": filter }))
        }
        7 => ("network alignment rounds", NET_ALIGNMENT, json!({ "net": net })),
        _ => {
            let org = if rng.random_bool(0.4) { json!(arg_id(rng, world, "Organisation")) } else { Value::Null };
            if !org.is_null() {
                allowed.push("NOT_FOUND");
            }
            let kinds = match rng.random_range(0..3) {
                0 => Value::Null,
                1 => json!(["ratification.consultation_input_added", "alignment_response.submitted"]),
                _ => json!(["commitment.proposed", "partner.joined", "ratification.decided"]),
            };
            ("network timeline", NET_TIMELINE, json!({ "net": net, "org": org, "kinds": kinds, "after": after }))
        }
    };
    let mut lookups = vec![];
    if query.contains("network(id: $net)") {
        let null = match decode_gid(&net) {
            Some((_, u)) if world.b_uuids.binary_search(&u).is_ok() => true,
            Some((t, _)) if t != "Network" => true,
            Some((_, u)) => match actor.class {
                Class::Net1 => world.hidden_from_n1.contains(&u),
                Class::Net2 => world.hidden_from_n2.contains(&u),
                _ => false,
            },
            None => false,
        };
        lookups.push((vec![json!("network")], net.clone(), null));
    }
    Read { what: format!("{name} {variables}"), query: query.to_owned(), variables, lookups, allowed_codes: allowed }
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

fn at<'a>(value: &'a Value, path: &[Value]) -> &'a Value {
    path.iter().fold(value, |v, key| match key {
        Value::String(k) => &v[k.as_str()],
        Value::Number(i) => &v[i.as_u64().unwrap_or(0) as usize],
        _ => &Value::Null,
    })
}

fn visit_objects<'a>(value: &'a Value, f: &mut dyn FnMut(&'a serde_json::Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            f(map);
            map.values().for_each(|v| visit_objects(v, f));
        }
        Value::Array(items) => items.iter().for_each(|v| visit_objects(v, f)),
        _ => {}
    }
}

/// Everything wrong with one response for one actor.
fn violations(world: &World, actor: &Actor, text: &str, body: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let lower = text.to_lowercase();
    for (needle, what) in &actor.needles {
        if lower.contains(needle.as_str()) {
            found.push(format!("contains {what}: {needle:?}"));
        }
    }
    for uuid in uuids_in(body) {
        if let Some(what) = actor.forbidden.get(&uuid) {
            found.push(format!("contains {what}: {uuid}"));
        }
    }
    let exempt = |network: &str| actor.class == Class::Admin || actor.facilitates.as_deref() == Some(network);
    visit_objects(body, &mut |object| {
        let id = object.get("id").and_then(Value::as_str).unwrap_or_default();
        if let Some(network) = world.rec.sparse_rounds.get(id)
            && !exempt(network)
            && let Some(partners) = object.get("results").and_then(|r| r.get("partners")).and_then(Value::as_array)
            && !partners.is_empty()
        {
            found.push(format!("per-partner figures of round {id}, where a partner has fewer than 3 respondents"));
        }
        if let Some(network) = world.rec.open_rounds.get(id)
            && !exempt(network)
            && object.get("results").is_some_and(|r| !r.is_null())
        {
            found.push(format!("results of the open round {id}"));
        }
        if let Some(answers) = object.get("myAnswers").and_then(Value::as_array)
            && !answers.is_empty()
            && !world.rec.respondents.get(id).is_some_and(|r| r.contains(&actor.person))
        {
            found.push(format!("answers in `myAnswers` of round {id}, which the viewer did not answer"));
        }
        match object.get("kind").and_then(Value::as_str) {
            Some("alignment_response.submitted") if object.get("actor").is_some_and(|a| !a.is_null()) => {
                found.push("the author of an alignment response".into());
            }
            Some("ratification.consultation_input_added")
                if actor.class != Class::Admin && actor.facilitates.is_none() =>
            {
                if let Some(orgs) = object.get("organisations").and_then(Value::as_array)
                    && !orgs.iter().any(|o| o["id"].as_str().is_some_and(|id| actor.orgs.contains(id)))
                {
                    found.push("that another organisation received consultation input".into());
                }
            }
            _ => {}
        }
    });
    found
}

fn error_codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors.iter().map(|e| e["extensions"]["code"].as_str().unwrap_or("<no code>").to_owned()).collect()
        })
        .unwrap_or_default()
}

/// The errors without their request ids, for comparing two answers.
fn normalized_errors(body: &Value) -> Value {
    let mut errors = body["errors"].clone();
    if let Some(list) = errors.as_array_mut() {
        for e in list {
            if let Some(ext) = e.get_mut("extensions").and_then(Value::as_object_mut) {
                ext.remove("requestId");
            }
        }
    }
    errors
}

async fn post(app: &TestApp, token: &str, query: &str, variables: &Value) -> (String, Value) {
    let response = app.post(Some(&format!("Bearer {token}")), json!({ "query": query, "variables": variables })).await;
    let status = response.status();
    let text = response.text().await.expect("a body");
    assert_eq!(status, 200, "HTTP {status}: {text}");
    let body: Value = serde_json::from_str(&text).expect("a JSON body");
    (text, body)
}

fn truncate(text: &str) -> String {
    const MAX: usize = 4000;
    if text.len() <= MAX {
        return text.to_owned();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &text[..end], text.len())
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

/// One planned case: who does what.
enum Plan {
    Read(Read),
    /// A mutation naming what the actor may not see, and the same mutation
    /// naming what never existed.
    Mutation {
        name: &'static str,
        query: &'static str,
        own_network: bool,
        foreign: Value,
        never: Value,
    },
}

/// What running one case found.
struct Outcome {
    problems: Vec<String>,
    what: String,
    response: String,
    codes: Vec<String>,
    nulls_checked: u64,
    objects_seen: u64,
}

fn plan(rng: &mut StdRng, world: &World, templates: &[MutationCase], ctx: &Ctx, actor: &Actor) -> Plan {
    if rng.random_range(0..100) >= 20 {
        return Plan::Read(random_read(rng, world, actor));
    }
    let template = &templates[rng.random_range(0..templates.len())];
    // Network 2's objects are foreign to people of network 1 only.
    let n2_allowed = actor.class == Class::Net1 && !template.own_network;
    let mut foreign = |type_name: &'static str| -> String {
        let pools: Vec<&Vec<String>> = [&world.b_by_type, &world.n2_by_type]
            .into_iter()
            .take(if n2_allowed { 2 } else { 1 })
            .filter_map(|m| m.get(type_name).filter(|v| !v.is_empty()))
            .collect();
        if pools.is_empty() {
            return gid(type_name, &world.b_uuids[rng.random_range(0..world.b_uuids.len())].to_string());
        }
        let list = pools[rng.random_range(0..pools.len())];
        list[rng.random_range(0..list.len())].clone()
    };
    let foreign = (template.build)(&mut foreign, ctx);
    let mut never = |type_name: &'static str| gid(type_name, &Uuid::from_bytes(rng.random()).to_string());
    let never = (template.build)(&mut never, ctx);
    Plan::Mutation { name: template.name, query: template.query, own_network: template.own_network, foreign, never }
}

async fn run_case(app: &TestApp, world: &World, actor: &Actor, plan: Plan) -> Outcome {
    let mut out = Outcome {
        problems: vec![],
        what: String::new(),
        response: String::new(),
        codes: vec![],
        nulls_checked: 0,
        objects_seen: 0,
    };
    match plan {
        Plan::Mutation { name, query, own_network, foreign, never } => {
            let (text, body) = post(app, &actor.token, query, &json!({ "input": foreign })).await;
            let (never_text, never_body) = post(app, &actor.token, query, &json!({ "input": never })).await;
            let codes = error_codes(&body);
            out.codes.push(format!("mutation {}", codes.join(",")));
            let code = codes.first().map(String::as_str);
            if code != Some("NOT_FOUND") && !(own_network && code == Some("FORBIDDEN")) {
                out.problems.push(format!("answered {codes:?}, not NOT_FOUND"));
            }
            if normalized_errors(&body) != normalized_errors(&never_body) || body["data"] != never_body["data"] {
                out.problems.push(format!(
                    "answered differently from the same mutation naming ids that never existed ({never}), which got: {}",
                    truncate(&never_text)
                ));
            }
            out.problems.extend(violations(world, actor, &text, &body));
            out.what = format!("{name} {foreign}");
            out.response = text;
        }
        Plan::Read(read) => {
            let (text, body) = post(app, &actor.token, &read.query, &read.variables).await;
            for error in body["errors"].as_array().into_iter().flatten() {
                let code = error["extensions"]["code"].as_str().unwrap_or("<no code>");
                out.codes.push(format!("read {code}"));
                // A board portal is for directors and body members: FORBIDDEN
                // on an organisation the viewer may see is the documented answer.
                let board_portal = code == "FORBIDDEN"
                    && error["path"].as_array().and_then(|p| p.last()) == Some(&json!("pendingRatifications"));
                if !read.allowed_codes.contains(&code) && !board_portal {
                    out.problems.push(format!("unexpected error {code}: {}", error["message"]));
                }
            }
            if !body["data"].is_null() {
                for (path, id, null) in &read.lookups {
                    let value = at(&body["data"], path);
                    if *null {
                        out.nulls_checked += 1;
                        if !value.is_null() {
                            out.problems.push(format!("{id:?} resolved to an object, not null"));
                        }
                    } else if !value.is_null() {
                        out.objects_seen += 1;
                        if value["id"] != json!(id) {
                            out.problems.push(format!("{id:?} resolved to an object with another id"));
                        }
                    }
                }
            }
            out.problems.extend(violations(world, actor, &text, &body));
            out.what =
                format!("{}\n  query: {}", read.what, read.query.split_whitespace().collect::<Vec<_>>().join(" "));
            out.response = text;
        }
    }
    out
}

both!(random_operations_never_leak_across_tenants_networks_or_organisations, |app| {
    use futures_util::StreamExt;

    let seed = env_number("EENDRACHT_ISOLATION_SEED", DEFAULT_SEED);
    let cases = env_number("EENDRACHT_ISOLATION_CASES", DEFAULT_CASES);
    let concurrency = env_number("EENDRACHT_ISOLATION_CONCURRENCY", DEFAULT_CONCURRENCY).max(1) as usize;
    let started = Instant::now();
    let world = build(&app).await;
    let built = started.elapsed();
    eprintln!(
        "isolation_random [{:?}]: seed {seed}, {cases} cases, {concurrency} at a time \
         (EENDRACHT_ISOLATION_SEED / _CASES / _CONCURRENCY); {} actors; {} tenant-B global ids of {} kinds ({} UUIDs with event ids); \
         {} network-2 UUIDs hidden from network 1, {} network-1 UUIDs hidden from network 2; fixtures built in {built:.1?}",
        app.backend,
        world.actors.len(),
        world.b_gids.len(),
        world.b_by_type.len(),
        world.b_uuids.len(),
        world.hidden_from_n1.len(),
        world.hidden_from_n2.len(),
    );
    assert!(world.b_by_type.len() >= 14, "tenant B has ids of every kind: {:?}", world.b_by_type.keys());
    assert!(!world.rec.sparse_rounds.is_empty() && !world.rec.open_rounds.is_empty());

    // The checks catch what they look for, in every disguise.
    let probe = world.actors.iter().find(|a| a.class == Class::Net1 && a.facilitates.is_none()).expect("an actor");
    let b = world.b_uuids[0];
    let n2_uuid = *world.hidden_from_n1.iter().min().expect("network 2 ids");
    let other_input = world.rec.inputs.iter().find(|(org, _)| !probe.orgs.contains(*org)).expect("inputs").1[0].clone();
    let other_comment =
        world.rec.comments.iter().find(|(author, _)| **author != probe.person).expect("comments").1[0].clone();
    for planted in [
        json!(world.b_gids[0]),
        json!(b.to_string().to_uppercase()),
        json!(format!("urn:{}", b.simple())),
        json!(cursor_of(&b)),
        json!(gid("Person", &b.to_string().to_uppercase())),
        json!(n2_uuid.to_string()),
        json!("GLOBEX Zorg"),
        json!("Zeeland Wonen"),
        json!(other_input),
        json!(other_comment),
    ] {
        let body = json!({ "data": { "planted": planted } });
        assert!(!violations(&world, probe, &body.to_string(), &body).is_empty(), "the checks miss {planted}");
    }

    // Plan every case from the seed first, then run them a few at a time:
    // nothing is written (every mutation fails), so order does not matter.
    let mut rng = StdRng::seed_from_u64(seed);
    let templates = mutations();
    let ctx = Ctx {
        today: day(&app, 0),
        due: day(&app, 30),
        closes_at: (app.clock_now() + Duration::days(7)).to_rfc3339(),
        n1: world.n1.clone(),
    };
    let planned: Vec<(u64, usize, Plan)> = (0..cases)
        .map(|case| {
            let actor = rng.random_range(0..world.actors.len());
            (case, actor, plan(&mut rng, &world, &templates, &ctx, &world.actors[actor]))
        })
        .collect();
    let ran = Instant::now();
    let mut outcomes: Vec<(u64, usize, Outcome)> = futures_util::stream::iter(planned)
        .map(|(case, actor, plan)| {
            let (app, world) = (&app, &world);
            async move { (case, actor, run_case(app, world, &world.actors[actor], plan).await) }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let ran = ran.elapsed();
    outcomes.sort_by_key(|(case, _, _)| *case);

    let mut codes: HashMap<&str, u64> = HashMap::new();
    let (mut reads, mut mutations_run, mut nulls, mut objects, mut bytes) = (0u64, 0u64, 0u64, 0u64, 0usize);
    let mut failures: Vec<String> = Vec::new();
    let mut failure_count = 0usize;
    for (case, actor, outcome) in &outcomes {
        if outcome.what.contains("\n  query:") {
            reads += 1;
        } else {
            mutations_run += 1;
        }
        outcome.codes.iter().for_each(|c| *codes.entry(c.as_str()).or_default() += 1);
        nulls += outcome.nulls_checked;
        objects += outcome.objects_seen;
        bytes += outcome.response.len();
        if outcome.problems.is_empty() {
            continue;
        }
        failure_count += 1;
        if failures.len() < MAX_REPORTED_FAILURES {
            failures.push(format!(
                "case {case} (seed {seed}), actor {}: {}\n  problems: {}\n  response: {}",
                world.actors[*actor].label,
                outcome.what,
                outcome.problems.join("; "),
                truncate(&outcome.response)
            ));
        }
    }

    // Nothing of either tenant changed.
    let (b_networks, b_orgs, b_all) = everything(&app, &world.b_admin).await;
    let mut b_after = dump(&app, &world.b_admin, &b_networks, &b_orgs).await;
    b_after.push(b_all);
    let (a_networks, a_orgs, a_all) = everything(&app, &world.a_admin).await;
    let mut a_after = dump(&app, &world.a_admin, &a_networks, &a_orgs).await;
    a_after.push(a_all);
    for (tenant, before, after) in [("B", &world.b_dump_before, &b_after), ("A", &world.a_dump_before, &a_after)] {
        if before != after {
            failure_count += 1;
            failures.push(format!("tenant {tenant}'s data changed during the run"));
        }
    }

    let mut codes: Vec<_> = codes.into_iter().collect();
    codes.sort();
    eprintln!(
        "isolation_random [{:?}]: {cases} cases ({reads} reads, {mutations_run} mutations, each also sent with never-existing ids) \
         in {ran:.1?}, total {:.1?}; {nulls} lookups checked null, {objects} visible objects returned by id, \
         {:.1} MB of responses checked; error codes {codes:?}; {failure_count} failing",
        app.backend,
        started.elapsed(),
        bytes as f64 / 1e6,
    );
    assert!(objects > 0 && nulls > 0, "the run looked things up");
    assert!(
        failures.is_empty(),
        "{failure_count} isolation failure(s) (seed {seed}, {cases} cases; {} shown):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
});
