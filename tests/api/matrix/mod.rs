//! The authorization matrix, walked cell by cell over real HTTP.
//!
//! One fixture world (two tenants; networks where the party is an ACTIVE or an
//! INVITED partner; organisations that are a party, a non-party partner and a
//! non-partner; a person in every role, one of them with positions in two
//! organisations) and, for every cell of [`table::MATRIX`], the
//! real request as that role. Allowed mutations get a fresh target so they
//! change nothing the next role depends on; refused ones must write nothing;
//! hidden ones must answer exactly like a never-existing id.
//!
//! The walk iterates the matrix data (`table`, which also renders
//! `docs/authorization.md`, checked by `doc`): a row without a request here
//! fails the test; there is no way to skip one.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use table::{Cell, Kind, MATRIX, Outcome, Role};

mod doc;
mod table;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::{Member, TestApp};

const TENANT: &str = "matrix";
const OTHER_TENANT: &str = "elsewhere";
const DUE: &str = "2026-04-01";
const CLOSES: &str = "2026-04-01T00:00:00Z";
const QUESTIONS: [&str; 6] = ["GOAL_CLARITY", "GOAL_SHARED", "WAY_OF_WORKING", "BACKING", "FOCUS", "RESULTS"];

/// A global id of the given type that never existed.
fn never(type_name: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{}", uuid::Uuid::now_v7()))
}

fn id(value: &Value) -> String {
    value.as_str().unwrap_or_else(|| panic!("expected an id, got {value}")).to_owned()
}

/// The fixture world: who is who, and the targets of refused requests (which
/// must stay untouched).
struct Fx {
    admin: String,
    fac: Member,
    fac_other: Member,
    rep: Member,
    dir_p: Member,
    sup_p: Member,
    staff_p: Member,
    body: Member,
    body2: Member,
    two: Member,
    dir_q: Member,
    sup_q: Member,
    staff_q: Member,
    dir_x: Member,
    sup_x: Member,
    staff_x: Member,
    other_admin: String,
    api_client: String,
    network: String,
    p: String,
    q: String,
    x: String,
    bestuur: String,
    works_council: String,
    supervisory_board: String,
    p_bodies: Value,
    p_partnership: String,
    invitation: String,
    colleague: String,
    colleague_position: String,
    meeting: String,
    goal: String,
    /// An indicator the party reports on, and an open cycle of 2026.
    indicator: String,
    cycle: String,
    c_proposed: String,
    c_agreed: String,
    c_consulting: String,
    r_consulting: String,
    r_recorded: String,
    r_awaiting: (String, i64),
    condition: String,
    round_closed: String,
    round_open: String,
    /// An API client of the party that stays live (the revoke target).
    spare_client: String,
    /// A webhook of the party, and an event of the network it may receive.
    webhook: String,
    event: String,
    /// A calendar feed of the party's staff member (the revoke target).
    feed: String,
    seq: AtomicU32,
}

impl Fx {
    fn token(&self, role: Role) -> Option<&str> {
        Some(match role {
            Role::Admin => &self.admin,
            Role::Facilitator => &self.fac.token,
            Role::OtherFacilitator => &self.fac_other.token,
            Role::Representative => &self.rep.token,
            Role::PartyDirector => &self.dir_p.token,
            Role::PartySupervisor => &self.sup_p.token,
            Role::PartyStaff => &self.staff_p.token,
            Role::WorksCouncilMember => &self.body.token,
            Role::SupervisoryBoardMember => &self.body2.token,
            Role::TwoPositions => &self.two.token,
            Role::PartnerDirector => &self.dir_q.token,
            Role::PartnerSupervisor => &self.sup_q.token,
            Role::PartnerStaff => &self.staff_q.token,
            Role::OutsiderDirector => &self.dir_x.token,
            Role::OutsiderSupervisor => &self.sup_x.token,
            Role::OutsiderStaff => &self.staff_x.token,
            Role::OtherTenant => &self.other_admin,
            Role::ApiClient => &self.api_client,
            Role::Anonymous => return None,
        })
    }

    fn next(&self) -> u32 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }
}

const PROPOSE: &str = "mutation($n: ID!, $p: ID!, $due: Date!) { proposeCommitment(input: { networkId: $n,
    title: \"Snelle winst\", scope: ORGANISATION, kind: QUICK_WIN, parties: [{ organisationId: $p }],
    leadOrganisationId: $p, dueOn: $due }) { commitment { id } } }";
const CONSULT: &str =
    "mutation($c: ID!, $o: ID!) { startConsultation(input: { commitmentId: $c, organisationId: $o }) { __typename } }";
const RECORD: &str = "mutation($r: ID!, $v: Int!, $outcome: RatificationOutcome!, $conditions: [String!]!) {
    recordRatificationOutcome(input: { ratificationId: $r, expectedVersion: $v, outcome: $outcome,
    decidedOn: \"2026-03-02\", minutesReference: \"OR-2026-01\", conditions: $conditions }) { __typename } }";
const OPEN_ROUND: &str = "mutation($n: ID!, $closes: DateTime!) { openAlignmentRound(input: { networkId: $n, closesAt: $closes }) { alignmentRound { id } } }";
const SUBMIT: &str = "mutation($r: ID!, $answers: [AlignmentAnswerInput!]!) { submitAlignmentResponse(input: { roundId: $r, answers: $answers }) { __typename } }";

fn answers() -> Value {
    Value::Array(QUESTIONS.iter().map(|q| json!({ "questionKey": q, "score": 4 })).collect())
}

impl TestApp {
    /// An hour from the server's now: still today where the network meets.
    fn in_an_hour(&self) -> String {
        (self.clock_now() + chrono::Duration::hours(1)).to_rfc3339()
    }

    /// A fresh meeting of the network, planned for an hour from now.
    async fn planned_meeting(&self, fx: &Fx) -> String {
        let data = self
            .ok(
                &fx.fac.token,
                "mutation($n: ID!, $at: DateTime!) { planMeeting(input: { networkId: $n, plan: { startsAt: $at } }) { meeting { id } } }",
                json!({ "n": fx.network, "at": self.in_an_hour() }),
            )
            .await;
        id(&data["planMeeting"]["meeting"]["id"])
    }

    async fn propose_for(&self, fx: &Fx) -> String {
        let data = self.ok(&fx.fac.token, PROPOSE, json!({ "n": fx.network, "p": fx.p, "due": DUE })).await;
        id(&data["proposeCommitment"]["commitment"]["id"])
    }

    /// A fresh AGREED commitment that involves the supervisory board too, and
    /// the board's (AWAITING) ratification with its version.
    async fn awaiting_approval(&self, fx: &Fx) -> (String, i64) {
        let data = self
            .ok(
                &fx.fac.token,
                "mutation($n: ID!, $p: ID!, $due: Date!, $rvc: ID!) { proposeCommitment(input: { networkId: $n,
                    title: \"Samen bouwen\", scope: ORGANISATION, kind: INITIATIVE, parties: [{ organisationId: $p }],
                    leadOrganisationId: $p, dueOn: $due, additionalBodyIds: [$rvc] }) { commitment { id } } }",
                json!({ "n": fx.network, "p": fx.p, "due": DUE, "rvc": fx.supervisory_board }),
            )
            .await;
        let commitment = id(&data["proposeCommitment"]["commitment"]["id"]);
        self.ok(
            &fx.dir_p.token,
            "mutation($c: ID!, $o: ID!) { agreeCommitment(input: { commitmentId: $c, organisationId: $o }) { __typename } }",
            json!({ "c": commitment, "o": fx.p }),
        )
        .await;
        self.ratification_of(fx, &commitment, &fx.supervisory_board).await
    }

    /// The works council's ratification of a commitment, and its version.
    async fn works_council_ratification(&self, fx: &Fx, commitment: &str) -> (String, i64) {
        self.ratification_of(fx, commitment, &fx.works_council).await
    }

    /// A body's ratification of a commitment, and its version.
    async fn ratification_of(&self, fx: &Fx, commitment: &str, body: &str) -> (String, i64) {
        let data = self
            .ok(
                &fx.admin,
                "query($c: ID!) { node(id: $c) { ... on Commitment { ratifications { id version body { id } } } } }",
                json!({ "c": commitment }),
            )
            .await;
        let ratification = data["node"]["ratifications"]
            .as_array()
            .expect("ratifications")
            .iter()
            .find(|r| r["body"]["id"] == json!(body))
            .unwrap_or_else(|| panic!("no ratification of body {body}: {data}"))
            .clone();
        (id(&ratification["id"]), ratification["version"].as_i64().expect("version"))
    }

    /// A fresh commitment whose party consults, and its works council ratification.
    async fn consulting(&self, fx: &Fx) -> (String, String, i64) {
        let commitment = self.propose_for(fx).await;
        self.ok(&fx.dir_p.token, CONSULT, json!({ "c": commitment, "o": fx.p })).await;
        let (ratification, version) = self.works_council_ratification(fx, &commitment).await;
        (commitment, ratification, version)
    }

    /// A fresh consulting commitment with the works council's advice recorded.
    async fn advised(&self, fx: &Fx, outcome: &str, conditions: &[&str]) -> (String, i64, Value) {
        let (_, ratification, version) = self.consulting(fx).await;
        self.ok(
            &fx.body.token,
            RECORD,
            json!({ "r": ratification, "v": version, "outcome": outcome, "conditions": conditions }),
        )
        .await;
        let data = self
            .ok(
                &fx.admin,
                "query($r: ID!) { node(id: $r) { ... on Ratification { version conditions { id } } } }",
                json!({ "r": ratification }),
            )
            .await;
        (ratification, data["node"]["version"].as_i64().expect("version"), data["node"]["conditions"].clone())
    }

    /// A fresh network of the facilitator where the non-party partner is ACTIVE
    /// and the party INVITED (or ACTIVE when `accepted`): (network, the party's partnership).
    async fn fresh_network(&self, fx: &Fx, accepted: bool) -> (String, String) {
        let network = self.create_network(&fx.fac.token, &format!("Verkenning {}", fx.next())).await;
        let q = self.invite(&fx.fac.token, &network, &fx.q).await;
        self.accept(&fx.dir_q.token, &q).await;
        let p = self.invite(&fx.fac.token, &network, &fx.p).await;
        if accepted {
            self.accept(&fx.dir_p.token, &p).await;
        }
        (network, p)
    }

    async fn fresh_person(&self, fx: &Fx) -> String {
        let n = fx.next();
        self.create_person(&fx.admin, &format!("{TENANT}-fresh-{n}"), &format!("Nieuw {n}"), None).await
    }

    async fn version_of(&self, fx: &Fx, node: &str) -> i64 {
        let data = self
            .ok(
                &fx.admin,
                "query($id: ID!) { node(id: $id) { ... on Organisation { version } ... on Network { version }
                    ... on Goal { version } ... on Commitment { version } ... on Indicator { version }
                    ... on Cycle { version } } }",
                json!({ "id": node }),
            )
            .await;
        data["node"]["version"].as_i64().unwrap_or_else(|| panic!("no version: {data}"))
    }
}

async fn build_world(app: &TestApp) -> Fx {
    let admin = app.bootstrap(TENANT, &format!("{TENANT}-admin")).await;
    let other_admin = app.bootstrap(OTHER_TENANT, &format!("{OTHER_TENANT}-admin")).await;
    let fac = app.facilitator(&admin, TENANT, &format!("{TENANT}-fac")).await;
    let fac_other = app.facilitator(&admin, TENANT, &format!("{TENANT}-fac-other")).await;
    let network = app.create_network(&fac.token, "Regio Oost").await;
    let elsewhere = app.create_network(&fac_other.token, "Regio West").await;

    let p_org = app.create_organisation(&admin, "Woonstad", "HOUSING_CORPORATION").await;
    let p = id(&p_org["id"]);
    let q = id(&app.create_organisation(&admin, "Gemeente Oost", "MUNICIPALITY").await["id"]);
    let x = id(&app.create_organisation(&admin, "Bouwbedrijf", "COMPANY").await["id"]);

    let member = |subject: &'static str, org: String, role: &'static str| {
        let admin = admin.clone();
        async move { app.member(&admin, TENANT, &format!("{TENANT}-{subject}"), &org, role).await }
    };
    let rep = member("rep", p.clone(), "STAFF").await;
    let dir_p = member("dir-p", p.clone(), "DIRECTOR").await;
    let sup_p = member("sup-p", p.clone(), "SUPERVISOR").await;
    let staff_p = member("staff-p", p.clone(), "STAFF").await;
    let body = member("body", p.clone(), "STAFF").await;
    let body2 = member("body2", p.clone(), "SUPERVISOR").await;
    let two = member("two", p.clone(), "STAFF").await;
    app.assign(&admin, &two.id, &x, "DIRECTOR").await;
    let colleague = member("colleague", p.clone(), "STAFF").await;
    let dir_q = member("dir-q", q.clone(), "DIRECTOR").await;
    let sup_q = member("sup-q", q.clone(), "SUPERVISOR").await;
    let staff_q = member("staff-q", q.clone(), "STAFF").await;
    let dir_x = member("dir-x", x.clone(), "DIRECTOR").await;
    let sup_x = member("sup-x", x.clone(), "SUPERVISOR").await;
    let staff_x = member("staff-x", x.clone(), "STAFF").await;
    let colleague_position = id(&app
        .ok(
            &admin,
            "query($p: ID!) { node(id: $p) { ... on Person { positions { id } } } }",
            json!({ "p": colleague.id }),
        )
        .await["node"]["positions"][0]["id"]);

    // The works council gets its member, the supervisory board its own.
    let mut bestuur = String::new();
    let mut works_council = String::new();
    let mut supervisory_board = String::new();
    let bodies: Vec<Value> = p_org["governingBodies"]
        .as_array()
        .expect("bodies")
        .iter()
        .map(|b| {
            let members: Vec<&str> = match b["kind"].as_str() {
                Some("WORKS_COUNCIL") => {
                    works_council = id(&b["id"]);
                    vec![&body.id]
                }
                Some("SUPERVISORY_BOARD") => {
                    supervisory_board = id(&b["id"]);
                    vec![&body2.id]
                }
                Some("EXECUTIVE_BOARD") => {
                    bestuur = id(&b["id"]);
                    vec![]
                }
                _ => vec![],
            };
            json!({ "id": b["id"], "name": b["name"], "kind": b["kind"], "right": b["right"],
                    "responseDays": b["responseDays"], "memberIds": members })
        })
        .collect();
    let p_bodies = Value::Array(bodies);
    app.ok(
        &admin,
        "mutation($o: ID!, $b: [GoverningBodyInput!]!) { setGoverningBodies(input: { organisationId: $o, bodies: $b }) { __typename } }",
        json!({ "o": p, "b": p_bodies }),
    )
    .await;

    let p_partnership = app.invite(&fac.token, &network, &p).await;
    app.accept(&dir_p.token, &p_partnership).await;
    let q_partnership = app.invite(&fac.token, &network, &q).await;
    app.accept(&dir_q.token, &q_partnership).await;
    app.set_representatives(&dir_p.token, &p_partnership, &[&rep.id]).await.data();
    let x_partnership = app.invite(&fac_other.token, &elsewhere, &x).await;
    app.accept(&dir_x.token, &x_partnership).await;
    app.adopt_charter(&fac.token, &network, "Betaalbaar wonen").await;
    app.ok(
        &dir_p.token,
        "mutation($o: ID!, $rules: [MandateRuleInput!]!) { setMandate(input: { organisationId: $o, rules: $rules }) { __typename } }",
        json!({ "o": p, "rules": [ { "bodyId": bestuur, "appliesTo": "ANY" }, { "bodyId": works_council, "appliesTo": "ANY" } ] }),
    )
    .await;
    let meeting = id(&app
        .ok(
            &fac.token,
            "mutation($n: ID!, $rep: ID!) { recordMeeting(input: { networkId: $n, heldOn: \"2026-03-02\", attendeeIds: [$rep] }) { meeting { id } } }",
            json!({ "n": network, "rep": rep.id }),
        )
        .await["recordMeeting"]["meeting"]["id"]);
    let goal = id(&app
        .ok(
            &fac.token,
            "mutation($n: ID!) { createGoal(input: { networkId: $n, title: \"Wonen\", horizon: LONG_TERM }) { goal { id } } }",
            json!({ "n": network }),
        )
        .await["createGoal"]["goal"]["id"]);
    let indicator = id(&app
        .ok(
            &fac.token,
            "mutation($g: ID!, $p: ID!) { createIndicator(input: { goalId: $g, name: \"Woningen\", unit: \"woningen\",
                direction: HIGHER, baseline: 10, baselinePeriod: \"2024\", reporterIds: [$p] }) { indicator { id } } }",
            json!({ "g": goal, "p": p }),
        )
        .await["createIndicator"]["indicator"]["id"]);
    let cycle = id(&app
        .ok(
            &fac.token,
            "mutation($n: ID!) { createCycle(input: { networkId: $n, year: 2026 }) { cycle { id } } }",
            json!({ "n": network }),
        )
        .await["createCycle"]["cycle"]["id"]);

    // The party is INVITED to a second network of the facilitator.
    let invitations = app.create_network(&fac.token, "Regio Noord").await;
    let q_there = app.invite(&fac.token, &invitations, &q).await;
    app.accept(&dir_q.token, &q_there).await;
    let invitation = app.invite(&fac.token, &invitations, &p).await;

    let mut fx = Fx {
        admin,
        fac,
        fac_other,
        rep,
        dir_p,
        sup_p,
        staff_p,
        body,
        body2,
        two,
        dir_q,
        sup_q,
        staff_q,
        dir_x,
        sup_x,
        staff_x,
        other_admin,
        api_client: String::new(),
        network,
        p,
        q,
        x,
        bestuur,
        works_council,
        supervisory_board,
        p_bodies,
        p_partnership,
        invitation,
        colleague: colleague.id,
        colleague_position,
        meeting,
        goal,
        indicator,
        cycle,
        c_proposed: String::new(),
        c_agreed: String::new(),
        c_consulting: String::new(),
        r_consulting: String::new(),
        r_recorded: String::new(),
        r_awaiting: (String::new(), 0),
        condition: String::new(),
        round_closed: String::new(),
        round_open: String::new(),
        spare_client: String::new(),
        webhook: String::new(),
        event: String::new(),
        feed: String::new(),
        seq: AtomicU32::new(0),
    };

    // The API client of the party, with a real client-credentials token.
    let (_, client_id, secret) = app.api_client_of(&fx.admin, &fx.p).await;
    fx.api_client = app.client_token(&client_id, &secret).await;
    fx.spare_client = app.api_client_of(&fx.admin, &fx.p).await.0;
    fx.webhook = app.webhook_of(&fx.admin, &fx.p).await;
    fx.feed = app.feed_of(&fx.staff_p.token).await;

    fx.c_proposed = app.propose_for(&fx).await;
    fx.event = id(&app
        .ok(
            &fx.fac.token,
            "query($n: ID!) { node(id: $n) { ... on Network { timeline(kinds: [\"commitment.proposed\"], first: 1) { nodes { id } } } } }",
            json!({ "n": fx.network }),
        )
        .await["node"]["timeline"]["nodes"][0]["id"]);
    fx.c_agreed = app.propose_for(&fx).await;
    app.ok(
        &fx.dir_p.token,
        "mutation($c: ID!, $o: ID!) { agreeCommitment(input: { commitmentId: $c, organisationId: $o }) { __typename } }",
        json!({ "c": fx.c_agreed, "o": fx.p }),
    )
    .await;
    let (commitment, ratification, _) = app.consulting(&fx).await;
    app.ok(
        &fx.staff_p.token,
        "mutation($c: ID!, $o: ID!) { addConsultationInput(input: { commitmentId: $c, organisationId: $o, stance: CONCERN, text: \"Let op de huurders\" }) { __typename } }",
        json!({ "c": commitment, "o": fx.p }),
    )
    .await;
    fx.c_consulting = commitment;
    fx.r_consulting = ratification;
    fx.r_recorded = app.advised(&fx, "POSITIVE", &[]).await.0;
    fx.r_awaiting = app.awaiting_approval(&fx).await;
    fx.condition = id(&app.advised(&fx, "WITH_CONDITIONS", &["Huurders meenemen"]).await.2[0]["id"]);

    // A closed round with one respondent, then an open one.
    let round = id(
        &app.ok(&fx.fac.token, OPEN_ROUND, json!({ "n": fx.network, "closes": CLOSES })).await["openAlignmentRound"]["alignmentRound"]
            ["id"],
    );
    app.ok(&fx.staff_p.token, SUBMIT, json!({ "r": round, "answers": answers() })).await;
    app.ok(
        &fx.fac.token,
        "mutation($r: ID!) { closeAlignmentRound(input: { roundId: $r }) { __typename } }",
        json!({ "r": round }),
    )
    .await;
    fx.round_closed = round;
    fx.round_open = id(
        &app.ok(&fx.fac.token, OPEN_ROUND, json!({ "n": fx.network, "closes": CLOSES })).await["openAlignmentRound"]["alignmentRound"]
            ["id"],
    );
    fx
}

/// How a response that carries no error is read.
enum Check {
    /// A mutation without an error ran.
    Mutation,
    /// Allowed when the JSON at the pointer mentions the target id.
    Contains(&'static str, String),
    /// Allowed when the JSON at the pointer is there and not null or empty.
    Present(&'static str),
}

/// One request, ready to send as any role.
struct Prepared {
    query: &'static str,
    vars: Value,
    /// The same request naming a never-existing object instead of the one the
    /// role may not see.
    missing: Option<Value>,
    check: Check,
    /// The table a refused mutation must leave as it was (besides `events`).
    table: Option<&'static str>,
}

fn read(query: &'static str, vars: Value, missing: Option<Value>, check: Check) -> Prepared {
    Prepared { query, vars, missing, check, table: None }
}

fn write(query: &'static str, vars: Value, missing: Option<Value>, table: &'static str) -> Prepared {
    Prepared { query, vars, missing, check: Check::Mutation, table: Some(table) }
}

/// The request of one cell; `fresh` asks for a target of its own (for a
/// mutation that is expected to run). `None`: no case for the operation.
async fn prepare(app: &TestApp, fx: &Fx, operation: &str, fresh: bool) -> Option<Prepared> {
    let network_node = |query: &'static str, check: Check| {
        read(query, json!({ "id": fx.network }), Some(json!({ "id": never("Network") })), check)
    };
    Some(match operation {
        // ---- reads ----
        "viewer" => read("{ viewer { tenant { slug } } }", json!({}), None, Check::Present("/data/viewer/tenant/slug")),
        "Viewer.pendingDecisions" => read(
            "{ viewer { pendingDecisions { id } } }",
            json!({}),
            None,
            Check::Contains("/data/viewer/pendingDecisions", fx.r_consulting.clone()),
        ),
        "node" => {
            network_node("query($id: ID!) { node(id: $id) { id } }", Check::Contains("/data/node", fx.network.clone()))
        }
        "nodes" => read(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": [fx.network] }),
            Some(json!({ "ids": [never("Network")] })),
            Check::Contains("/data/nodes", fx.network.clone()),
        ),
        "network" => network_node(
            "query($id: ID!) { network(id: $id) { id } }",
            Check::Contains("/data/network", fx.network.clone()),
        ),
        "networks" => read(
            "{ networks(first: 100) { nodes { id } } }",
            json!({}),
            None,
            Check::Contains("/data/networks", fx.network.clone()),
        ),
        "organisations" => read(
            "{ organisations(first: 100) { nodes { id } } }",
            json!({}),
            None,
            Check::Contains("/data/organisations", fx.p.clone()),
        ),
        "people" => read(
            "{ people(first: 100) { nodes { id } } }",
            json!({}),
            None,
            Check::Contains("/data/people", fx.colleague.clone()),
        ),
        "Person.email" => read(
            "query($id: ID!) { node(id: $id) { ... on Person { email } } }",
            json!({ "id": fx.rep.id }),
            Some(json!({ "id": never("Person") })),
            Check::Present("/data/node/email"),
        ),
        "Person.subject" => read(
            "query($id: ID!) { node(id: $id) { ... on Person { subject } } }",
            json!({ "id": fx.rep.id }),
            Some(json!({ "id": never("Person") })),
            Check::Present("/data/node/subject"),
        ),
        "Organisation.positions" => read(
            "query($id: ID!) { node(id: $id) { ... on Organisation { positions(first: 100) { nodes { id } } } } }",
            json!({ "id": fx.p }),
            Some(json!({ "id": never("Organisation") })),
            Check::Contains("/data/node/positions", fx.colleague_position.clone()),
        ),
        "Organisation.pendingRatifications" => read(
            "query($id: ID!) { node(id: $id) { ... on Organisation { pendingRatifications { id } } } }",
            json!({ "id": fx.p }),
            Some(json!({ "id": never("Organisation") })),
            Check::Contains("/data/node/pendingRatifications", fx.r_consulting.clone()),
        ),
        "Organisation.pendingRatifications(body:)" => read(
            "query($id: ID!, $b: ID!) { node(id: $id) { ... on Organisation { pendingRatifications(body: $b) { id } } } }",
            json!({ "id": fx.p, "b": fx.works_council }),
            Some(json!({ "id": never("Organisation"), "b": fx.works_council })),
            Check::Contains("/data/node/pendingRatifications", fx.r_consulting.clone()),
        ),
        "GoverningBody.agendaItems" => read(
            "query($id: ID!) { node(id: $id) { ... on GoverningBody { agendaItems { ratification { id } } } } }",
            json!({ "id": fx.works_council }),
            Some(json!({ "id": never("GoverningBody") })),
            Check::Contains("/data/node/agendaItems", fx.r_consulting.clone()),
        ),
        "GoverningBody.members" => read(
            "query($id: ID!) { node(id: $id) { ... on GoverningBody { members { id } } } }",
            json!({ "id": fx.works_council }),
            Some(json!({ "id": never("GoverningBody") })),
            Check::Contains("/data/node/members", fx.body.id.clone()),
        ),
        "Partnership.representatives" => read(
            "query($id: ID!) { node(id: $id) { ... on Partnership { representatives { person { id } } } } }",
            json!({ "id": fx.p_partnership }),
            Some(json!({ "id": never("Partnership") })),
            Check::Contains("/data/node/representatives", fx.rep.id.clone()),
        ),
        "Network.partners" => network_node(
            "query($id: ID!) { node(id: $id) { ... on Network { partners(first: 100) { nodes { id } } } } }",
            Check::Contains("/data/node/partners", fx.p_partnership.clone()),
        ),
        "Network.commitments" => network_node(
            "query($id: ID!) { node(id: $id) { ... on Network { commitments(first: 100) { nodes { id } } } } }",
            Check::Contains("/data/node/commitments", fx.c_proposed.clone()),
        ),
        "Network.timeline" => network_node(
            "query($id: ID!) { node(id: $id) { ... on Network { timeline(kinds: [\"commitment.proposed\"], first: 100) { nodes { subjectId } } } } }",
            Check::Contains("/data/node/timeline", fx.c_proposed.clone()),
        ),
        "Network.timeline(consultation)" => network_node(
            "query($id: ID!) { node(id: $id) { ... on Network { timeline(kinds: [\"ratification.consultation_input_added\"], first: 100) { nodes { subjectId } } } } }",
            Check::Contains("/data/node/timeline", fx.c_consulting.clone()),
        ),
        "Network.health" => network_node(
            "query($id: ID!) { node(id: $id) { ... on Network { health { view } } } }",
            Check::Present("/data/node/health"),
        ),
        "Commitment.ratifications" => read(
            "query($id: ID!) { node(id: $id) { ... on Commitment { ratifications { id } } } }",
            json!({ "id": fx.c_consulting }),
            Some(json!({ "id": never("Commitment") })),
            Check::Contains("/data/node/ratifications", fx.r_consulting.clone()),
        ),
        "CommitmentParty.consultation" => read(
            "query($id: ID!) { node(id: $id) { ... on Commitment { parties { consultation { concernCount } } } } }",
            json!({ "id": fx.c_consulting }),
            Some(json!({ "id": never("Commitment") })),
            Check::Present("/data/node/parties/0/consultation"),
        ),
        "Commitment.dossier" => read(
            "query($id: ID!, $o: ID!) { node(id: $id) { ... on Commitment { dossier(organisationId: $o, locale: NL) { contentHash } } } }",
            json!({ "id": fx.c_consulting, "o": fx.p }),
            Some(json!({ "id": never("Commitment"), "o": fx.p })),
            Check::Present("/data/node/dossier"),
        ),
        "Consultation.inputs" => read(
            "query($id: ID!) { node(id: $id) { ... on Commitment { parties { consultation { inputs { text } } } } } }",
            json!({ "id": fx.c_consulting }),
            Some(json!({ "id": never("Commitment") })),
            Check::Present("/data/node/parties/0/consultation/inputs"),
        ),
        "AlignmentRound.results" => read(
            "query($id: ID!) { node(id: $id) { ... on AlignmentRound { results { respondentCount } } } }",
            json!({ "id": fx.round_open }),
            Some(json!({ "id": never("AlignmentRound") })),
            Check::Present("/data/node/results"),
        ),
        "AlignmentRound.invitees" => read(
            "query($id: ID!) { node(id: $id) { ... on AlignmentRound { invitees { nodes { person { id } } } } } }",
            json!({ "id": fx.round_open }),
            Some(json!({ "id": never("AlignmentRound") })),
            Check::Present("/data/node/invitees"),
        ),
        "AlignmentResults.partners" => read(
            "query($id: ID!) { node(id: $id) { ... on AlignmentRound { results { partners { respondentCount } } } } }",
            json!({ "id": fx.round_closed }),
            Some(json!({ "id": never("AlignmentRound") })),
            Check::Present("/data/node/results/partners"),
        ),

        // ---- people and organisations ----
        "createOrganisation" => write(
            "mutation { createOrganisation(input: { name: \"Nieuwkomer\", kind: OTHER }) { __typename } }",
            json!({}),
            None,
            "organisations",
        ),
        "updateOrganisation" => {
            let version = app.version_of(fx, &fx.p).await;
            write(
                "mutation($id: ID!, $v: Int!) { updateOrganisation(input: { id: $id, expectedVersion: $v, name: \"Woonstad\" }) { __typename } }",
                json!({ "id": fx.p, "v": version }),
                Some(json!({ "id": never("Organisation"), "v": version })),
                "organisations",
            )
        }
        "setGoverningBodies" => {
            let query = "mutation($o: ID!, $b: [GoverningBodyInput!]!) { setGoverningBodies(input: { organisationId: $o, bodies: $b }) { __typename } }";
            if fresh {
                let org = id(&app.create_organisation(&fx.admin, &format!("Vers {}", fx.next()), "OTHER").await["id"]);
                let bodies = json!([{ "name": "Bestuur", "kind": "EXECUTIVE_BOARD", "right": "DECIDES" }]);
                write(query, json!({ "o": org, "b": bodies }), None, "governing_bodies")
            } else {
                // The party's own bodies, unchanged: even a wrongly accepted
                // request would leave the world as it is.
                write(
                    query,
                    json!({ "o": fx.p, "b": fx.p_bodies }),
                    Some(json!({ "o": never("Organisation"), "b": fx.p_bodies })),
                    "governing_bodies",
                )
            }
        }
        "createPerson" => write(
            "mutation($s: String!) { createPerson(input: { subject: $s, name: \"Nieuw\" }) { __typename } }",
            json!({ "s": format!("{TENANT}-created-{}", fx.next()) }),
            None,
            "people",
        ),
        "assignPosition" => {
            let person = if fresh { app.fresh_person(fx).await } else { fx.colleague.clone() };
            write(
                "mutation($p: ID!, $o: ID!) { assignPosition(input: { personId: $p, organisationId: $o, role: STAFF }) { __typename } }",
                json!({ "p": person, "o": fx.p }),
                Some(json!({ "p": never("Person"), "o": fx.p })),
                "positions",
            )
        }
        "endPosition" => {
            let position = if fresh {
                let person = app.fresh_person(fx).await;
                app.assign(&fx.admin, &person, &fx.p, "STAFF").await
            } else {
                fx.colleague_position.clone()
            };
            write(
                "mutation($id: ID!) { endPosition(input: { positionId: $id }) { __typename } }",
                json!({ "id": position }),
                Some(json!({ "id": never("Position") })),
                "positions",
            )
        }
        "anonymizePerson" => {
            let person = if fresh { app.fresh_person(fx).await } else { fx.colleague.clone() };
            write(
                "mutation($p: ID!) { anonymizePerson(input: { personId: $p }) { __typename } }",
                json!({ "p": person }),
                Some(json!({ "p": never("Person") })),
                "people",
            )
        }
        "exportPersonData" => write(
            "mutation($p: ID!) { exportPersonData(input: { personId: $p }) { __typename } }",
            json!({ "p": fx.staff_p.id }),
            Some(json!({ "p": never("Person") })),
            "people",
        ),
        "setLanguage" => write(
            "mutation($p: ID!) { setLanguage(input: { personId: $p, language: EN }) { __typename } }",
            json!({ "p": fx.staff_p.id }),
            Some(json!({ "p": never("Person") })),
            "people",
        ),
        "setTenantLanguage" => {
            write("mutation { setTenantLanguage(input: { language: EN }) { __typename } }", json!({}), None, "tenants")
        }

        // ---- networks ----
        "createNetwork" => write(
            "mutation { createNetwork(input: { name: \"Nieuw netwerk\", purpose: \"Samen\" }) { __typename } }",
            json!({}),
            None,
            "networks",
        ),
        "updateNetwork" => {
            let version = app.version_of(fx, &fx.network).await;
            write(
                "mutation($id: ID!, $v: Int!) { updateNetwork(input: { id: $id, expectedVersion: $v, purpose: \"Samen sterker in de regio\" }) { __typename } }",
                json!({ "id": fx.network, "v": version }),
                Some(json!({ "id": never("Network"), "v": version })),
                "networks",
            )
        }
        "setNetworkSettings" => write(
            "mutation($n: ID!) { setNetworkSettings(input: { networkId: $n, quickWinMaxDays: 90 }) { __typename } }",
            json!({ "n": fx.network }),
            Some(json!({ "n": never("Network") })),
            "networks",
        ),
        "assignFacilitator" => {
            let person = if fresh {
                let n = fx.next();
                app.facilitator(&fx.admin, TENANT, &format!("{TENANT}-new-fac-{n}")).await.id
            } else {
                fx.fac_other.id.clone()
            };
            write(
                "mutation($n: ID!, $p: ID!) { assignFacilitator(input: { networkId: $n, personId: $p }) { __typename } }",
                json!({ "n": fx.network, "p": person }),
                Some(json!({ "n": fx.network, "p": never("Person") })),
                "network_facilitators",
            )
        }
        "adoptCharter" => write(
            "mutation($n: ID!) { adoptCharter(input: { networkId: $n, goals: \"Betaalbaar wonen\", workingAgreements: \"We besluiten samen.\" }) { __typename } }",
            json!({ "n": fx.network }),
            Some(json!({ "n": never("Network") })),
            "charter_versions",
        ),
        "invitePartner" => {
            let organisation = if fresh {
                id(&app.create_organisation(&fx.admin, &format!("Kandidaat {}", fx.next()), "WELFARE").await["id"])
            } else {
                fx.x.clone()
            };
            write(
                "mutation($n: ID!, $o: ID!) { invitePartner(input: { networkId: $n, organisationId: $o }) { __typename } }",
                json!({ "n": fx.network, "o": organisation }),
                Some(json!({ "n": never("Network"), "o": organisation })),
                "partnerships",
            )
        }
        "acceptPartnership" => {
            let partnership = if fresh { app.fresh_network(fx, false).await.1 } else { fx.invitation.clone() };
            write(
                "mutation($p: ID!) { acceptPartnership(input: { partnershipId: $p }) { __typename } }",
                json!({ "p": partnership }),
                Some(json!({ "p": never("Partnership") })),
                "partnerships",
            )
        }
        "removePartner" => {
            let partnership = if fresh { app.fresh_network(fx, true).await.1 } else { fx.p_partnership.clone() };
            write(
                "mutation($p: ID!) { removePartner(input: { partnershipId: $p, reason: \"Andere prioriteiten\" }) { __typename } }",
                json!({ "p": partnership }),
                Some(json!({ "p": never("Partnership") })),
                "partnerships",
            )
        }
        "setRepresentatives" => write(
            "mutation($p: ID!, $people: [ID!]!) { setRepresentatives(input: { partnershipId: $p, personIds: $people }) { __typename } }",
            json!({ "p": fx.p_partnership, "people": [fx.rep.id] }),
            Some(json!({ "p": never("Partnership"), "people": [fx.rep.id] })),
            "representations",
        ),
        "acknowledgeCharter" => {
            let current = app
                .ok(
                    &fx.admin,
                    "query($n: ID!) { node(id: $n) { ... on Network { charter { version } } } }",
                    json!({ "n": fx.network }),
                )
                .await["node"]["charter"]["version"]
                .as_i64()
                .expect("a charter");
            write(
                "mutation($p: ID!, $v: Int!) { acknowledgeCharter(input: { partnershipId: $p, version: $v }) { __typename } }",
                json!({ "p": fx.p_partnership, "v": current }),
                Some(json!({ "p": never("Partnership"), "v": current })),
                "representations",
            )
        }
        "recordExpectation" => write(
            "mutation($p: ID!) { recordExpectation(input: { partnershipId: $p, kind: RESULT, text: \"Zichtbare resultaten\" }) { __typename } }",
            json!({ "p": fx.p_partnership }),
            Some(json!({ "p": never("Partnership") })),
            "expectations",
        ),
        "setMandate" => {
            let rules = json!([ { "bodyId": fx.bestuur, "appliesTo": "ANY" }, { "bodyId": fx.works_council, "appliesTo": "ANY" } ]);
            write(
                "mutation($o: ID!, $rules: [MandateRuleInput!]!) { setMandate(input: { organisationId: $o, rules: $rules }) { __typename } }",
                json!({ "o": fx.p, "rules": rules }),
                Some(json!({ "o": never("Organisation"), "rules": rules })),
                "mandate_rules",
            )
        }

        // ---- work ----
        "createGoal" => write(
            "mutation($n: ID!) { createGoal(input: { networkId: $n, title: \"Nog een doel\", horizon: MID_TERM }) { __typename } }",
            json!({ "n": fx.network }),
            Some(json!({ "n": never("Network") })),
            "goals",
        ),
        "updateGoal" => {
            let version = app.version_of(fx, &fx.goal).await;
            write(
                "mutation($id: ID!, $v: Int!) { updateGoal(input: { id: $id, expectedVersion: $v, title: \"Wonen\" }) { __typename } }",
                json!({ "id": fx.goal, "v": version }),
                Some(json!({ "id": never("Goal"), "v": version })),
                "goals",
            )
        }
        "recordMeeting" => write(
            "mutation($n: ID!, $rep: ID!) { recordMeeting(input: { networkId: $n, heldOn: \"2026-03-02\", attendeeIds: [$rep] }) { __typename } }",
            json!({ "n": fx.network, "rep": fx.rep.id }),
            Some(json!({ "n": never("Network"), "rep": fx.rep.id })),
            "meetings",
        ),
        "planMeeting" => write(
            "mutation($n: ID!, $at: DateTime!) { planMeeting(input: { networkId: $n, plan: { startsAt: $at, title: \"Overleg\" } }) { __typename } }",
            json!({ "n": fx.network, "at": app.in_an_hour() }),
            Some(json!({ "n": never("Network"), "at": app.in_an_hour() })),
            "meetings",
        ),
        "changeMeetingPlan" | "cancelMeeting" | "recordMeetingHeld" => {
            let meeting = app.planned_meeting(fx).await;
            let (query, extra) = match operation {
                "changeMeetingPlan" => (
                    "mutation($m: ID!, $at: DateTime!) { changeMeetingPlan(input: { meetingId: $m, expectedSequence: 0, plan: { startsAt: $at, location: \"Stadhuis\" } }) { __typename } }",
                    json!({ "at": app.in_an_hour() }),
                ),
                "cancelMeeting" => (
                    "mutation($m: ID!) { cancelMeeting(input: { meetingId: $m, expectedSequence: 0, reason: \"Te weinig partners\" }) { __typename } }",
                    json!({}),
                ),
                _ => (
                    "mutation($m: ID!, $rep: ID!) { recordMeetingHeld(input: { meetingId: $m, expectedSequence: 0, attendeeIds: [$rep], minutesReference: \"Verslag 1\" }) { __typename } }",
                    json!({ "rep": fx.rep.id }),
                ),
            };
            let with = |m: Value| {
                let mut vars = extra.clone();
                vars["m"] = m;
                vars
            };
            write(query, with(json!(meeting)), Some(with(json!(never("Meeting")))), "meetings")
        }
        "proposeCommitment" => write(
            PROPOSE,
            json!({ "n": fx.network, "p": fx.p, "due": DUE }),
            Some(json!({ "n": never("Network"), "p": fx.p, "due": DUE })),
            "commitments",
        ),
        "agreeCommitment" => {
            let commitment = if fresh { app.propose_for(fx).await } else { fx.c_proposed.clone() };
            write(
                "mutation($c: ID!, $o: ID!, $m: ID!) { agreeCommitment(input: { commitmentId: $c, organisationId: $o, meetingId: $m }) { __typename } }",
                json!({ "c": commitment, "o": fx.p, "m": fx.meeting }),
                Some(json!({ "c": never("Commitment"), "o": fx.p, "m": fx.meeting })),
                "commitment_parties",
            )
        }
        "updateCommitment" | "replanCommitment" | "dropCommitment" => {
            let commitment = if fresh { app.propose_for(fx).await } else { fx.c_proposed.clone() };
            let version = app.version_of(fx, &commitment).await;
            let query = match operation {
                "updateCommitment" => {
                    "mutation($c: ID!, $v: Int!) { updateCommitment(input: { id: $c, expectedVersion: $v, title: \"Snelle winst\" }) { __typename } }"
                }
                "replanCommitment" => {
                    "mutation($c: ID!, $v: Int!, $o: ID!) { replanCommitment(input: { id: $c, expectedVersion: $v, scope: ORGANISATION, parties: [{ organisationId: $o }], leadOrganisationId: $o }) { __typename } }"
                }
                _ => {
                    "mutation($c: ID!, $v: Int!) { dropCommitment(input: { id: $c, expectedVersion: $v, reason: \"Geen capaciteit\" }) { __typename } }"
                }
            };
            let with_party = |mut vars: Value| {
                if operation == "replanCommitment" {
                    vars["o"] = json!(fx.p);
                }
                vars
            };
            write(
                query,
                with_party(json!({ "c": commitment, "v": version })),
                Some(with_party(json!({ "c": never("Commitment"), "v": version }))),
                "commitments",
            )
        }
        "addProgressUpdate" => write(
            "mutation($c: ID!) { addProgressUpdate(input: { commitmentId: $c, note: \"Eerste stap gezet\", percent: 10 }) { __typename } }",
            json!({ "c": fx.c_agreed }),
            Some(json!({ "c": never("Commitment") })),
            "progress_updates",
        ),

        "addProgressUpdates" => write(
            "mutation($c: ID!) { addProgressUpdates(input: { updates: [{ commitmentId: $c, note: \"Kwartaalrapportage\", percent: 10 }] }) { __typename } }",
            json!({ "c": fx.c_agreed }),
            Some(json!({ "c": never("Commitment") })),
            "progress_updates",
        ),

        // ---- indicators and cycles ----
        "createIndicator" => write(
            "mutation($g: ID!, $p: ID!) { createIndicator(input: { goalId: $g, name: \"Wachttijd\", unit: \"dagen\",
                direction: LOWER, baseline: 30, baselinePeriod: \"2024\", reporterIds: [$p] }) { __typename } }",
            json!({ "g": fx.goal, "p": fx.p }),
            Some(json!({ "g": never("Goal"), "p": fx.p })),
            "indicators",
        ),
        "changeIndicator" => {
            let version = app.version_of(fx, &fx.indicator).await;
            write(
                "mutation($i: ID!, $v: Int!) { changeIndicator(input: { indicatorId: $i, expectedVersion: $v,
                    targets: [{ period: \"2026\", value: 20 }] }) { __typename } }",
                json!({ "i": fx.indicator, "v": version }),
                Some(json!({ "i": never("Indicator"), "v": version })),
                "indicator_targets",
            )
        }
        "recordMeasurement" => write(
            "mutation($i: ID!, $p: ID!) { recordMeasurement(input: { indicatorId: $i, organisationId: $p,
                period: \"2025\", value: 12, note: \"Jaarcijfer\" }) { __typename } }",
            json!({ "i": fx.indicator, "p": fx.p }),
            Some(json!({ "i": never("Indicator"), "p": fx.p })),
            "measurements",
        ),
        "recordMeasurements" => write(
            "mutation($i: ID!, $p: ID!) { recordMeasurements(input: { measurements: [{ indicatorId: $i,
                organisationId: $p, period: \"2025\", value: 12, note: \"Kwartaalrapportage\" }] }) { __typename } }",
            json!({ "i": fx.indicator, "p": fx.p }),
            Some(json!({ "i": never("Indicator"), "p": fx.p })),
            "measurements",
        ),
        "setCommitmentIndicators" => write(
            "mutation($c: ID!, $i: ID!) { setCommitmentIndicators(input: { commitmentId: $c, indicatorIds: [$i] }) { __typename } }",
            json!({ "c": fx.c_agreed, "i": fx.indicator }),
            Some(json!({ "c": never("Commitment"), "i": fx.indicator })),
            "commitment_indicators",
        ),
        "createCycle" => {
            // A year of its own for every request that may run.
            let year = 2030 + i64::from(fx.seq.fetch_add(1, Ordering::Relaxed) % 70);
            write(
                "mutation($n: ID!, $y: Int!) { createCycle(input: { networkId: $n, year: $y }) { __typename } }",
                json!({ "n": fx.network, "y": year }),
                Some(json!({ "n": never("Network"), "y": year })),
                "cycles",
            )
        }
        "changeCycleCommitments" => {
            let version = app.version_of(fx, &fx.cycle).await;
            write(
                "mutation($c: ID!, $v: Int!, $a: ID!) { changeCycleCommitments(input: { cycleId: $c, expectedVersion: $v, add: [$a] }) { __typename } }",
                json!({ "c": fx.cycle, "v": version, "a": fx.c_agreed }),
                Some(json!({ "c": never("Cycle"), "v": version, "a": fx.c_agreed })),
                "cycle_commitments",
            )
        }
        "closeCycle" => {
            let cycle = if fresh {
                // A cycle of a past year of its own: closing one ends it.
                let year = 2025 - i64::from(fx.seq.fetch_add(1, Ordering::Relaxed) % 25);
                id(&app
                    .ok(
                        &fx.fac.token,
                        "mutation($n: ID!, $y: Int!) { createCycle(input: { networkId: $n, year: $y }) { cycle { id } } }",
                        json!({ "n": fx.network, "y": year }),
                    )
                    .await["createCycle"]["cycle"]["id"])
            } else {
                fx.cycle.clone()
            };
            let version = app.version_of(fx, &cycle).await;
            write(
                "mutation($c: ID!, $v: Int!) { closeCycle(input: { cycleId: $c, expectedVersion: $v }) { __typename } }",
                json!({ "c": cycle, "v": version }),
                Some(json!({ "c": never("Cycle"), "v": version })),
                "cycles",
            )
        }

        // ---- ratification ----
        "startConsultation" => {
            let commitment = if fresh { app.propose_for(fx).await } else { fx.c_proposed.clone() };
            write(
                CONSULT,
                json!({ "c": commitment, "o": fx.p }),
                Some(json!({ "c": never("Commitment"), "o": fx.p })),
                "ratifications",
            )
        }
        "addConsultationInput" => write(
            "mutation($c: ID!, $o: ID!) { addConsultationInput(input: { commitmentId: $c, organisationId: $o, stance: SUPPORT, text: \"Goed plan\" }) { __typename } }",
            json!({ "c": fx.c_consulting, "o": fx.p }),
            Some(json!({ "c": never("Commitment"), "o": fx.p })),
            "consultation_inputs",
        ),
        "recordRatificationOutcome" => {
            let (ratification, version) = if fresh {
                let (_, ratification, version) = app.consulting(fx).await;
                (ratification, version)
            } else {
                app.works_council_ratification(fx, &fx.c_consulting).await
            };
            write(
                RECORD,
                json!({ "r": ratification, "v": version, "outcome": "POSITIVE", "conditions": [] }),
                Some(json!({ "r": never("Ratification"), "v": version, "outcome": "POSITIVE", "conditions": [] })),
                "ratification_records",
            )
        }
        "recordRatificationOutcome(approving body)" => {
            let (ratification, version) = if fresh { app.awaiting_approval(fx).await } else { fx.r_awaiting.clone() };
            write(
                RECORD,
                json!({ "r": ratification, "v": version, "outcome": "APPROVED", "conditions": [] }),
                Some(json!({ "r": never("Ratification"), "v": version, "outcome": "APPROVED", "conditions": [] })),
                "ratification_records",
            )
        }
        "reopenRatification" => {
            let (ratification, version) = if fresh {
                let (ratification, version, _) = app.advised(fx, "POSITIVE", &[]).await;
                (ratification, version)
            } else {
                let data = app
                    .ok(
                        &fx.admin,
                        "query($r: ID!) { node(id: $r) { ... on Ratification { version } } }",
                        json!({ "r": fx.r_recorded }),
                    )
                    .await;
                (fx.r_recorded.clone(), data["node"]["version"].as_i64().expect("version"))
            };
            write(
                "mutation($r: ID!, $v: Int!) { reopenRatification(input: { ratificationId: $r, expectedVersion: $v }) { __typename } }",
                json!({ "r": ratification, "v": version }),
                Some(json!({ "r": never("Ratification"), "v": version })),
                "ratification_records",
            )
        }
        "markConditionMet" => {
            let condition = if fresh {
                id(&app.advised(fx, "WITH_CONDITIONS", &["Huurders meenemen"]).await.2[0]["id"])
            } else {
                fx.condition.clone()
            };
            write(
                "mutation($c: ID!) { markConditionMet(input: { conditionId: $c }) { __typename } }",
                json!({ "c": condition }),
                Some(json!({ "c": never("RatificationCondition") })),
                "ratification_conditions",
            )
        }

        // ---- alignment ----
        "openAlignmentRound" => {
            // The network already has an open round; a facilitator opens one
            // in a network of their own without one.
            let network = if fresh { app.fresh_network(fx, true).await.0 } else { fx.network.clone() };
            write(
                OPEN_ROUND,
                json!({ "n": network, "closes": CLOSES }),
                Some(json!({ "n": never("Network"), "closes": CLOSES })),
                "alignment_rounds",
            )
        }
        "submitAlignmentResponse" => write(
            SUBMIT,
            json!({ "r": fx.round_open, "answers": answers() }),
            Some(json!({ "r": never("AlignmentRound"), "answers": answers() })),
            "alignment_responses",
        ),
        "closeAlignmentRound" => {
            let round = if fresh {
                let (network, _) = app.fresh_network(fx, true).await;
                id(
                    &app.ok(&fx.fac.token, OPEN_ROUND, json!({ "n": network, "closes": CLOSES })).await["openAlignmentRound"]
                        ["alignmentRound"]["id"],
                )
            } else {
                fx.round_open.clone()
            };
            write(
                "mutation($r: ID!) { closeAlignmentRound(input: { roundId: $r }) { __typename } }",
                json!({ "r": round }),
                Some(json!({ "r": never("AlignmentRound") })),
                "alignment_rounds",
            )
        }
        // ---- integration ----
        "Organisation.apiClients" => read(
            "query($id: ID!) { node(id: $id) { ... on Organisation { apiClients { id } } } }",
            json!({ "id": fx.p }),
            Some(json!({ "id": never("Organisation") })),
            Check::Contains("/data/node/apiClients", fx.spare_client.clone()),
        ),
        "Organisation.webhooks" => read(
            "query($id: ID!) { node(id: $id) { ... on Organisation { webhooks { id } } } }",
            json!({ "id": fx.p }),
            Some(json!({ "id": never("Organisation") })),
            Check::Contains("/data/node/webhooks", fx.webhook.clone()),
        ),
        "createApiClient" => write(
            "mutation($o: ID!) { createApiClient(input: { organisationId: $o, name: \"Intranet\" }) { __typename } }",
            json!({ "o": fx.p }),
            Some(json!({ "o": never("Organisation") })),
            "api_clients",
        ),
        "revokeApiClient" => {
            let client = if fresh { app.api_client_of(&fx.admin, &fx.p).await.0 } else { fx.spare_client.clone() };
            write(
                "mutation($c: ID!) { revokeApiClient(input: { apiClientId: $c }) { __typename } }",
                json!({ "c": client }),
                Some(json!({ "c": never("ApiClient") })),
                "api_clients",
            )
        }
        "createCalendarFeed" => write(
            "mutation { createCalendarFeed(input: { name: \"Telefoon\" }) { __typename } }",
            json!({}),
            None,
            "calendar_feeds",
        ),
        "setMailPreferences" => write(
            "mutation { setMailPreferences(input: { digestRhythm: WEEKLY }) { __typename } }",
            json!({}),
            None,
            "mail_preferences",
        ),
        "revokeCalendarFeed" => {
            let feed = if fresh { app.feed_of(&fx.staff_p.token).await } else { fx.feed.clone() };
            write(
                "mutation($f: ID!) { revokeCalendarFeed(input: { calendarFeedId: $f }) { __typename } }",
                json!({ "f": feed }),
                Some(json!({ "f": never("CalendarFeed") })),
                "calendar_feeds",
            )
        }
        "addIdentityProvider" => write(
            "mutation($i: String!, $k: JSON!) { addIdentityProvider(input: { name: \"Partner\", issuer: $i, audience: \"api\", jwks: $k, matchBy: SUB }) { __typename } }",
            json!({ "i": format!("https://idp{}.example", fx.next()), "k": fixture_jwks() }),
            None,
            "identity_providers",
        ),
        "createWebhook" => write(
            "mutation($o: ID!) { createWebhook(input: { organisationId: $o, url: \"https://hooks.example/p\", eventKinds: [\"commitment.agreed\"] }) { __typename } }",
            json!({ "o": fx.p }),
            Some(json!({ "o": never("Organisation") })),
            "webhooks",
        ),
        "updateWebhook" => {
            let hook = if fresh { app.webhook_of(&fx.admin, &fx.p).await } else { fx.webhook.clone() };
            // The same URL: even a wrongly accepted request changes nothing.
            write(
                "mutation($h: ID!) { updateWebhook(input: { webhookId: $h, url: \"https://hooks.example/p\" }) { __typename } }",
                json!({ "h": hook }),
                Some(json!({ "h": never("Webhook") })),
                "webhooks",
            )
        }
        "redeliverWebhookEvent" => write(
            "mutation($h: ID!, $e: ID!) { redeliverWebhookEvent(input: { webhookId: $h, eventId: $e }) { __typename } }",
            json!({ "h": fx.webhook, "e": fx.event }),
            Some(json!({ "h": never("Webhook"), "e": fx.event })),
            "webhook_deliveries",
        ),
        _ => return None,
    })
}

/// The public keys of the fixture JWKS, as an identity provider's key set.
fn fixture_jwks() -> Value {
    serde_json::from_str(&std::fs::read_to_string(crate::helpers::fixture("jwks.json")).expect("fixture"))
        .expect("json")
}

impl TestApp {
    /// A new API client of `organisation`: its node id, client id and secret.
    async fn api_client_of(&self, admin: &str, organisation: &str) -> (String, String, String) {
        let data = self
            .ok(admin, "mutation($o: ID!) { createApiClient(input: { organisationId: $o, name: \"Portaal\" }) { apiClient { id } clientId clientSecret } }", json!({ "o": organisation }))
            .await;
        let created = &data["createApiClient"];
        (id(&created["apiClient"]["id"]), id(&created["clientId"]), id(&created["clientSecret"]))
    }

    /// A new calendar feed of the person signed in with `token`.
    async fn feed_of(&self, token: &str) -> String {
        let data = self
            .ok(token, "mutation { createCalendarFeed(input: { name: \"Werk\" }) { calendarFeed { id } } }", json!({}))
            .await;
        id(&data["createCalendarFeed"]["calendarFeed"]["id"])
    }

    /// A token from `POST /oauth/token`.
    async fn client_token(&self, client_id: &str, secret: &str) -> String {
        let response = self
            .client
            .post(format!("{}/oauth/token", self.address))
            .form(&[("grant_type", "client_credentials"), ("client_id", client_id), ("client_secret", secret)])
            .send()
            .await
            .expect("token request");
        id(&response.json::<Value>().await.expect("json")["access_token"])
    }

    /// A new webhook of `organisation`.
    async fn webhook_of(&self, admin: &str, organisation: &str) -> String {
        id(&self
            .ok(admin, "mutation($o: ID!) { createWebhook(input: { organisationId: $o, url: \"https://hooks.example/p\", eventKinds: [\"commitment.agreed\"] }) { webhook { id } } }", json!({ "o": organisation }))
            .await["createWebhook"]["webhook"]["id"])
    }
}

/// What a response says: the outcome, and for an error its code and message.
async fn observe(
    app: &TestApp,
    token: Option<&str>,
    prepared: &Prepared,
    vars: &Value,
) -> Result<(Outcome, String), String> {
    let authorization = token.map(|t| format!("Bearer {t}"));
    let response = app.post(authorization.as_deref(), json!({ "query": prepared.query, "variables": vars })).await;
    let status = response.status();
    if status == 401 {
        return Ok((Outcome::Unauthenticated, "HTTP 401".into()));
    }
    let body: Value = response.json().await.map_err(|e| format!("HTTP {status}, not JSON: {e}"))?;
    if status != 200 {
        return Err(format!("HTTP {status}: {body}"));
    }
    if let Some(error) = body["errors"].as_array().and_then(|errors| errors.first()) {
        let code = error["extensions"]["code"].as_str().unwrap_or("<no code>");
        let message = error["message"].as_str().unwrap_or_default();
        let signature = format!("{code}: {message}");
        return match code {
            "FORBIDDEN" => Ok((Outcome::Forbidden, signature)),
            "NOT_FOUND" => Ok((Outcome::Hidden, signature)),
            _ => Err(format!("unexpected error {signature}")),
        };
    }
    let shown = |pointer: &str| body.pointer(pointer).filter(|v| !v.is_null()).cloned();
    let allowed = match &prepared.check {
        Check::Mutation => true,
        Check::Contains(pointer, needle) => shown(pointer).is_some_and(|v| v.to_string().contains(needle.as_str())),
        Check::Present(pointer) => shown(pointer).is_some_and(|v| match v {
            Value::Array(items) => !items.is_empty(),
            Value::String(text) => !text.is_empty(),
            _ => true,
        }),
    };
    Ok((if allowed { Outcome::Allowed } else { Outcome::Hidden }, "no error".into()))
}

async fn counts(app: &TestApp, table: Option<&str>) -> (i64, i64) {
    (
        app.count("events").await,
        match table {
            Some(table) => app.count(table).await,
            None => 0,
        },
    )
}

/// Walks one cell; `Err` says what does not hold.
async fn walk(app: &TestApp, fx: &Fx, cell: Cell) -> Result<(), String> {
    let operation = cell.entry.operation;
    let expected = cell.outcome;
    let fresh = expected == Outcome::Allowed;
    let prepared = prepare(app, fx, operation, fresh).await.ok_or_else(|| {
        format!("{operation}: no request for this row; add one to `prepare` in tests/api/matrix/mod.rs")
    })?;
    let token = fx.token(cell.role);
    let mutation = cell.entry.kind == Kind::Mutation;
    let before = if mutation && !fresh { Some(counts(app, prepared.table).await) } else { None };
    let (seen, signature) = observe(app, token, &prepared, &prepared.vars)
        .await
        .map_err(|e| format!("{operation} as {:?}: expected {}, got {e}", cell.role, expected.name()))?;
    let mut problems = Vec::new();
    if seen != expected {
        problems.push(format!("expected {}, got {} ({signature})", expected.name(), seen.name()));
    }
    if seen == Outcome::Hidden
        && let Some(missing) = &prepared.missing
    {
        match observe(app, token, &prepared, missing).await {
            Ok((Outcome::Hidden, never_signature)) if never_signature == signature => {}
            Ok((outcome, never_signature)) => problems.push(format!(
                "hidden answers {signature:?} but a never-existing id answers {} {never_signature:?}: an existence leak",
                outcome.name()
            )),
            Err(e) => problems.push(format!("a never-existing id answers {e}")),
        }
    }
    if let Some(before) = before {
        let after = counts(app, prepared.table).await;
        if after != before {
            problems.push(format!(
                "a refused mutation wrote: events {} → {}, {} {} → {}",
                before.0,
                after.0,
                prepared.table.unwrap_or("-"),
                before.1,
                after.1
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{operation} as {:?} ({}), expected {} because {}: {}",
            cell.role,
            cell.role.code(),
            expected.name(),
            cell.reason,
            problems.join("; ")
        ))
    }
}

both!(every_cell_of_the_authorization_matrix_holds_over_http, |app| {
    let started = Instant::now();
    let fx = build_world(&app).await;
    let built = started.elapsed();
    let mut walked = 0;
    let mut failures = Vec::new();
    for entry in MATRIX {
        for cell in entry.cells() {
            walked += 1;
            if let Err(failure) = walk(&app, &fx, cell).await {
                failures.push(failure);
            }
        }
    }
    // The walk can tell outcomes apart: the same requests, expecting another
    // outcome, must fail. (Last, as an unexpected success may touch targets.)
    let mut undetected = Vec::new();
    for entry in MATRIX {
        for role in [Role::Admin, Role::PartyStaff, Role::OutsiderStaff] {
            let cell = entry.cell(role);
            if entry.kind == Kind::Mutation && cell.outcome == Outcome::Allowed {
                continue;
            }
            let wrong = match cell.outcome {
                Outcome::Allowed | Outcome::Hidden => Outcome::Forbidden,
                Outcome::Forbidden | Outcome::Unauthenticated => Outcome::Hidden,
            };
            if walk(&app, &fx, Cell { outcome: wrong, ..cell }).await.is_ok() {
                undetected.push(format!("{} as {role:?} passes expecting {}", entry.operation, wrong.name()));
            }
        }
    }
    let total: usize = MATRIX.iter().map(|e| e.cells().count()).sum();
    println!(
        "authorization matrix on {:?}: {total} cells, {walked} walked, {} failed; \
         world built in {:.1?}, total {:.1?}",
        app.backend,
        failures.len(),
        built,
        started.elapsed()
    );
    assert_eq!(walked, total, "every cell is walked");
    assert!(undetected.is_empty(), "the walk cannot tell outcomes apart:\n{}", undetected.join("\n"));
    assert!(failures.is_empty(), "{} cells do not hold:\n{}", failures.len(), failures.join("\n"));
});

/// The code and message of a response's first error, or "no error".
async fn answer(app: &TestApp, token: &str, query: &str, vars: Value) -> String {
    let body: Value = app
        .post(Some(&format!("Bearer {token}")), json!({ "query": query, "variables": vars }))
        .await
        .json()
        .await
        .expect("a JSON body");
    let error = &body["errors"][0];
    format!(
        "{} {}",
        error["extensions"]["code"].as_str().unwrap_or("no error"),
        error["message"].as_str().unwrap_or("")
    )
}

both!(a_mutation_naming_an_invisible_secondary_id_answers_like_a_never_existing_one, |app| {
    let fx = build_world(&app).await;
    // Objects of the other network, which the people of the network under
    // test may not see.
    let elsewhere = id(
        &app.ok(&fx.fac_other.token, "{ networks { nodes { id } } }", json!({})).await["networks"]["nodes"][0]["id"],
    );
    let hidden_goal = id(&app
        .ok(
            &fx.fac_other.token,
            "mutation($n: ID!) { createGoal(input: { networkId: $n, title: \"Elders\", horizon: LONG_TERM }) { goal { id } } }",
            json!({ "n": elsewhere }),
        )
        .await["createGoal"]["goal"]["id"]);
    let hidden_meeting = id(&app
        .ok(
            &fx.fac_other.token,
            "mutation($n: ID!) { recordMeeting(input: { networkId: $n, heldOn: \"2026-03-02\", attendeeIds: [] }) { meeting { id } } }",
            json!({ "n": elsewhere }),
        )
        .await["recordMeeting"]["meeting"]["id"]);
    let cases: Vec<(&str, &str, &'static str, Value, Value)> = vec![
        (
            "agreeCommitment with another network's meeting",
            &fx.dir_p.token,
            "mutation($c: ID!, $o: ID!, $m: ID!) { agreeCommitment(input: { commitmentId: $c, organisationId: $o, meetingId: $m }) { __typename } }",
            json!({ "c": fx.c_proposed, "o": fx.p, "m": hidden_meeting }),
            json!({ "c": fx.c_proposed, "o": fx.p, "m": never("Meeting") }),
        ),
        (
            "proposeCommitment for another network's goal",
            &fx.fac.token,
            "mutation($n: ID!, $p: ID!, $g: ID!) { proposeCommitment(input: { networkId: $n, title: \"X\", scope: ORGANISATION,
                kind: QUICK_WIN, parties: [{ organisationId: $p }], leadOrganisationId: $p, dueOn: \"2026-04-01\", goalId: $g }) { __typename } }",
            json!({ "n": fx.network, "p": fx.p, "g": hidden_goal }),
            json!({ "n": fx.network, "p": fx.p, "g": never("Goal") }),
        ),
        (
            "createGoal under another network's goal",
            &fx.fac.token,
            "mutation($n: ID!, $g: ID!) { createGoal(input: { networkId: $n, title: \"Sub\", horizon: MID_TERM, parentId: $g }) { __typename } }",
            json!({ "n": fx.network, "g": hidden_goal }),
            json!({ "n": fx.network, "g": never("Goal") }),
        ),
        (
            "startConsultation for an organisation outside the network",
            &fx.dir_p.token,
            CONSULT,
            json!({ "c": fx.c_proposed, "o": fx.x }),
            json!({ "c": fx.c_proposed, "o": never("Organisation") }),
        ),
        (
            "setRepresentatives with a person outside the network",
            &fx.dir_p.token,
            "mutation($p: ID!, $people: [ID!]!) { setRepresentatives(input: { partnershipId: $p, personIds: $people }) { __typename } }",
            json!({ "p": fx.p_partnership, "people": [fx.rep.id, fx.staff_x.id] }),
            json!({ "p": fx.p_partnership, "people": [fx.rep.id, never("Person")] }),
        ),
        (
            "recordMeeting with a person outside the network",
            &fx.fac.token,
            "mutation($n: ID!, $people: [ID!]!) { recordMeeting(input: { networkId: $n, heldOn: \"2026-03-02\", attendeeIds: $people }) { __typename } }",
            json!({ "n": fx.network, "people": [fx.staff_x.id] }),
            json!({ "n": fx.network, "people": [never("Person")] }),
        ),
    ];
    let mut failures = Vec::new();
    for (case, token, query, hidden, missing) in cases {
        let events = app.count("events").await;
        let (seen, never_seen) = (answer(&app, token, query, hidden).await, answer(&app, token, query, missing).await);
        println!("  {case}: {seen}");
        if seen != never_seen || seen.starts_with("no error") {
            failures.push(format!("{case}: the invisible id answers {seen:?}, a never-existing one {never_seen:?}"));
        }
        if app.count("events").await != events {
            failures.push(format!("{case}: a refused mutation wrote an event"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
});
