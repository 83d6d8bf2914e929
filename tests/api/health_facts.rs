//! `Network.health` read without `asOf` (from the per-network facts each
//! mutation keeps in its own transaction) equals the same health recounted
//! from history with `asOf` set to exactly now, after every one of a random
//! sequence of mutations: whatever the order of proposals, agreements,
//! consultations, outcomes by every kind of right, conditions, reopenings,
//! deliveries, drops, re-plans, goal changes, partners leaving and rejoining,
//! charters, meetings and alignment rounds, and however far the clock moves
//! between them (due dates pass, windows slide). Compared as the facilitator
//! (the whole network) and as a partner's DIRECTOR (their organisation's
//! view), field by field: the query selects every field of `NetworkHealth`,
//! recursively, and the test checks that against the schema's introspection,
//! so a field added to health later is compared too or the test says so.
//! On PostgreSQL four writers then mutate the same network at once before
//! the same comparison: facts kept under concurrent transactions must still
//! add up.
//!
//! Replay one seed: `EENDRACHT_HEALTH_FACTS_SEED=<seed>` (and
//! `EENDRACHT_HEALTH_FACTS_STEPS=<n>`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::both;
use crate::helpers::{Backend, Member, TestApp, net_world};

const SEEDS: [u64; 3] = [20_260_302, 7, 1_234_567];
const STEPS: u64 = 40;
const QUESTIONS: [&str; 6] = ["GOAL_CLARITY", "GOAL_SHARED", "WAY_OF_WORKING", "BACKING", "FOCUS", "RESULTS"];
/// The concurrent phase (PostgreSQL): writers, and operations each.
const WRITERS: u64 = 4;
const WRITER_STEPS: u64 = 30;

/// Every field of `NetworkHealth`, recursively; an object with an id (a
/// ratification, a commitment…) is compared by its id, which is all the
/// facts hold of it: the rest is read from its own row.
/// [`unselected`] holds this to the schema.
const HEALTH: &str = "query($n: ID!, $asOf: DateTime) { network(id: $n) { health(asOf: $asOf) {
    asOf view
    expectations { alignmentIndex previousAlignmentIndex alignmentTrend latestRound { id }
      lowestScoringQuestion { key value } mostDivergentQuestion { key value }
      charterVersion partnersNotAcknowledged { id } partnersNotAcknowledgedCount
      representativesNotAcknowledged { id } representativesNotAcknowledgedCount
      newPartnersSinceLastRound { id } newRepresentativesSinceLastRound { id }
      daysSinceLastRound daysSinceLastMeeting }
    backing { openRatifications medianDaysWaiting oldestDaysWaiting oldestWaiting { id } overdue { id } overdueCount
      agreedWithoutConsultation { id } agreedWithoutConsultationCount adviceOverridden { id } adviceOverriddenCount
      decidedOnStaleDossier { id } decidedOnStaleDossierCount
      recentRejections { id } recentRejectionsCount openConditionsCount
      partners { organisation { id } involved answered approved rejected rejectedLast180Days overdue openConditions
        followingThrough } }
    focus { openCommitments byScope { scope count share } quickWinsDeliveredLast90Days daysSinceLastQuickWin
      withoutGoal { id } withoutGoalCount goalsWithoutRecentResult { id } goalsWithoutRecentResultCount
      needsReplanning { id } needsReplanningCount }
    signals { kind severity message subjectIds } } } }";

/// What the random operations choose from, read as the facilitator before
/// each one. Within the cost limit: 60 commitments of 8 objects each.
const STATE: &str = "query($n: ID!) { network(id: $n) {
    charter { version }
    partners(status: [INVITED, ACTIVE, LEFT], first: 50) { nodes { id status organisation { id } representatives { person { id } } } }
    goals(first: 50) { nodes { id } }
    alignmentRounds(first: 1) { nodes { id status closesAt } }
    commitments(first: 60) { nodes { id version status scope kind needsReplanning deliveredAt goal { id }
      parties { organisation { id } agreed }
      ratifications { id version status outcome right dueOn decidedOn organisation { id } body { kind }
        conditions { id text status } } } } } }";

/// Refusals a random operation may meet (an outcome before the advice is in,
/// a version someone else just changed, a round the person was not invited
/// to); anything else, INTERNAL above all, fails the test.
const REFUSALS: [&str; 5] = ["BAD_USER_INPUT", "CONFLICT", "FORBIDDEN", "NOT_FOUND", "THROTTLED"];

/// The figures a run must have seen non-zero (or non-empty) at least once
/// across its seeds: otherwise the comparison compared zeros.
const MUST_EXERCISE: [&str; 23] = [
    "expectations.alignmentIndex",
    "expectations.previousAlignmentIndex",
    "expectations.lowestScoringQuestion.value",
    "expectations.partnersNotAcknowledgedCount",
    "expectations.representativesNotAcknowledgedCount",
    "expectations.newRepresentativesSinceLastRound",
    "expectations.daysSinceLastRound",
    "expectations.daysSinceLastMeeting",
    "backing.openRatifications",
    "backing.medianDaysWaiting",
    "backing.overdueCount",
    "backing.agreedWithoutConsultationCount",
    "backing.adviceOverriddenCount",
    "backing.decidedOnStaleDossierCount",
    "backing.recentRejectionsCount",
    "backing.openConditionsCount",
    "backing.partners[].rejectedLast180Days",
    "backing.partners[].followingThrough=false",
    "focus.openCommitments",
    "focus.quickWinsDeliveredLast90Days",
    "focus.withoutGoalCount",
    "focus.goalsWithoutRecentResultCount",
    "focus.needsReplanningCount",
];

// ---------------------------------------------------------------------------
// The network
// ---------------------------------------------------------------------------

struct Partner {
    org: String,
    director: Member,
    /// The second representative a director may seat beside themself.
    deputy: Member,
    /// Everyone with a position: they are invited to alignment rounds.
    people: Vec<Member>,
    /// Who sits on which body, by the body's kind.
    seats: Vec<(&'static str, Member)>,
    bodies: Vec<String>,
}

struct World {
    facilitator: Member,
    network: String,
    partners: Vec<Partner>,
}

impl World {
    fn index_of(&self, organisation: &Value) -> Option<usize> {
        self.partners.iter().position(|p| organisation["id"] == json!(p.org))
    }
}

/// Makes an organisation's bodies exactly `specs` (kind, right, response
/// days, the one member), keeping the ids of the kinds it already has;
/// returns the bodies' ids by kind.
async fn govern(
    app: &TestApp,
    admin: &str,
    organisation: &str,
    specs: &[(&str, &str, i64, &Member)],
) -> HashMap<String, String> {
    let existing = app
        .ok(
            admin,
            "query($o: ID!) { node(id: $o) { ... on Organisation { governingBodies { id name kind } } } }",
            json!({ "o": organisation }),
        )
        .await["node"]["governingBodies"]
        .clone();
    let bodies: Vec<Value> = specs
        .iter()
        .map(|(kind, right, days, member)| {
            let old = existing.as_array().expect("bodies").iter().find(|b| b["kind"] == json!(kind));
            json!({ "id": old.map(|b| b["id"].clone()), "name": old.map_or(json!(kind), |b| b["name"].clone()),
                "kind": kind, "right": right, "responseDays": days, "memberIds": [member.id] })
        })
        .collect();
    let set = app
        .ok(
            admin,
            "mutation($o: ID!, $b: [GoverningBodyInput!]!) { setGoverningBodies(input: { organisationId: $o, bodies: $b }) {
                organisation { governingBodies { id kind } } } }",
            json!({ "o": organisation, "b": bodies }),
        )
        .await;
    set["setGoverningBodies"]["organisation"]["governingBodies"]
        .as_array()
        .expect("bodies")
        .iter()
        .map(|b| (b["kind"].as_str().expect("kind").to_owned(), b["id"].as_str().expect("id").to_owned()))
        .collect()
}

async fn mandate(app: &TestApp, director: &Member, organisation: &str, rules: Value) {
    app.ok(
        &director.token,
        "mutation($o: ID!, $r: [MandateRuleInput!]!) { setMandate(input: { organisationId: $o, rules: $r }) { organisation { id } } }",
        json!({ "o": organisation, "r": rules }),
    )
    .await;
}

/// Five partners whose bodies between them hold every right: a housing
/// corporation on the default mandate (its supervisory board from €100,000,
/// two advisory councils), a municipality whose council gives wishes and
/// concerns on everything, a care provider with a mandate of its own (its
/// supervisory board on anything from €50,000, advice on quick wins too), a
/// company whose works council must consent to everything, and a welfare
/// organisation with a works council that answers within a week. Each has a
/// DIRECTOR (its representative) on its executive board, staff and a deputy;
/// the network has two goals, one under the other.
async fn build(app: &TestApp, tenant: &str) -> World {
    let w = net_world(app, tenant).await;
    let admin = &w.admin;
    let company = w.outsider_org.clone();
    let welfare =
        app.create_organisation(admin, "Welzijn Oost", "WELFARE").await["id"].as_str().expect("id").to_owned();
    let welfare_director = app.member(admin, tenant, &format!("{tenant}-dir4"), &welfare, "DIRECTOR").await;
    for (org, director) in [(&company, &w.outsider), (&welfare, &welfare_director)] {
        let partnership = app.invite(&w.facilitator.token, &w.network, org).await;
        app.accept(&director.token, &partnership).await;
        app.set_representatives(&director.token, &partnership, &[&director.id]).await.data();
    }
    let staff = |i: usize, org: String| {
        let (app, admin) = (app, admin.clone());
        async move {
            [
                app.member(&admin, tenant, &format!("{tenant}-staff{i}a"), &org, "STAFF").await,
                app.member(&admin, tenant, &format!("{tenant}-staff{i}b"), &org, "STAFF").await,
            ]
        }
    };
    let staff = [
        w.staff[0].clone(),
        w.staff[1].clone(),
        w.staff[2].clone(),
        staff(3, company.clone()).await,
        staff(4, welfare.clone()).await,
    ];
    let orgs = [w.orgs[0].clone(), w.orgs[1].clone(), w.orgs[2].clone(), company, welfare];
    let directors =
        [w.directors[0].clone(), w.directors[1].clone(), w.directors[2].clone(), w.outsider.clone(), welfare_director];
    let role = |i: usize, name: &'static str, role: &'static str| {
        let (app, admin, org) = (app, admin.clone(), orgs[i].clone());
        async move { app.member(&admin, tenant, &format!("{tenant}-{name}{i}"), &org, role).await }
    };
    let supervisors = [role(0, "rvc", "SUPERVISOR").await, role(2, "rvt", "SUPERVISOR").await];
    let welfare_supervisor = role(4, "rvt", "SUPERVISOR").await;
    let clients = [role(0, "client", "STAFF").await, role(2, "client", "STAFF").await];

    // Each organisation's bodies: kind, right, response days, who sits on it.
    let specs: [Vec<(&'static str, &str, i64, &Member)>; 5] = [
        vec![
            ("EXECUTIVE_BOARD", "DECIDES", 0, &directors[0]),
            ("SUPERVISORY_BOARD", "APPROVES", 0, &supervisors[0]),
            ("WORKS_COUNCIL", "ADVISES", 14, &staff[0][0]),
            ("CLIENT_COUNCIL", "ADVISES", 42, &clients[0]),
        ],
        vec![
            ("EXECUTIVE_BOARD", "DECIDES", 0, &directors[1]),
            ("MUNICIPAL_COUNCIL", "WISHES_AND_CONCERNS", 21, &staff[1][0]),
        ],
        vec![
            ("EXECUTIVE_BOARD", "DECIDES", 0, &directors[2]),
            ("SUPERVISORY_BOARD", "APPROVES", 0, &supervisors[1]),
            ("WORKS_COUNCIL", "ADVISES", 28, &staff[2][0]),
            ("CLIENT_COUNCIL", "ADVISES", 7, &clients[1]),
        ],
        vec![("EXECUTIVE_BOARD", "DECIDES", 0, &directors[3]), ("WORKS_COUNCIL", "CONSENTS", 0, &staff[3][0])],
        vec![
            ("EXECUTIVE_BOARD", "DECIDES", 0, &directors[4]),
            ("SUPERVISORY_BOARD", "APPROVES", 0, &welfare_supervisor),
            ("WORKS_COUNCIL", "ADVISES", 7, &staff[4][0]),
        ],
    ];
    let mut bodies = Vec::new();
    for (org, spec) in orgs.iter().zip(&specs) {
        bodies.push(govern(app, admin, org, spec).await);
    }
    mandate(app, &directors[1], &orgs[1], json!([{ "bodyId": bodies[1]["MUNICIPAL_COUNCIL"], "appliesTo": "ANY" }]))
        .await;
    mandate(
        app,
        &directors[2],
        &orgs[2],
        json!([
            { "bodyId": bodies[2]["WORKS_COUNCIL"], "appliesTo": "INITIATIVE" },
            { "bodyId": bodies[2]["SUPERVISORY_BOARD"], "appliesTo": "ANY", "minContributionEuros": 50_000 },
            { "bodyId": bodies[2]["CLIENT_COUNCIL"], "appliesTo": "QUICK_WIN" },
        ]),
    )
    .await;
    mandate(app, &directors[3], &orgs[3], json!([{ "bodyId": bodies[3]["WORKS_COUNCIL"], "appliesTo": "ANY" }])).await;

    let goal = |title: &'static str, horizon: &'static str, parent: Value| {
        let (app, facilitator, network) = (app, w.facilitator.token.clone(), w.network.clone());
        async move {
            app.ok(
                &facilitator,
                "mutation($input: CreateGoalInput!) { createGoal(input: $input) { goal { id } } }",
                json!({ "input": { "networkId": network, "title": title, "horizon": horizon, "parentId": parent } }),
            )
            .await["createGoal"]["goal"]["id"]
                .clone()
        }
    };
    let housing_goal = goal("Betaalbaar wonen", "LONG_TERM", Value::Null).await;
    goal("Zorg dichtbij huis", "MID_TERM", housing_goal).await;

    // A round closed before the run, so the next one that closes has a trend.
    let closes_at = (app.clock_now() + Duration::days(7)).to_rfc3339();
    let round = app
        .ok(
            &w.facilitator.token,
            "mutation($n: ID!, $c: DateTime!) { openAlignmentRound(input: { networkId: $n, closesAt: $c }) { alignmentRound { id } } }",
            json!({ "n": w.network, "c": closes_at }),
        )
        .await["openAlignmentRound"]["alignmentRound"]["id"]
        .clone();
    for (i, member) in [&directors[0], &staff[0][0], &directors[1], &directors[2], &directors[4]].iter().enumerate() {
        let answers: Vec<Value> =
            QUESTIONS.iter().map(|key| json!({ "questionKey": key, "score": 2 + i % 3 })).collect();
        app.ok(
            &member.token,
            "mutation($r: ID!, $a: [AlignmentAnswerInput!]!) { submitAlignmentResponse(input: { roundId: $r, answers: $a }) { alignmentRound { id } } }",
            json!({ "r": round, "a": answers }),
        )
        .await;
    }
    app.ok(
        &w.facilitator.token,
        "mutation($r: ID!) { closeAlignmentRound(input: { roundId: $r }) { alignmentRound { id } } }",
        json!({ "r": round }),
    )
    .await;

    let partners = (0..5)
        .map(|i| {
            let seats: Vec<(&'static str, Member)> =
                specs[i].iter().map(|(kind, _, _, m)| (*kind, (*m).clone())).collect();
            let mut people = vec![directors[i].clone(), staff[i][0].clone(), staff[i][1].clone()];
            for (_, member) in &seats {
                if people.iter().all(|p| p.id != member.id) {
                    people.push(member.clone());
                }
            }
            // By kind, not by id, so a seed replays.
            let mut by_kind: Vec<(&String, &String)> = bodies[i].iter().collect();
            by_kind.sort();
            Partner {
                org: orgs[i].clone(),
                director: directors[i].clone(),
                deputy: staff[i][1].clone(),
                people,
                seats,
                bodies: by_kind.into_iter().map(|(_, id)| id.clone()).collect(),
            }
        })
        .collect();
    World { facilitator: w.facilitator, network: w.network, partners }
}

// ---------------------------------------------------------------------------
// Talking to the server
// ---------------------------------------------------------------------------

/// A client of the server under test: the app's own, or one per writer.
#[derive(Clone)]
struct Api {
    address: String,
    client: reqwest::Client,
}

impl Api {
    fn of(app: &TestApp) -> Self {
        Self { address: app.address.clone(), client: app.client.clone() }
    }

    /// The response body, errors included (a THROTTLED answer is not HTTP 200).
    async fn send(&self, token: &str, query: &str, variables: Value) -> Value {
        self.client
            .post(format!("{}/graphql", self.address))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("the server answers")
            .json()
            .await
            .expect("a JSON body")
    }

    async fn data(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = self.send(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }
}

fn code(body: &Value) -> Option<&str> {
    body.get("errors").map(|errors| errors[0]["extensions"]["code"].as_str().unwrap_or("(no code)"))
}

/// One mutation, by one person. Every mutation takes a single `input`
/// named after it, so one shape serves them all.
struct Call {
    token: String,
    query: String,
    variables: Value,
}

fn call(member: &Member, field: &str, input: Value) -> Call {
    let mut type_name = field.to_owned();
    type_name[..1].make_ascii_uppercase();
    Call {
        token: member.token.clone(),
        query: format!("mutation($input: {type_name}Input!) {{ {field}(input: $input) {{ __typename }} }}"),
        variables: json!({ "input": input }),
    }
}

/// A random operation: its kind, what it does in words, its mutations.
struct Planned {
    op: &'static str,
    what: String,
    calls: Vec<Call>,
}

#[derive(Default)]
struct Tally {
    attempted: u64,
    succeeded: u64,
    compared: u64,
    refused: BTreeMap<String, u64>,
    /// Per kind of operation: mutations attempted and succeeded.
    by_op: BTreeMap<&'static str, (u64, u64)>,
    /// How often each figure of health was seen non-zero ([`exercised`]).
    exercised: BTreeMap<String, u64>,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.attempted += other.attempted;
        self.succeeded += other.succeeded;
        self.compared += other.compared;
        other.refused.iter().for_each(|(code, n)| *self.refused.entry(code.clone()).or_default() += n);
        for (op, (attempted, succeeded)) in &other.by_op {
            let entry = self.by_op.entry(*op).or_default();
            entry.0 += attempted;
            entry.1 += succeeded;
        }
        other.exercised.iter().for_each(|(path, n)| *self.exercised.entry(path.clone()).or_default() += n);
    }
}

/// In a planned input, `{ DOSSIER_OF: [commitment, organisation] }` stands for
/// the content hash of that party's dossier, read by the caller just before
/// the call.
const DOSSIER_OF: &str = "$dossierOf";

async fn execute(api: &Api, planned: &Planned, tally: &mut Tally) {
    for call in &planned.calls {
        let mut variables = call.variables.clone();
        if let Some(hash) = variables.pointer_mut("/input/dossierHash")
            && let Some(of) = hash.get(DOSSIER_OF).cloned()
        {
            let read = api
                .send(
                    &call.token,
                    "query($c: ID!, $o: ID!) { node(id: $c) { ... on Commitment { dossier(organisationId: $o) { contentHash } } } }",
                    json!({ "c": of[0], "o": of[1] }),
                )
                .await;
            *hash = read["data"]["node"]["dossier"]["contentHash"].clone();
        }
        let body = api.send(&call.token, &call.query, variables).await;
        tally.attempted += 1;
        let entry = tally.by_op.entry(planned.op).or_default();
        entry.0 += 1;
        match code(&body) {
            None => {
                tally.succeeded += 1;
                entry.1 += 1;
            }
            Some(code) => {
                assert!(REFUSALS.contains(&code), "{}: an error that is not a refusal: {body:#}", planned.what);
                *tally.refused.entry(code.to_owned()).or_default() += 1;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The state operations choose from
// ---------------------------------------------------------------------------

struct Partnership {
    id: String,
    status: String,
    representatives: Vec<String>,
}

struct Condition {
    id: String,
    text: String,
    open: bool,
}

struct Ratification {
    id: String,
    version: i64,
    status: String,
    outcome: Option<String>,
    right: String,
    partner: usize,
    body: String,
    conditions: Vec<Condition>,
}

struct Commitment {
    id: String,
    version: i64,
    status: String,
    needs_replanning: bool,
    /// Partner indexes, and whether each agreed.
    parties: Vec<(usize, bool)>,
    ratifications: Vec<Ratification>,
}

impl Commitment {
    fn open(&self) -> bool {
        !matches!(self.status.as_str(), "DELIVERED" | "DROPPED")
    }
}

struct State {
    charter: Option<i64>,
    /// Each partner's latest partnership, by partner index.
    partnerships: Vec<Option<Partnership>>,
    goals: Vec<String>,
    /// The latest round if it is OPEN, and when it closes.
    open_round: Option<(String, DateTime<Utc>)>,
    commitments: Vec<Commitment>,
    /// Moments at which a figure turns: the last second before and the
    /// first second after a ratification is overdue, a rejection leaves the
    /// 180-day window, a quick win the 90-day window, a round closes.
    boundaries: Vec<DateTime<Utc>>,
}

impl State {
    fn active(&self) -> Vec<usize> {
        (0..self.partnerships.len())
            .filter(|i| self.partnerships[*i].as_ref().is_some_and(|p| p.status == "ACTIVE"))
            .collect()
    }

    /// The round that still takes answers at `now`.
    fn running_round(&self, now: DateTime<Utc>) -> Option<&String> {
        self.open_round.as_ref().filter(|(_, closes_at)| *closes_at > now).map(|(id, _)| id)
    }
}

/// The first second of a day, and the last second of the day before.
fn around_midnight(day: NaiveDate) -> [DateTime<Utc>; 2] {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    [midnight - Duration::seconds(1), midnight]
}

fn date(value: &Value) -> Option<NaiveDate> {
    value.as_str().map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("a date"))
}

fn moment(value: &Value) -> Option<DateTime<Utc>> {
    value.as_str().map(|m| DateTime::parse_from_rfc3339(m).expect("a moment").with_timezone(&Utc))
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_else(|| panic!("a string, got {value}")).to_owned()
}

/// The network as its facilitator reads it; `None` when the server was too
/// busy to answer (the concurrent phase).
async fn state(api: &Api, w: &World) -> Option<State> {
    let body = api.send(&w.facilitator.token, STATE, json!({ "n": w.network })).await;
    if code(&body) == Some("THROTTLED") {
        return None;
    }
    assert!(body.get("errors").is_none(), "reading the state: {body:#}");
    let network = &body["data"]["network"];
    let nodes = |value: &Value| value["nodes"].as_array().expect("nodes").clone();
    let mut partnerships: Vec<Option<Partnership>> = (0..w.partners.len()).map(|_| None).collect();
    // Oldest first: a partner that left and rejoined ends with its latest.
    for p in nodes(&network["partners"]) {
        let index = w.index_of(&p["organisation"]).expect("a partner of the world");
        partnerships[index] = Some(Partnership {
            id: text(&p["id"]),
            status: text(&p["status"]),
            representatives: p["representatives"]
                .as_array()
                .expect("representatives")
                .iter()
                .filter_map(|r| r["person"]["id"].as_str().map(str::to_owned))
                .collect(),
        });
    }
    let open_round = nodes(&network["alignmentRounds"])
        .first()
        .filter(|round| round["status"] == "OPEN")
        .map(|round| (text(&round["id"]), moment(&round["closesAt"]).expect("closesAt")));
    let mut boundaries: Vec<DateTime<Utc>> = open_round.iter().map(|(_, closes_at)| *closes_at).collect();
    boundaries.extend(open_round.iter().map(|(_, closes_at)| *closes_at - Duration::seconds(1)));
    for c in nodes(&network["commitments"]) {
        if c["kind"] == "QUICK_WIN"
            && let Some(delivered) = moment(&c["deliveredAt"])
        {
            let leaves = delivered + Duration::days(90);
            boundaries.extend([leaves - Duration::seconds(1), leaves, leaves + Duration::seconds(1)]);
        }
        for r in c["ratifications"].as_array().expect("ratifications") {
            if r["status"] == "AWAITING"
                && let Some(due) = date(&r["dueOn"])
            {
                boundaries.extend(around_midnight(due + Duration::days(1)));
            }
            if r["outcome"] == "REJECTED"
                && let Some(decided) = date(&r["decidedOn"])
            {
                boundaries.extend(around_midnight(decided + Duration::days(180)));
            }
        }
    }
    boundaries.sort();
    boundaries.dedup();
    let commitments = nodes(&network["commitments"])
        .iter()
        .map(|c| {
            let mut ratifications: Vec<Ratification> = c["ratifications"]
                .as_array()
                .expect("ratifications")
                .iter()
                .map(|r| {
                    let mut conditions: Vec<Condition> = r["conditions"]
                        .as_array()
                        .expect("conditions")
                        .iter()
                        .map(|k| Condition { id: text(&k["id"]), text: text(&k["text"]), open: k["status"] == "OPEN" })
                        .collect();
                    conditions.sort_by(|a, b| a.text.cmp(&b.text));
                    Ratification {
                        id: text(&r["id"]),
                        version: r["version"].as_i64().expect("version"),
                        status: text(&r["status"]),
                        outcome: r["outcome"].as_str().map(str::to_owned),
                        right: text(&r["right"]),
                        partner: w.index_of(&r["organisation"]).expect("a partner of the world"),
                        body: text(&r["body"]["kind"]),
                        conditions,
                    }
                })
                .collect();
            // Rows made in one statement share a millisecond and so no order
            // of their ids: sort by what they are, so a seed replays.
            ratifications.sort_by(|a, b| (a.partner, &a.body).cmp(&(b.partner, &b.body)));
            let mut parties: Vec<(usize, bool)> = c["parties"]
                .as_array()
                .expect("parties")
                .iter()
                .map(|p| (w.index_of(&p["organisation"]).expect("a partner"), p["agreed"] == true))
                .collect();
            parties.sort();
            Commitment {
                id: text(&c["id"]),
                version: c["version"].as_i64().expect("version"),
                status: text(&c["status"]),
                needs_replanning: c["needsReplanning"] == true,
                parties,
                ratifications,
            }
        })
        .collect();
    Some(State {
        charter: network["charter"]["version"].as_i64(),
        partnerships,
        goals: nodes(&network["goals"]).iter().map(|g| text(&g["id"])).collect(),
        open_round,
        commitments,
        boundaries,
    })
}

// ---------------------------------------------------------------------------
// Random operations
// ---------------------------------------------------------------------------

/// Kinds of operation and how often each is drawn. One that does not apply
/// to the state (nothing to agree, no open round) is drawn again.
const OPS: [(&str, u32); 23] = [
    ("propose", 12),
    ("consult", 6),
    ("agree", 12),
    ("record outcome", 30),
    ("reopen", 4),
    ("meet condition", 5),
    ("start", 3),
    ("deliver", 7),
    ("drop", 3),
    ("replan", 5),
    ("change goal", 4),
    ("leave", 2),
    ("invite again", 3),
    ("accept", 4),
    ("representatives", 2),
    ("acknowledge", 4),
    ("adopt charter", 1),
    ("meeting", 2),
    ("open round", 3),
    ("answer round", 8),
    ("close round", 2),
    ("create goal", 1),
    ("settings", 1),
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn day(now: DateTime<Utc>, days: i64) -> String {
    (now.date_naive() + Duration::days(days)).format("%Y-%m-%d").to_string()
}

/// Parties for a scope among the active partners; `None` when the scope
/// cannot be met (a coalition needs three active partners).
fn parties_for(rng: &mut StdRng, scope: &str, active: &[usize]) -> Option<Vec<usize>> {
    let mut shuffled = active.to_vec();
    shuffled.shuffle(rng);
    match scope {
        "ORGANISATION" => shuffled.truncate(1),
        "COALITION" if active.len() >= 3 => shuffled.truncate(rng.random_range(2..active.len())),
        "COALITION" => return None,
        _ => {}
    }
    (!shuffled.is_empty()).then_some(shuffled)
}

fn random_scope(rng: &mut StdRng) -> &'static str {
    match rng.random_range(0..10) {
        0..4 => "ORGANISATION",
        4..7 => "COALITION",
        _ => "NETWORK",
    }
}

fn party_inputs(rng: &mut StdRng, w: &World, parties: &[usize]) -> Vec<Value> {
    // Around the thresholds of the mandates: €50,000 and €100,000.
    const EUROS: [i64; 5] = [0, 2_000, 40_000, 60_000, 150_000];
    parties
        .iter()
        .map(|i| json!({ "organisationId": w.partners[*i].org, "contributionEuros": *pick(rng, &EUROS) }))
        .collect()
}

/// Outcomes by right, drawn evenly: a blocking body rejects one time in
/// three, an advisory body advises against half the time.
const DECISIONS: [&str; 3] = ["APPROVED", "APPROVED_WITH_CONDITIONS", "REJECTED"];
const ADVICE: [&str; 4] = ["POSITIVE", "NEGATIVE", "NEGATIVE", "WITH_CONDITIONS"];

fn outcome_for(rng: &mut StdRng, right: &str) -> &'static str {
    match right {
        "DECIDES" | "APPROVES" | "CONSENTS" => DECISIONS[rng.random_range(0..DECISIONS.len())],
        "ADVISES" => ADVICE[rng.random_range(0..ADVICE.len())],
        _ => "RESPONDED",
    }
}

fn advisory(right: &str) -> bool {
    matches!(right, "ADVISES" | "WISHES_AND_CONCERNS")
}

fn plan(rng: &mut StdRng, w: &World, s: &State, now: DateTime<Utc>, ops: &[(&'static str, u32)]) -> Planned {
    let total: u32 = ops.iter().map(|(_, weight)| weight).sum();
    for _ in 0..200 {
        let mut roll = rng.random_range(0..total);
        let op = ops
            .iter()
            .find(|(_, weight)| {
                if roll < *weight {
                    return true;
                }
                roll -= weight;
                false
            })
            .expect("a kind of operation")
            .0;
        if let Some(planned) = plan_op(op, rng, w, s, now) {
            return planned;
        }
    }
    plan_op("create goal", rng, w, s, now).expect("a goal can always be created")
}

fn plan_op(op: &'static str, rng: &mut StdRng, w: &World, s: &State, now: DateTime<Utc>) -> Option<Planned> {
    let fac = &w.facilitator;
    let running_round = s.running_round(now);
    let active = s.active();
    let planned = |what: String, calls: Vec<Call>| Some(Planned { op, what, calls });
    let open: Vec<&Commitment> = s.commitments.iter().filter(|c| c.open()).collect();
    let described = |c: &Commitment| format!("commitment {} ({}, parties {:?})", c.id, c.status, c.parties);
    match op {
        "propose" => {
            let scope = random_scope(rng);
            let parties = parties_for(rng, scope, &active)?;
            let quick = rng.random_bool(0.35);
            let due = if quick { rng.random_range(1..=60) } else { rng.random_range(7..=240) };
            let goal =
                if rng.random_bool(0.6) && !s.goals.is_empty() { json!(pick(rng, &s.goals)) } else { Value::Null };
            let proposer = if rng.random_bool(0.7) { fac } else { &w.partners[parties[0]].director };
            let added: Vec<String> = if rng.random_bool(0.15) {
                let party = *pick(rng, &parties);
                vec![pick(rng, &w.partners[party].bodies).clone()]
            } else {
                vec![]
            };
            let kind = if quick { "QUICK_WIN" } else { "INITIATIVE" };
            let input = json!({ "networkId": w.network, "title": "Samen aan de slag", "scope": scope, "kind": kind,
                "parties": party_inputs(rng, w, &parties), "leadOrganisationId": w.partners[parties[0]].org,
                "goalId": goal, "dueOn": day(now, due), "additionalBodyIds": added });
            planned(
                format!("propose a {scope} {kind} with parties {parties:?}, goal {goal}, {} added bodies", added.len()),
                vec![call(proposer, "proposeCommitment", input)],
            )
        }
        "consult" => {
            let candidates: Vec<(&Commitment, usize)> = s
                .commitments
                .iter()
                .filter(|c| c.status == "PROPOSED")
                .flat_map(|c| {
                    c.parties
                        .iter()
                        .filter(|(p, _)| c.ratifications.iter().any(|r| r.partner == *p && r.status == "NOT_STARTED"))
                        .map(move |(p, _)| (c, *p))
                })
                .collect();
            if candidates.is_empty() {
                return None;
            }
            let (c, p) = *pick(rng, &candidates);
            planned(
                format!("partner {p} starts consulting on {}", described(c)),
                vec![call(
                    &w.partners[p].director,
                    "startConsultation",
                    json!({ "commitmentId": c.id, "organisationId": w.partners[p].org }),
                )],
            )
        }
        "agree" => {
            let candidates: Vec<&Commitment> = s.commitments.iter().filter(|c| c.status == "PROPOSED").collect();
            if candidates.is_empty() {
                return None;
            }
            let c = *pick(rng, &candidates);
            let mut pending: Vec<usize> = c.parties.iter().filter(|(_, agreed)| !agreed).map(|(p, _)| *p).collect();
            if pending.is_empty() {
                return None;
            }
            // Mostly every remaining party at once, so commitments get agreed.
            if rng.random_bool(0.2) {
                pending = vec![*pick(rng, &pending)];
            }
            let calls = pending
                .iter()
                .map(|p| {
                    call(
                        &w.partners[*p].director,
                        "agreeCommitment",
                        json!({ "commitmentId": c.id, "organisationId": w.partners[*p].org }),
                    )
                })
                .collect();
            planned(format!("partners {pending:?} agree to {}", described(c)), calls)
        }
        "record outcome" => {
            // Advice first, mostly: a deciding body waits for its advisers
            // (or their response days), and says CONFLICT before.
            let mut candidates: Vec<(&Commitment, &Ratification)> = Vec::new();
            let lenient = rng.random_bool(0.2);
            for c in &s.commitments {
                for r in &c.ratifications {
                    let ready = r.outcome.is_none()
                        && (r.status == "AWAITING" || (r.status == "CONSULTING" && advisory(&r.right)));
                    let advice_in = advisory(&r.right)
                        || c.ratifications
                            .iter()
                            .filter(|a| a.partner == r.partner && advisory(&a.right))
                            .all(|a| a.outcome.is_some());
                    if ready && (advice_in || lenient) {
                        candidates.push((c, r));
                    }
                }
            }
            if candidates.is_empty() {
                return None;
            }
            let (c, r) = *pick(rng, &candidates);
            let member = &w.partners[r.partner].seats.iter().find(|(kind, _)| *kind == r.body)?.1;
            let outcome = outcome_for(rng, &r.right);
            let conditions: Vec<String> = if outcome.contains("WITH_CONDITIONS") {
                (1..=rng.random_range(1..=2)).map(|k| format!("Voorwaarde {k}")).collect()
            } else {
                vec![]
            };
            // Bodies often meet before the outcome is recorded: rejections
            // leave the 180-day window before their recording would.
            let decided = day(now, -rng.random_range(0..=20));
            // Bodies decide on the party's dossier as it stands when the call
            // runs: later changes to the commitment or the charter leave those
            // decisions stale. (No draw from `rng`: the seeds' runs stay as
            // they were.)
            let dossier = json!({ DOSSIER_OF: [c.id, w.partners[r.partner].org] });
            planned(
                format!("{} of partner {} answers {outcome} ({decided}) on {}", r.body, r.partner, described(c)),
                vec![call(
                    member,
                    "recordRatificationOutcome",
                    json!({ "ratificationId": r.id, "expectedVersion": r.version, "outcome": outcome,
                        "decidedOn": decided, "minutesReference": "Notulen", "reason": "Besproken in de vergadering",
                        "conditions": conditions, "dossierHash": dossier }),
                )],
            )
        }
        "reopen" => {
            let candidates: Vec<(&Commitment, &Ratification)> = s
                .commitments
                .iter()
                .flat_map(|c| c.ratifications.iter().filter(|r| r.outcome.is_some()).map(move |r| (c, r)))
                .collect();
            if candidates.is_empty() {
                return None;
            }
            let (c, r) = *pick(rng, &candidates);
            let member = &w.partners[r.partner].seats.iter().find(|(kind, _)| *kind == r.body)?.1;
            planned(
                format!("{} of partner {} reopens its {:?} on {}", r.body, r.partner, r.outcome, described(c)),
                vec![call(
                    member,
                    "reopenRatification",
                    json!({ "ratificationId": r.id, "expectedVersion": r.version }),
                )],
            )
        }
        "meet condition" => {
            let candidates: Vec<(&Ratification, &Condition)> = s
                .commitments
                .iter()
                .flat_map(|c| &c.ratifications)
                .flat_map(|r| r.conditions.iter().filter(|k| k.open).map(move |k| (r, k)))
                .collect();
            if candidates.is_empty() {
                return None;
            }
            let (r, k) = *pick(rng, &candidates);
            planned(
                format!("partner {} meets condition {} of its {}", r.partner, k.id, r.body),
                vec![call(&w.partners[r.partner].director, "markConditionMet", json!({ "conditionId": k.id }))],
            )
        }
        "start" | "deliver" => {
            let from: &[&str] = if op == "start" { &["AGREED"] } else { &["AGREED", "IN_PROGRESS"] };
            let candidates: Vec<&&Commitment> = open.iter().filter(|c| from.contains(&c.status.as_str())).collect();
            if candidates.is_empty() {
                return None;
            }
            let c = **pick(rng, &candidates);
            let party = &w.partners[pick(rng, &c.parties).0];
            let reporter = match rng.random_range(0..3) {
                0 => fac,
                1 => &party.director,
                _ => pick(rng, &party.people),
            };
            let status = if op == "start" { "IN_PROGRESS" } else { "DELIVERED" };
            planned(
                format!("{status} for {}", described(c)),
                vec![call(
                    reporter,
                    "addProgressUpdate",
                    json!({ "commitmentId": c.id, "note": "Voortgang", "percent": rng.random_range(0..=100), "status": status }),
                )],
            )
        }
        "drop" => {
            if open.is_empty() {
                return None;
            }
            let c = *pick(rng, &open);
            planned(
                format!("drop {}", described(c)),
                vec![call(
                    fac,
                    "dropCommitment",
                    json!({ "id": c.id, "expectedVersion": c.version, "reason": "Geen draagvlak" }),
                )],
            )
        }
        "replan" => {
            let flagged: Vec<&&Commitment> = open.iter().filter(|c| c.needs_replanning).collect();
            let c = if !flagged.is_empty() && rng.random_bool(0.8) {
                **pick(rng, &flagged)
            } else if !open.is_empty() {
                *pick(rng, &open)
            } else {
                return None;
            };
            let scope = random_scope(rng);
            let parties = parties_for(rng, scope, &active)?;
            planned(
                format!("replan {} as {scope} with parties {parties:?}", described(c)),
                vec![call(
                    fac,
                    "replanCommitment",
                    json!({ "id": c.id, "expectedVersion": c.version, "scope": scope,
                        "parties": party_inputs(rng, w, &parties), "leadOrganisationId": w.partners[parties[0]].org }),
                )],
            )
        }
        "change goal" => {
            if open.is_empty() || s.goals.is_empty() {
                return None;
            }
            let c = *pick(rng, &open);
            let goal = if rng.random_bool(0.7) { json!(pick(rng, &s.goals)) } else { Value::Null };
            let editor = if rng.random_bool(0.7) { fac } else { &w.partners[pick(rng, &c.parties).0].director };
            planned(
                format!("set the goal of {} to {goal}", described(c)),
                vec![call(
                    editor,
                    "updateCommitment",
                    json!({ "id": c.id, "expectedVersion": c.version, "goalId": goal }),
                )],
            )
        }
        "leave" => {
            // The first partner stays, and a coalition stays possible.
            let leavers: Vec<usize> = active.iter().copied().filter(|i| *i != 0).collect();
            if active.len() < 4 || leavers.is_empty() {
                return None;
            }
            let p = *pick(rng, &leavers);
            let partnership = s.partnerships[p].as_ref()?;
            // A facilitator records it, or the partner's director withdraws it.
            let who = if rng.random_bool(0.5) { fac } else { &w.partners[p].director };
            planned(
                format!("partner {p} leaves"),
                vec![call(who, "removePartner", json!({ "partnershipId": partnership.id, "reason": "Fusie" }))],
            )
        }
        "invite again" => {
            let left: Vec<usize> = (0..w.partners.len())
                .filter(|i| s.partnerships[*i].as_ref().is_some_and(|p| p.status == "LEFT"))
                .collect();
            if left.is_empty() {
                return None;
            }
            let p = *pick(rng, &left);
            planned(
                format!("partner {p} is invited again"),
                vec![call(
                    fac,
                    "invitePartner",
                    json!({ "networkId": w.network, "organisationId": w.partners[p].org }),
                )],
            )
        }
        "accept" => {
            let invited: Vec<usize> = (0..w.partners.len())
                .filter(|i| s.partnerships[*i].as_ref().is_some_and(|p| p.status == "INVITED"))
                .collect();
            if invited.is_empty() {
                return None;
            }
            let p = *pick(rng, &invited);
            let partnership = &s.partnerships[p].as_ref()?.id;
            let director = &w.partners[p].director;
            planned(
                format!("partner {p} joins again"),
                vec![
                    call(director, "acceptPartnership", json!({ "partnershipId": partnership })),
                    call(
                        director,
                        "setRepresentatives",
                        json!({ "partnershipId": partnership, "personIds": [director.id] }),
                    ),
                ],
            )
        }
        "representatives" => {
            if active.is_empty() {
                return None;
            }
            let p = *pick(rng, &active);
            let partner = &w.partners[p];
            let people = match rng.random_range(0..3) {
                0 => vec![&partner.director.id],
                1 => vec![&partner.deputy.id],
                _ => vec![&partner.director.id, &partner.deputy.id],
            };
            planned(
                format!("partner {p} seats representatives {people:?}"),
                vec![call(
                    &partner.director,
                    "setRepresentatives",
                    json!({ "partnershipId": s.partnerships[p].as_ref()?.id, "personIds": people }),
                )],
            )
        }
        "acknowledge" => {
            let version = s.charter?;
            if active.is_empty() {
                return None;
            }
            let p = *pick(rng, &active);
            let partnership = s.partnerships[p].as_ref()?;
            let partner = &w.partners[p];
            // The director for the partner (and personally when seated), or
            // the deputy personally when seated.
            let who = if partnership.representatives.contains(&partner.deputy.id) && rng.random_bool(0.4) {
                &partner.deputy
            } else {
                &partner.director
            };
            planned(
                format!("partner {p} acknowledges charter {version}"),
                vec![call(who, "acknowledgeCharter", json!({ "partnershipId": partnership.id, "version": version }))],
            )
        }
        "adopt charter" => planned(
            "a new charter version".to_owned(),
            vec![call(
                fac,
                "adoptCharter",
                json!({ "networkId": w.network, "goals": "Betaalbaar wonen met zorg dichtbij", "workingAgreements": "We besluiten samen." }),
            )],
        ),
        "meeting" => {
            let mut attendees = vec![fac.id.clone()];
            for p in &active {
                if rng.random_bool(0.5) {
                    attendees.extend(s.partnerships[*p].as_ref()?.representatives.iter().cloned());
                }
            }
            let held = day(now, -rng.random_range(0..=14));
            planned(
                format!("a meeting on {held} with {} attendees", attendees.len()),
                vec![call(
                    fac,
                    "recordMeeting",
                    json!({ "networkId": w.network, "heldOn": held, "attendeeIds": attendees }),
                )],
            )
        }
        "open round" => {
            if running_round.is_some() {
                return None;
            }
            let closes_at = now + Duration::hours(rng.random_range(48..=600));
            planned(
                format!("open a round closing at {closes_at}"),
                vec![call(
                    fac,
                    "openAlignmentRound",
                    json!({ "networkId": w.network, "closesAt": closes_at.to_rfc3339() }),
                )],
            )
        }
        "answer round" => {
            let round = running_round?;
            if active.is_empty() {
                return None;
            }
            // One partner's people answer alike, partners differ: the index moves.
            let calls = (0..rng.random_range(1..=4))
                .map(|_| {
                    let p = *pick(rng, &active);
                    let person = pick(rng, &w.partners[p].people);
                    let base = (p % 5) as i64 + 1;
                    let answers: Vec<Value> = QUESTIONS
                        .iter()
                        .map(
                            |key| json!({ "questionKey": key, "score": (base + rng.random_range(-1..=1)).clamp(1, 5) }),
                        )
                        .collect();
                    call(person, "submitAlignmentResponse", json!({ "roundId": round, "answers": answers }))
                })
                .collect::<Vec<_>>();
            planned(format!("{} answers to round {round}", calls.len()), calls)
        }
        "close round" => {
            let round = running_round?;
            planned(format!("close round {round}"), vec![call(fac, "closeAlignmentRound", json!({ "roundId": round }))])
        }
        "create goal" => {
            let parent =
                if rng.random_bool(0.3) && !s.goals.is_empty() { json!(pick(rng, &s.goals)) } else { Value::Null };
            planned(
                format!("a goal under {parent}"),
                vec![call(
                    fac,
                    "createGoal",
                    json!({ "networkId": w.network, "title": "Nieuw doel", "horizon": *pick(rng, &["LONG_TERM", "MID_TERM"]), "parentId": parent }),
                )],
            )
        }
        "settings" => {
            let window = rng.random_range(14..=60);
            let quiet = rng.random_range(30..=120);
            let share = f64::from(rng.random_range(3..=7)) / 10.0;
            planned(
                format!("settings: ratification window {window} days, no quick win for {quiet} days, together {share}"),
                vec![call(
                    fac,
                    "setNetworkSettings",
                    json!({ "networkId": w.network, "ratificationWindowDays": window, "noRecentQuickWinDays": quiet,
                        "tooMuchTogetherShare": share }),
                )],
            )
        }
        other => panic!("no such operation: {other}"),
    }
}

/// Where the clock moves next: to a moment a figure turns at, or by hours
/// mostly, days often, now and then months: due dates pass, windows
/// (overdue, 90 days of quick wins, 180 days of rejections and goals) slide.
fn next_moment(rng: &mut StdRng, s: &State, now: DateTime<Utc>) -> DateTime<Utc> {
    let ahead: Vec<DateTime<Utc>> = s.boundaries.iter().copied().filter(|b| *b > now).collect();
    if !ahead.is_empty() && rng.random_bool(0.4) {
        return *pick(rng, &ahead);
    }
    now + match rng.random_range(0..10) {
        0..6 => Duration::hours(rng.random_range(1..=48)),
        6..9 => Duration::days(rng.random_range(2..=14)),
        _ => Duration::days(rng.random_range(30..=120)),
    }
}

// ---------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------

async fn health(api: &Api, token: &str, network: &str, as_of: Option<String>) -> Result<Value, Value> {
    let body = api.send(token, HEALTH, json!({ "n": network, "asOf": as_of })).await;
    if body.get("errors").is_some() { Err(body) } else { Ok(body["data"]["network"].clone()) }
}

/// Where two answers first differ, as a path; `None` when they are equal.
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|key| match (x.get(key), y.get(key)) {
                (Some(u), Some(v)) => first_difference(u, v, &format!("{path}.{key}")),
                (u, v) => Some(format!("{path}.{key}: {u:?} ≠ {v:?}")),
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (u, v))| first_difference(u, v, &format!("{path}[{i}]")))
        }
        _ => (a != b).then(|| format!("{path}: {a} ≠ {b}")),
    }
}

/// Every figure of an answer that is not zero, null, false or empty, by its
/// path (list items collapsed into `[]`; booleans by value).
fn exercised(value: &Value, path: &str, seen: &mut BTreeMap<String, u64>) {
    let key = match value {
        Value::Object(map) => {
            for (key, v) in map {
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                exercised(v, &child, seen);
            }
            return;
        }
        Value::Array(items) if !items.is_empty() => {
            items.iter().for_each(|item| exercised(item, &format!("{path}[]"), seen));
            path.to_owned()
        }
        Value::Bool(b) => format!("{path}={b}"),
        Value::Number(n) if n.as_f64() != Some(0.0) => path.to_owned(),
        Value::String(s) if !s.is_empty() => path.to_owned(),
        _ => return,
    };
    *seen.entry(key).or_default() += 1;
}

/// Reads health twice as `viewer`, without `asOf` and with `asOf` = now, and
/// asserts the answers are the same.
async fn compare(
    api: &Api,
    w: &World,
    viewer: &Member,
    who: &str,
    now: DateTime<Utc>,
    context: &str,
    tally: &mut Tally,
) {
    let read = |as_of: Option<String>| async move {
        let label = if as_of.is_some() { "with asOf = now" } else { "without asOf" };
        health(api, &viewer.token, &w.network, as_of)
            .await
            .unwrap_or_else(|body| panic!("{context}, read as {who}: health {label} fails: {body:#}"))
    };
    let maintained = read(None).await;
    let recounted = read(Some(now.to_rfc3339())).await;
    if let Some(difference) = first_difference(&maintained, &recounted, "network") {
        panic!(
            "{context}, read as {who}: health without asOf (the maintained facts) and with asOf = now \
             (a recount) differ at {difference}\nwithout asOf: {maintained:#}\nasOf now: {recounted:#}"
        );
    }
    tally.compared += 1;
    exercised(&maintained["health"], "", &mut tally.exercised);
}

/// Compares as the facilitator and as the director of a random partner.
async fn compare_both(api: &Api, w: &World, rng: &mut StdRng, now: DateTime<Utc>, context: &str, tally: &mut Tally) {
    compare(api, w, &w.facilitator, "the facilitator", now, context, tally).await;
    let p = rng.random_range(0..w.partners.len());
    compare(api, w, &w.partners[p].director, &format!("the director of partner {p}"), now, context, tally).await;
}

// ---------------------------------------------------------------------------
// The query against the schema
// ---------------------------------------------------------------------------

/// A selection set: each field with its own selection (empty for a leaf).
#[derive(Debug, Default)]
struct Selection(BTreeMap<String, Selection>);

enum Token {
    Name(String),
    Open,
    Close,
}

/// The selection of a document with no fragments or aliases, arguments left out.
fn selection_of(document: &str) -> Selection {
    let mut tokens = Vec::new();
    let mut chars = document.chars().peekable();
    let mut parentheses = 0;
    while let Some(c) = chars.next() {
        match c {
            '(' => parentheses += 1,
            ')' => parentheses -= 1,
            _ if parentheses > 0 => {}
            '{' => tokens.push(Token::Open),
            '}' => tokens.push(Token::Close),
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut name = c.to_string();
                while let Some(&next) = chars.peek().filter(|n| n.is_ascii_alphanumeric() || **n == '_') {
                    name.push(next);
                    chars.next();
                }
                tokens.push(Token::Name(name));
            }
            _ => {}
        }
    }
    fn set<'a>(tokens: &mut impl Iterator<Item = &'a Token>) -> Selection {
        let mut fields = Selection::default();
        let mut last = None;
        while let Some(token) = tokens.next() {
            match token {
                Token::Name(name) => {
                    fields.0.insert(name.clone(), Selection::default());
                    last = Some(name.clone());
                }
                Token::Open => {
                    let child = set(tokens);
                    fields.0.insert(last.clone().expect("a field before its selection"), child);
                }
                Token::Close => break,
            }
        }
        fields
    }
    let start = tokens.iter().position(|t| matches!(t, Token::Open)).expect("a selection");
    set(&mut tokens[start + 1..].iter())
}

const TYPE: &str = "query($t: String!) { __type(name: $t) { fields { name
    type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }";

/// The fields of `type_name` that `HEALTH` leaves out, walking the schema
/// from `NetworkHealth`: a value type (no id) must be selected field by
/// field, an object with an id (a ratification, a goal…) by its id.
async fn unselected(api: &Api, token: &str) -> Vec<String> {
    let query = selection_of(HEALTH);
    let health = &query.0["network"].0["health"];
    let mut missing = Vec::new();
    let mut queue = vec![("NetworkHealth".to_owned(), "health".to_owned(), health)];
    let mut fields_of: HashMap<String, Vec<(String, String, String)>> = HashMap::new();
    while let Some((type_name, path, selection)) = queue.pop() {
        for (field, kind, named) in fields(api, token, &type_name, &mut fields_of).await {
            let Some(child) = selection.0.get(&field) else {
                missing.push(format!("{path}.{field}"));
                continue;
            };
            if kind != "OBJECT" {
                continue;
            }
            let entity = fields(api, token, &named, &mut fields_of).await.iter().any(|(f, _, _)| f == "id");
            if entity {
                if !child.0.contains_key("id") {
                    missing.push(format!("{path}.{field}.id"));
                }
            } else {
                queue.push((named, format!("{path}.{field}"), child));
            }
        }
    }
    missing
}

/// A type's fields: name, kind and name of the type under any list or non-null.
async fn fields(
    api: &Api,
    token: &str,
    type_name: &str,
    cache: &mut HashMap<String, Vec<(String, String, String)>>,
) -> Vec<(String, String, String)> {
    if let Some(known) = cache.get(type_name) {
        return known.clone();
    }
    let data = api.data(token, TYPE, json!({ "t": type_name })).await;
    let found: Vec<(String, String, String)> = data["__type"]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("{type_name} has fields"))
        .iter()
        .map(|f| {
            let mut t = &f["type"];
            while t["name"].is_null() {
                t = &t["ofType"];
            }
            (text(&f["name"]), text(&t["kind"]), text(&t["name"]))
        })
        .collect();
    cache.insert(type_name.to_owned(), found.clone());
    found
}

/// The comparison is not blind: an answer changed anywhere, a figure, a
/// partner's figure, a signal's subject, is told apart from the original.
fn the_comparison_sees_a_change_anywhere(answer: &Value) {
    let mut probes = 0;
    for path in ["/health/focus/openCommitments", "/health/backing/partners/0/involved", "/health/signals/0/subjectIds"]
    {
        let mut changed = answer.clone();
        let Some(target) = changed.pointer_mut(path) else { continue };
        let replacement = match &*target {
            Value::Number(n) => json!(n.as_i64().expect("a count") + 1),
            Value::Array(items) => json!(items.iter().chain([&json!("x")]).collect::<Vec<_>>()),
            other => panic!("a probe of {path} found {other}"),
        };
        *target = replacement;
        assert!(first_difference(answer, &changed, "network").is_some(), "the comparison misses a change at {path}");
        probes += 1;
    }
    assert!(first_difference(answer, answer, "network").is_none());
    assert!(probes >= 2, "probed a full answer: {answer:#}");
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

fn summary(tally: &Tally) -> String {
    let refused: Vec<String> = tally.refused.iter().map(|(code, n)| format!("{code} {n}")).collect();
    format!(
        "{} mutations attempted, {} succeeded (refused: {}), {} health comparisons",
        tally.attempted,
        tally.succeeded,
        if refused.is_empty() { "none".to_owned() } else { refused.join(", ") },
        tally.compared
    )
}

both!(maintained_health_facts_equal_a_full_recount_after_every_random_operation, |app| {
    let started = Instant::now();
    let api = Api::of(&app);
    let seeds: Vec<u64> = match std::env::var("EENDRACHT_HEALTH_FACTS_SEED").ok().and_then(|s| s.trim().parse().ok()) {
        Some(seed) => vec![seed],
        None => SEEDS.to_vec(),
    };
    let steps = env_number("EENDRACHT_HEALTH_FACTS_STEPS", STEPS);
    let mut total = Tally::default();
    let mut last_world = None;
    for seed in &seeds {
        let seed_started = Instant::now();
        let w = build(&app, &format!("facts-{seed}")).await;
        // Without `asOf`, health reads the kept facts only where a network has
        // them (else it recounts, and this test would compare the recount with
        // itself): every network has them from its creation.
        let built = app.column("health_tallies", "kind").await.iter().filter(|kind| *kind == "built").count();
        assert_eq!(built as i64, app.count("networks").await, "every network's health facts are kept");
        let mut rng = StdRng::seed_from_u64(*seed);
        let mut tally = Tally::default();
        let first_day = app.clock_now();
        if seed == &seeds[0] {
            let missing = unselected(&api, &w.facilitator.token).await;
            assert!(missing.is_empty(), "HEALTH leaves out fields of the schema; select them: {missing:?}");
        }
        compare_both(&api, &w, &mut rng, app.clock_now(), &format!("seed {seed}, the network as built"), &mut tally)
            .await;
        for step in 1..=steps {
            let s = state(&api, &w).await.expect("the state, sequentially");
            if rng.random_bool(0.45) {
                let next = next_moment(&mut rng, &s, app.clock_now());
                app.clock.advance(next - app.clock_now());
            }
            let now = app.clock_now();
            let planned = plan(&mut rng, &w, &s, now, &OPS);
            execute(&api, &planned, &mut tally).await;
            let context = format!("seed {seed}, step {step} ({}: {}) on {now}", planned.op, planned.what);
            compare_both(&api, &w, &mut rng, now, &context, &mut tally).await;
        }
        let full = health(&api, &w.facilitator.token, &w.network, None).await.expect("health");
        the_comparison_sees_a_change_anywhere(&full);
        eprintln!(
            "health_facts [{:?}] seed {seed}: {steps} steps, {}, over {} days, in {:.1?}",
            app.backend,
            summary(&tally),
            (app.clock_now() - first_day).num_days(),
            seed_started.elapsed()
        );
        total.add(&tally);
        last_world = Some(w);
    }

    // PostgreSQL: writers at once on the last seed's network, each with its
    // own client and random operations; then the same comparison, also after
    // the clock moved on.
    if app.backend == Backend::Postgres {
        let phase_started = Instant::now();
        let w = Arc::new(last_world.expect("a world"));
        // The clock stands still while they write, so each transaction reads
        // one moment throughout; it moves on once they are done.
        let now = app.clock_now();
        // Alignment answers too: two first answers of one person at once are
        // CONFLICT for the second (the unique key of a person's response),
        // never INTERNAL.
        let ops: Arc<Vec<(&'static str, u32)>> = Arc::new(OPS.to_vec());
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let (w, ops) = (w.clone(), ops.clone());
                let api = Api { address: app.address.clone(), client: reqwest::Client::new() };
                let seed = seeds[seeds.len() - 1] * 100 + writer;
                tokio::spawn(async move {
                    let mut rng = StdRng::seed_from_u64(seed);
                    let mut tally = Tally::default();
                    for _ in 0..WRITER_STEPS {
                        let Some(s) = state(&api, &w).await else { continue };
                        let planned = plan(&mut rng, &w, &s, now, &ops);
                        execute(&api, &planned, &mut tally).await;
                    }
                    tally
                })
            })
            .collect();
        let mut tally = Tally::default();
        for writer in writers {
            tally.add(&writer.await.expect("a writer finishes"));
        }
        let mut rng = StdRng::seed_from_u64(seeds[seeds.len() - 1]);
        for round in 0..4 {
            if round > 0 {
                let s = state(&api, &w).await.expect("the state, after the writers");
                let next = next_moment(&mut rng, &s, app.clock_now());
                app.clock.advance(next - app.clock_now());
            }
            let context = format!("after {WRITERS} concurrent writers, then {round} moves of the clock");
            compare(&api, &w, &w.facilitator, "the facilitator", app.clock_now(), &context, &mut tally).await;
            for (p, partner) in w.partners.iter().enumerate() {
                let who = format!("the director of partner {p}");
                compare(&api, &w, &partner.director, &who, app.clock_now(), &context, &mut tally).await;
            }
        }
        eprintln!(
            "health_facts [{:?}] concurrent: {WRITERS} writers × {WRITER_STEPS} operations, {}, in {:.1?}",
            app.backend,
            summary(&tally),
            phase_started.elapsed()
        );
        // Writers race for the same versions: a third getting through is plenty.
        assert!(
            tally.succeeded * 3 >= tally.attempted,
            "too few concurrent mutations got through: {}",
            summary(&tally)
        );
        total.add(&tally);
    }

    let by_op: Vec<String> = total.by_op.iter().map(|(op, (a, s))| format!("{op} {s}/{a}")).collect();
    let unexercised: Vec<&str> =
        MUST_EXERCISE.iter().copied().filter(|path| !total.exercised.contains_key(*path)).collect();
    eprintln!(
        "health_facts [{:?}] total: {}; succeeded/attempted by operation: {}; never non-zero: {unexercised:?}; in {:.1?}",
        app.backend,
        summary(&total),
        by_op.join(", "),
        started.elapsed()
    );
    // Random operations that mostly fail would compare a network that never changes.
    assert!(total.succeeded * 10 >= total.attempted * 6, "most mutations must succeed: {}", summary(&total));
    for (op, (attempted, succeeded)) in &total.by_op {
        assert!(*attempted < 3 || *succeeded > 0, "{op}: none of {attempted} succeeded; the test plans it wrong");
    }
    // The default seeds and steps reach every figure; a replay of one seed
    // or a shorter run need not.
    if seeds == SEEDS && steps == STEPS {
        assert!(
            unexercised.is_empty(),
            "figures never non-zero in the run, so compared only as zeros: {unexercised:?}"
        );
    }
});
