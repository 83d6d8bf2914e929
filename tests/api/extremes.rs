//! One request must never take the service down: every argument at its
//! extremes gets an answer that is not INTERNAL, text the database cannot
//! store is refused the same on both engines, dates outside the calendar's
//! years are BAD_USER_INPUT, and no statement binds a value per row of a
//! large network.

use std::collections::HashMap;
use std::time::Duration;

use chrono::NaiveDate;
use eendracht::seed::{SeedSize, seed};
use serde_json::{Map, Value, json};

use crate::both;
use crate::helpers::{TestApp, net_world};

const INTROSPECTION: &str = "{ __schema { types { name kind enumValues { name }
    inputFields { name defaultValue type { ...T } }
    fields { name args { name defaultValue type { ...T } } type { ...T } } } } }
    fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

/// Every Int argument is tried at these.
const INTS: [i64; 4] = [i32::MIN as i64, -1, 0, i32::MAX as i64];
/// Every DateTime argument: chrono's first and last moments, and the year 0.
const DATE_TIMES: [&str; 3] = ["-262143-01-01T00:00:00Z", "+262142-12-31T23:59:59Z", "0000-01-01T00:00:00Z"];
/// Every Date argument: chrono's first and last days, the year 0, the last
/// four-digit day, and the days just outside the accepted years.
const DATES: [&str; 6] = ["-262143-01-01", "+262142-12-31", "0000-01-01", "9999-12-31", "1899-12-31", "2201-01-01"];

/// A type as introspection describes it.
struct TypeRef<'a>(&'a Value);

impl<'a> TypeRef<'a> {
    fn kind(&self) -> &'a str {
        self.0["kind"].as_str().unwrap_or_default()
    }

    fn of_type(&self) -> TypeRef<'a> {
        TypeRef(&self.0["ofType"])
    }

    /// The type without its outer NON_NULL.
    fn nullable(&self) -> TypeRef<'a> {
        if self.kind() == "NON_NULL" { self.of_type() } else { TypeRef(self.0) }
    }

    /// The named type inside every wrapper.
    fn named(&self) -> TypeRef<'a> {
        match self.kind() {
            "NON_NULL" | "LIST" => self.of_type().named(),
            _ => TypeRef(self.0),
        }
    }

    fn name(&self) -> &'a str {
        self.0["name"].as_str().unwrap_or_default()
    }

    /// As written in a variable definition: `[ID!]!`.
    fn sdl(&self) -> String {
        match self.kind() {
            "NON_NULL" => format!("{}!", self.of_type().sdl()),
            "LIST" => format!("[{}]", self.of_type().sdl()),
            _ => self.name().to_owned(),
        }
    }
}

/// The schema's types by name, read by introspection.
struct Schema {
    types: HashMap<String, Value>,
    /// An id for a required ID argument.
    id: String,
    today: String,
}

impl Schema {
    fn of(&self, name: &str) -> &Value {
        self.types.get(name).unwrap_or_else(|| panic!("the schema has no type {name}"))
    }

    /// A valid value of a required type (`None` for a type that may be left out).
    fn baseline(&self, ty: TypeRef<'_>, required: bool) -> Option<Value> {
        if ty.kind() == "NON_NULL" {
            return self.baseline(ty.of_type(), true);
        }
        if !required {
            return None;
        }
        Some(match ty.kind() {
            "LIST" => json!([self.baseline(ty.of_type(), true)]),
            "ENUM" => self.of(ty.name())["enumValues"][0]["name"].clone(),
            "INPUT_OBJECT" => Value::Object(self.required_fields(ty.name())),
            _ => match ty.name() {
                "ID" => json!(self.id),
                "Int" => json!(1),
                "Float" => json!(1.0),
                "Boolean" => json!(false),
                "Date" => json!(self.today),
                "DateTime" => json!(format!("{}T00:00:00Z", self.today)),
                "JSON" => json!({}),
                _ => json!("x"),
            },
        })
    }

    /// An input object with its required fields only.
    fn required_fields(&self, input: &str) -> Map<String, Value> {
        let mut object = Map::new();
        for field in self.of(input)["inputFields"].as_array().into_iter().flatten() {
            let required = field["defaultValue"].is_null();
            if let Some(value) = self.baseline(TypeRef(&field["type"]), false).filter(|_| required) {
                object.insert(field["name"].as_str().unwrap_or_default().to_owned(), value);
            }
        }
        object
    }

    /// The extremes of a type: lists at 0 and 101 items, Int, DateTime and
    /// Date at theirs, and the fields of an input object each in turn.
    fn extremes(&self, ty: TypeRef<'_>) -> Vec<Extreme> {
        let ty = ty.nullable();
        let plain = |what: String, value: Value| Extreme { field: String::new(), what, value };
        match (ty.kind(), ty.name()) {
            ("LIST", _) => {
                let item = self.baseline(ty.of_type(), true).unwrap_or(Value::Null);
                vec![plain("0 items".into(), json!([])), plain("101 items".into(), Value::Array(vec![item; 101]))]
            }
            ("SCALAR", "Int") => INTS.iter().map(|n| plain(n.to_string(), json!(n))).collect(),
            ("SCALAR", "DateTime") => DATE_TIMES.iter().map(|at| plain((*at).to_owned(), json!(at))).collect(),
            ("SCALAR", "Date") => DATES.iter().map(|day| plain((*day).to_owned(), json!(day))).collect(),
            ("INPUT_OBJECT", name) => {
                let mut cases = Vec::new();
                for field in self.of(name)["inputFields"].as_array().into_iter().flatten() {
                    let field_name = field["name"].as_str().unwrap_or_default();
                    for extreme in self.extremes(TypeRef(&field["type"])) {
                        let mut object = self.required_fields(name);
                        object.insert(field_name.to_owned(), extreme.value);
                        cases.push(Extreme {
                            field: format!(".{field_name}{}", extreme.field),
                            what: extreme.what,
                            value: Value::Object(object),
                        });
                    }
                }
                cases
            }
            _ => Vec::new(),
        }
    }

    /// What to select of a field's type: its scalar fields, or `__typename`.
    fn selection(&self, ty: TypeRef<'_>) -> String {
        let named = ty.named();
        match named.kind() {
            "OBJECT" => {
                let mut fields = vec!["__typename".to_owned()];
                for field in self.of(named.name())["fields"].as_array().into_iter().flatten() {
                    let plain = field["args"].as_array().is_none_or(Vec::is_empty);
                    let leaf = matches!(TypeRef(&field["type"]).named().kind(), "SCALAR" | "ENUM");
                    if plain && leaf {
                        fields.push(field["name"].as_str().unwrap_or_default().to_owned());
                    } else if plain && field["name"] == "nodes" {
                        fields.push("nodes { __typename }".to_owned());
                    }
                }
                format!("{{ {} }}", fields.join(" "))
            }
            "INTERFACE" | "UNION" => "{ __typename }".to_owned(),
            _ => String::new(),
        }
    }
}

/// One value to try: the input field it is in (`.dueBefore`, or empty for the
/// argument itself), what it is, and the argument's value.
struct Extreme {
    field: String,
    what: String,
    value: Value,
}

/// Where a type's fields are reached from, and as whom.
struct Host {
    type_name: &'static str,
    token: String,
    /// The selection around the field, `{}` standing for it.
    around: &'static str,
    /// The id `$host` stands for, if the selection uses it.
    host: Option<String>,
}

/// Sends one operation; the answer's body, or why there was none.
async fn answer(app: &TestApp, token: &str, query: &str, variables: &Value) -> Result<Value, String> {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .timeout(Duration::from_secs(60))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .map_err(|error| format!("no answer: {error}"))?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|error| format!("HTTP {status} without a JSON body: {error}"))?;
    if body.get("data").is_none() && body.get("errors").is_none() {
        return Err(format!("HTTP {status}, neither data nor errors: {body}"));
    }
    Ok(body)
}

/// The codes of a body's errors.
fn codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|error| error["extensions"]["code"].as_str().unwrap_or("(no code)").to_owned())
        .collect()
}

/// A literal of a scalar as it would be written in the query.
fn literal(value: &Value) -> Option<String> {
    match value {
        Value::Number(_) | Value::String(_) => Some(value.to_string()),
        _ => None,
    }
}

both!(every_argument_at_its_extremes_gets_an_answer_that_is_not_internal, |app| {
    let w = net_world(&app, "edge").await;
    let fac = w.facilitator.token.clone();
    let introspection = app.ok(&fac, INTROSPECTION, json!({})).await;
    let types = introspection["__schema"]["types"]
        .as_array()
        .expect("types")
        .iter()
        .map(|t| (t["name"].as_str().expect("a name").to_owned(), t.clone()))
        .collect();
    let schema = Schema { types, id: w.network.clone(), today: app.clock_now().format("%Y-%m-%d").to_string() };
    let hosts = [
        Host { type_name: "Query", token: fac.clone(), around: "{}", host: None },
        Host { type_name: "Viewer", token: fac.clone(), around: "viewer { {} }", host: None },
        Host {
            type_name: "Network",
            token: fac.clone(),
            around: "network(id: $host) { {} }",
            host: Some(w.network.clone()),
        },
        Host {
            type_name: "Organisation",
            token: w.directors[0].token.clone(),
            around: "node(id: $host) { ... on Organisation { {} } }",
            host: Some(w.orgs[0].clone()),
        },
    ];

    let mut failures = Vec::new();
    let mut swept = Vec::new();
    for host in &hosts {
        for field in schema.of(host.type_name)["fields"].as_array().expect("fields") {
            let name = field["name"].as_str().expect("a name");
            let args = field["args"].as_array().expect("args");
            let selection = schema.selection(TypeRef(&field["type"]));
            let baseline: Vec<(&str, String, Option<Value>)> = args
                .iter()
                .map(|arg| {
                    let ty = TypeRef(&arg["type"]);
                    let required = arg["defaultValue"].is_null() && ty.kind() == "NON_NULL";
                    (arg["name"].as_str().expect("a name"), ty.sdl(), schema.baseline(ty, false).filter(|_| required))
                })
                .collect();
            for (varied, arg) in args.iter().enumerate() {
                let arg_name = arg["name"].as_str().expect("a name");
                for Extreme { field, what, value } in schema.extremes(TypeRef(&arg["type"])) {
                    let argument = format!("{}.{name}({arg_name}{field})", host.type_name);
                    let case = format!("{argument} = {what}");
                    swept.push(argument);
                    // Once through variables, and for a scalar once more as a literal.
                    let mut forms = vec![None];
                    if let Some(text) = literal(&value) {
                        forms.push(Some(text));
                    }
                    for form in forms {
                        let mut declarations = Vec::new();
                        let mut passed = Vec::new();
                        let mut variables = Map::new();
                        if let Some(id) = &host.host {
                            declarations.push("$host: ID!".to_owned());
                            variables.insert("host".into(), json!(id));
                        }
                        for (index, (arg, sdl, base)) in baseline.iter().enumerate() {
                            let given = if index == varied { Some(value.clone()) } else { base.clone() };
                            let Some(given) = given else { continue };
                            match (&form, index == varied) {
                                (Some(text), true) => passed.push(format!("{arg}: {text}")),
                                _ => {
                                    declarations.push(format!("$a_{arg}: {sdl}"));
                                    passed.push(format!("{arg}: $a_{arg}"));
                                    variables.insert(format!("a_{arg}"), given);
                                }
                            }
                        }
                        let call = format!("{name}({}) {selection}", passed.join(", "));
                        let body = host.around.replace("{}", &call);
                        let query = if declarations.is_empty() {
                            format!("query Sweep {{ {body} }}")
                        } else {
                            format!("query Sweep({}) {{ {body} }}", declarations.join(", "))
                        };
                        let how = if form.is_some() { "literal" } else { "variable" };
                        match answer(&app, &host.token, &query, &Value::Object(variables)).await {
                            Ok(body) if codes(&body).iter().any(|code| code == "INTERNAL" || code == "(no code)") => {
                                failures.push(format!("{case} as a {how}: {body}"));
                            }
                            Ok(_) => {}
                            Err(reason) => failures.push(format!("{case} as a {how}: {reason}")),
                        }
                    }
                }
            }
        }
    }
    for expected in [
        "Query.nodes(ids)",
        "Query.networks(first)",
        "Network.health(asOf)",
        "Network.commitments(filter.dueBefore)",
        "Network.timeline(kinds)",
        "Organisation.positions(first)",
    ] {
        assert!(swept.iter().any(|case| case == expected), "the sweep should reach {expected}: {swept:?}");
    }
    assert!(failures.is_empty(), "{} of the calls failed:\n{}", failures.len(), failures.join("\n"));

    // The server still answers an ordinary question.
    let data = app
        .ok(&fac, "query($n: ID!) { viewer { __typename } network(id: $n) { name } }", json!({ "n": w.network }))
        .await;
    assert_eq!(data["network"]["name"], "Regio Oost");
});

both!(a_nul_in_text_is_bad_user_input_on_both_engines_and_nothing_is_stored, |app| {
    let w = net_world(&app, "nul").await;
    let fac = w.facilitator.token.clone();
    let tables = ["networks", "expectations", "events"];
    let mut before = Vec::new();
    for table in tables {
        before.push(app.count(table).await);
    }
    let nul = "Samen\u{0}sterker";
    let create = "mutation($input: CreateNetworkInput!) { createNetwork(input: $input) { network { id } } }";
    let expect = "mutation($p: ID!, $t: String!) { recordExpectation(input: { partnershipId: $p, kind: GOAL, text: $t }) { expectation { id } } }";
    let timeline = "query($n: ID!, $k: [String!]) { network(id: $n) { timeline(kinds: $k) { totalCount } } }";
    let cases = [
        (&fac, create.to_owned(), json!({ "input": { "name": "Nul", "purpose": nul } }), "$input.purpose"),
        (
            &fac,
            "mutation { createNetwork(input: { name: \"Nul\", purpose: \"Samen\\u0000sterker\" }) { network { id } } }"
                .to_owned(),
            json!({}),
            "input.purpose",
        ),
        (&w.directors[0].token, expect.to_owned(), json!({ "p": w.partnerships[0], "t": nul }), "$t"),
        (&fac, timeline.to_owned(), json!({ "n": w.network, "k": ["network.created", "\u{0}"] }), "$k[1]"),
        (
            &fac,
            "query($n: ID!) { network(id: $n) { timeline(kinds: [\"network.created\\u0000\"]) { totalCount } } }"
                .to_owned(),
            json!({ "n": w.network }),
            "kinds[0]",
        ),
    ];
    for (token, query, variables, field) in cases {
        let response = app.gql(token, &query, variables).await;
        assert_eq!(response.code(), "BAD_USER_INPUT", "{query}: {:#}", response.0);
        assert!(
            response.message().contains(&format!("`{field}`")),
            "the message names {field}: {}",
            response.message()
        );
    }
    for (table, count) in tables.into_iter().zip(before) {
        assert_eq!(app.count(table).await, count, "nothing written to {table}");
    }
    // Other control characters are text like any other.
    let tab = app.gql(&fac, create, json!({ "input": { "name": "Tab", "purpose": "Samen\tsterker" } })).await;
    assert!(tab["createNetwork"]["network"]["id"].is_string());
});

both!(dates_outside_the_years_1900_to_2200_are_bad_user_input_and_nothing_panics, |app| {
    let w = net_world(&app, "dates").await;
    let fac = w.facilitator.token.clone();
    let health = "query($n: ID!, $at: DateTime) { network(id: $n) { health(asOf: $at) { asOf } } }";
    for at in ["-262143-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "1899-12-31T23:59:59Z"] {
        let response = app.gql(&fac, health, json!({ "n": w.network, "at": at })).await;
        assert_eq!(response.code(), "BAD_USER_INPUT", "asOf {at}: {:#}", response.0);
        let literal = format!("query($n: ID!) {{ network(id: $n) {{ health(asOf: \"{at}\") {{ asOf }} }} }}");
        let response = app.gql(&fac, &literal, json!({ "n": w.network })).await;
        assert_eq!(response.code(), "BAD_USER_INPUT", "asOf {at} as a literal: {:#}", response.0);
    }
    let first = app.gql(&fac, health, json!({ "n": w.network, "at": "1900-01-01T00:00:00Z" })).await;
    assert!(first["network"]["health"]["asOf"].is_string(), "the first moment of 1900 is diagnosed");

    let rounds = app.count("alignment_rounds").await;
    let open = "mutation($n: ID!, $at: DateTime!) { openAlignmentRound(input: { networkId: $n, closesAt: $at }) { alignmentRound { id } } }";
    for at in ["+262142-12-31T23:59:59Z", "2201-01-01T00:00:00Z"] {
        let response = app.gql(&fac, open, json!({ "n": w.network, "at": at })).await;
        assert_eq!(response.code(), "BAD_USER_INPUT", "closesAt {at}: {:#}", response.0);
    }
    assert_eq!(app.count("alignment_rounds").await, rounds, "no round opened");

    let commitments = app.count("commitments").await;
    let propose =
        "mutation($input: ProposeCommitmentInput!) { proposeCommitment(input: $input) { commitment { id } } }";
    for day in ["+262142-12-31", "0000-01-01", "2201-01-01", "1899-12-31"] {
        let input = json!({ "networkId": w.network, "title": "Ver weg", "scope": "ORGANISATION", "kind": "QUICK_WIN",
            "parties": [{ "organisationId": w.orgs[0], "contributionEuros": 0, "contributionHours": 0 }],
            "leadOrganisationId": w.orgs[0], "dueOn": day });
        let response = app.gql(&fac, propose, json!({ "input": input })).await;
        assert_eq!(response.code(), "BAD_USER_INPUT", "dueOn {day}: {:#}", response.0);
    }
    assert_eq!(app.count("commitments").await, commitments, "no commitment proposed");

    let data = app.ok(&fac, "query($n: ID!) { network(id: $n) { name } }", json!({ "n": w.network })).await;
    assert_eq!(data["network"]["name"], "Regio Oost", "the server still answers");
});

/// The network's opaque id, as the API writes it.
fn network_id(id: uuid::Uuid) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Network:{id}"))
}

both!(follow_through_binds_no_value_per_ratification, |app| {
    // A few thousand ratifications: before, their ids (and their
    // commitments' ids) were bound one parameter each, which for 300,000
    // commitments passed PostgreSQL's limit of 65,535.
    let size = SeedSize {
        organisations: 6,
        commitments: 1_500,
        until: NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date"),
        ..SeedSize::small("follow")
    };
    let summary = seed(&app.db, &size).await.expect("seed");
    let token = app.token(&summary.tenant, &summary.facilitator_subject);
    let ratifications = app.count("ratifications WHERE withdrawn_at IS NULL").await;
    assert!(ratifications > 1_000, "enough ratifications to tell: {ratifications}");

    app.app_db.take_most_values();
    let data = app
        .ok(
            &token,
            "query($id: ID!) { network(id: $id) { followThrough { organisation { id } involved answered approved
                rejected openConditions medianDaysToOutcome } } }",
            json!({ "id": network_id(summary.networks[0]) }),
        )
        .await;
    let most = app.app_db.take_most_values();
    assert!(most <= 100, "a statement bound {most} values; none may bind one per ratification");

    let parties = data["network"]["followThrough"].as_array().expect("parties");
    let sum = |key: &str| parties.iter().map(|p| p[key].as_i64().expect("a count")).sum::<i64>();
    assert_eq!(sum("involved"), ratifications, "every ratification counted once");
    let answered = app.count("ratifications WHERE withdrawn_at IS NULL AND outcome IS NOT NULL").await;
    assert_eq!(sum("answered"), answered);
    assert!(sum("approved") + sum("rejected") <= answered);
    assert!(parties.iter().any(|p| p["medianDaysToOutcome"].is_number()), "outcomes were timed");
});
