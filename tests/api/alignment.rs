//! Alignment rounds: answering, closing, hand-checked results, and anonymity.

use serde_json::{Value, json};

use crate::both;
use crate::helpers::{Member, NetWorld, TestApp, net_world};

const OPEN: &str = "mutation($input: OpenAlignmentRoundInput!) { openAlignmentRound(input: $input) { alignmentRound { id status questions { key } } } }";
const SUBMIT: &str = "mutation($r: ID!, $answers: [AlignmentAnswerInput!]!) { submitAlignmentResponse(input: { roundId: $r, answers: $answers }) { alignmentRound { myAnswers { questionKey score } } } }";
const CLOSE: &str = "mutation($r: ID!) { closeAlignmentRound(input: { roundId: $r }) { alignmentRound { status } } }";
const RESULTS: &str = "query($r: ID!) { node(id: $r) { ... on AlignmentRound { status results {
    respondentCount invitedCount alignmentIndex alignmentIndexChange perPartnerFiguresShown
    questions { key mean standardDeviation min max answerCount }
    partners { organisation { id } mean respondentCount invitedCount responseRate } } } } }";
const KEYS: [&str; 6] = ["GOAL_CLARITY", "GOAL_SHARED", "WAY_OF_WORKING", "BACKING", "FOCUS", "RESULTS"];

fn answers(score: i32) -> Value {
    Value::Array(KEYS.iter().map(|k| json!({ "questionKey": k, "score": score })).collect())
}

async fn open_round(app: &TestApp, w: &NetWorld, days: i64) -> String {
    let closes_at = (app.clock_now() + chrono::Duration::days(days)).to_rfc3339();
    let data =
        app.ok(&w.facilitator.token, OPEN, json!({ "input": { "networkId": w.network, "closesAt": closes_at } })).await;
    data["openAlignmentRound"]["alignmentRound"]["id"].as_str().expect("id").to_owned()
}

async fn answer(app: &TestApp, member: &Member, round: &str, score: i32) {
    app.ok(&member.token, SUBMIT, json!({ "r": round, "answers": answers(score) })).await;
}

/// The API writes figures with two decimals: the hand-computed value, rounded so.
fn close_to(actual: &Value, expected: f64) -> bool {
    let expected = (expected * 100.0).round() / 100.0;
    actual.as_f64().is_some_and(|a| (a - expected).abs() < 1e-9)
}

both!(answers_can_be_replaced_until_the_round_closes, |app| {
    let w = net_world(&app, "acme").await;
    let round = open_round(&app, &w, 14).await;
    let first = app.ok(&w.staff[0][0].token, SUBMIT, json!({ "r": round, "answers": answers(2) })).await;
    assert_eq!(first["submitAlignmentResponse"]["alignmentRound"]["myAnswers"][0]["score"], 2);
    let second = app.ok(&w.staff[0][0].token, SUBMIT, json!({ "r": round, "answers": answers(5) })).await;
    assert_eq!(second["submitAlignmentResponse"]["alignmentRound"]["myAnswers"][0]["score"], 5);
    assert_eq!(app.count("alignment_responses").await, 1, "the second submission replaced the first");
    assert_eq!(app.count("alignment_answers").await, 6);

    // Someone else cannot read my answers, not even the facilitator.
    let others = app
        .ok(
            &w.facilitator.token,
            "query($r: ID!) { node(id: $r) { ... on AlignmentRound { myAnswers { score } } } }",
            json!({ "r": round }),
        )
        .await;
    assert_eq!(others["node"]["myAnswers"], json!([]));

    app.clock.advance(chrono::Duration::days(15));
    let late = app.gql(&w.staff[0][1].token, SUBMIT, json!({ "r": round, "answers": answers(3) })).await;
    assert_eq!(late.code(), "CONFLICT", "past closesAt the round is closed");
    let status = app
        .ok(
            &w.staff[0][1].token,
            "query($r: ID!) { node(id: $r) { ... on AlignmentRound { status } } }",
            json!({ "r": round }),
        )
        .await;
    assert_eq!(status["node"]["status"], "CLOSED");
    let close = app.gql(&w.facilitator.token, CLOSE, json!({ "r": round })).await;
    assert_eq!(close.code(), "CONFLICT", "already closed by time");
});

both!(only_invitees_answer_and_only_facilitators_open_and_close, |app| {
    let w = net_world(&app, "acme").await;
    let closes_at = (app.clock_now() + chrono::Duration::days(7)).to_rfc3339();
    let by_director = app
        .gql(&w.directors[0].token, OPEN, json!({ "input": { "networkId": w.network, "closesAt": closes_at } }))
        .await;
    assert_eq!(by_director.code(), "FORBIDDEN");
    let data = app
        .ok(&w.facilitator.token, OPEN, json!({ "input": { "networkId": w.network, "closesAt": closes_at, "inviteeIds": [w.directors[0].id, w.directors[1].id] } }))
        .await;
    let round = data["openAlignmentRound"]["alignmentRound"]["id"].as_str().expect("id").to_owned();
    assert_eq!(data["openAlignmentRound"]["alignmentRound"]["questions"].as_array().map(Vec::len), Some(6));
    let not_invited = app.gql(&w.staff[0][0].token, SUBMIT, json!({ "r": round, "answers": answers(3) })).await;
    assert_eq!(not_invited.code(), "FORBIDDEN");
    let second_round = app
        .gql(&w.facilitator.token, OPEN, json!({ "input": { "networkId": w.network, "closesAt": closes_at } }))
        .await;
    assert_eq!(second_round.code(), "CONFLICT", "one open round at a time");
    let close_by_director = app.gql(&w.directors[0].token, CLOSE, json!({ "r": round })).await;
    assert_eq!(close_by_director.code(), "FORBIDDEN");
    let closed = app.ok(&w.facilitator.token, CLOSE, json!({ "r": round })).await;
    assert_eq!(closed["closeAlignmentRound"]["alignmentRound"]["status"], "CLOSED");
    let after = app.gql(&w.directors[0].token, SUBMIT, json!({ "r": round, "answers": answers(3) })).await;
    assert_eq!(after.code(), "CONFLICT");
});

both!(bad_answers_are_refused_and_write_nothing, |app| {
    let w = net_world(&app, "acme").await;
    let round = open_round(&app, &w, 14).await;
    let events = app.count("events").await;
    let mut zero = answers(3);
    zero[0]["score"] = json!(0);
    let mut six = answers(3);
    six[1]["score"] = json!(6);
    let mut unknown = answers(3);
    unknown[2]["questionKey"] = json!("HAPPINESS");
    let missing = Value::Array(answers(3).as_array().expect("answers")[..5].to_vec());
    let mut twice = answers(3);
    twice[5]["questionKey"] = json!("FOCUS");
    for (case, answers) in [
        ("score 0", zero),
        ("score 6", six),
        ("unknown key", unknown),
        ("a question left out", missing),
        ("a question twice", twice),
    ] {
        let response = app.gql(&w.staff[0][0].token, SUBMIT, json!({ "r": round, "answers": answers })).await;
        assert_eq!(response.code(), "BAD_USER_INPUT", "{case}");
    }
    let past = app
        .gql(
            &w.facilitator.token,
            OPEN,
            json!({ "input": { "networkId": w.network, "closesAt": "2020-01-01T00:00:00Z" } }),
        )
        .await;
    assert_eq!(past.code(), "BAD_USER_INPUT");
    let bad_key = app
        .gql(&w.facilitator.token, OPEN, json!({ "input": { "networkId": w.network, "closesAt": "2027-01-01T00:00:00Z", "customQuestions": [{ "key": "FOCUS", "text": "Dubbel" }] } }))
        .await;
    assert_eq!(bad_key.code(), "BAD_USER_INPUT");
    assert_eq!(app.count("alignment_answers").await, 0);
    assert_eq!(app.count("events").await, events);
});

both!(standard_questions_read_in_the_readers_language_custom_ones_as_written, |app| {
    let w = net_world(&app, "acme").await;
    let open = "mutation($input: OpenAlignmentRoundInput!) { openAlignmentRound(input: $input) { alignmentRound {
        nl: questions { key text } en: questions(locale: EN) { key text } } } }";
    let input = json!({ "networkId": w.network, "closesAt": "2027-01-01T00:00:00Z",
        "customQuestions": [{ "key": "HOUSING_FIRST", "text": "Wonen gaat voor alles." }] });
    let round = app.ok(&w.facilitator.token, open, json!({ "input": input })).await;
    let round = &round["openAlignmentRound"]["alignmentRound"];
    let text = |language: &str, key: &str| {
        round[language].as_array().expect("questions").iter().find(|q| q["key"] == key).expect("a question")["text"]
            .clone()
    };
    // The tenant speaks Dutch; `locale` asks for English.
    assert_eq!(text("nl", "GOAL_CLARITY"), "De doelen van ons netwerk zijn mij duidelijk.");
    assert_eq!(text("en", "GOAL_CLARITY"), "The goals of our network are clear to me.");
    assert_eq!(text("nl", "HOUSING_FIRST"), "Wonen gaat voor alles.");
    assert_eq!(text("en", "HOUSING_FIRST"), "Wonen gaat voor alles.");
});

both!(results_are_hand_checked_partner_weighted_and_anonymous, |app| {
    let w = net_world(&app, "acme").await;

    // Round 1: housing (partner 0) answers 4 twice, the municipality 2 once,
    // the care provider not at all.
    let first = open_round(&app, &w, 14).await;
    answer(&app, &w.directors[0], &first, 4).await;
    answer(&app, &w.staff[0][0], &first, 4).await;
    answer(&app, &w.directors[1], &first, 2).await;

    // While open, partners see no results; the facilitator follows the
    // response counts, never scores: one respondent's partner mean would be
    // that person's answers.
    let open_view = app.ok(&w.directors[0].token, RESULTS, json!({ "r": first })).await;
    assert_eq!(open_view["node"]["results"], json!(null));
    let live = app.ok(&w.facilitator.token, RESULTS, json!({ "r": first })).await;
    let results = &live["node"]["results"];
    assert_eq!(results["respondentCount"], 3);
    assert_eq!(results["invitedCount"], 9);
    assert_eq!(results["alignmentIndex"], json!(null));
    assert_eq!(results["questions"], json!([]));
    assert_eq!(results["perPartnerFiguresShown"], false);
    let partners = results["partners"].as_array().expect("partners");
    assert_eq!(partners.len(), 3);
    let municipality = partners.iter().find(|p| p["organisation"]["id"] == json!(w.orgs[1])).expect("municipality");
    assert_eq!(municipality["respondentCount"], 1);
    assert_eq!(municipality["mean"], json!(null), "a single respondent's mean is their answer");
    let housing = partners.iter().find(|p| p["organisation"]["id"] == json!(w.orgs[0])).expect("housing");
    assert!(close_to(&housing["responseRate"], 2.0 / 3.0));

    app.ok(&w.facilitator.token, CLOSE, json!({ "r": first })).await;
    // After closing, partners see network-wide figures (3 respondents), but no
    // per-partner figures while any partner has fewer than 3: otherwise the
    // municipality's single answer could be read off, directly or by
    // subtracting the other partners' figures from the totals.
    let closed_view = app.ok(&w.staff[2][0].token, RESULTS, json!({ "r": first })).await;
    let results = &closed_view["node"]["results"];
    // Partner means 4 and 2 weigh equally: mean 3, every answer 1 away, σ = 1.
    assert!(close_to(&results["alignmentIndex"], 0.5), "{results}");
    let q = &results["questions"][0];
    assert!(close_to(&q["mean"], 10.0 / 3.0));
    assert!(close_to(&q["standardDeviation"], (8.0f64 / 9.0).sqrt()));
    assert_eq!((q["min"].as_i64(), q["max"].as_i64(), q["answerCount"].as_i64()), (Some(2), Some(4), Some(3)));
    // The facilitator is held to the same rule once the round closed.
    let facilitator_view = app.ok(&w.facilitator.token, RESULTS, json!({ "r": first })).await;
    assert_eq!(facilitator_view["node"]["results"]["partners"], json!([]));
    assert_eq!(results["perPartnerFiguresShown"], false);
    assert_eq!(results["partners"], json!([]));
    assert_eq!(results["questions"].as_array().map(Vec::len), Some(6));

    // Round 2: everyone answers; partner means 5, 3 and 4.
    app.clock.advance(chrono::Duration::days(20));
    let second = open_round(&app, &w, 14).await;
    for (i, score) in [(0, 5), (1, 3), (2, 4)] {
        answer(&app, &w.directors[i], &second, score).await;
        for member in &w.staff[i] {
            answer(&app, member, &second, score).await;
        }
    }
    app.ok(&w.facilitator.token, CLOSE, json!({ "r": second })).await;
    let view = app.ok(&w.staff[1][1].token, RESULTS, json!({ "r": second })).await;
    let results = &view["node"]["results"];
    // Weighted mean 4; distances 1, 1, 0: σ = sqrt(2/3).
    let index = 1.0 - (2.0f64 / 3.0).sqrt() / 2.0;
    assert!(close_to(&results["alignmentIndex"], index), "{results}");
    assert!(close_to(&results["alignmentIndexChange"], index - 0.5));
    assert_eq!(results["perPartnerFiguresShown"], true, "every partner has 3 respondents");
    assert_eq!(results["partners"].as_array().map(Vec::len), Some(3));
});

both!(a_round_with_fewer_than_three_respondents_shows_partners_nothing, |app| {
    let w = net_world(&app, "acme").await;
    let round = open_round(&app, &w, 14).await;
    answer(&app, &w.directors[0], &round, 1).await;
    answer(&app, &w.directors[1], &round, 5).await;
    app.ok(&w.facilitator.token, CLOSE, json!({ "r": round })).await;
    let view = app.ok(&w.directors[0].token, RESULTS, json!({ "r": round })).await;
    let results = &view["node"]["results"];
    assert_eq!(results["respondentCount"], 2);
    assert_eq!(results["alignmentIndex"], json!(null));
    assert_eq!(results["questions"], json!([]));
    assert_eq!(results["partners"], json!([]));
});

const INVITEES: &str = "query($r: ID!, $after: String) { node(id: $r) { ... on AlignmentRound {
    results { invitedCount }
    invitees(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        nodes { person { id } organisation { id } } } } } }";

both!(facilitators_read_who_was_invited_and_partners_do_not, |app| {
    let w = net_world(&app, "acme").await;
    let round = open_round(&app, &w, 14).await;
    // Everyone with a position at an ACTIVE partner, each for their own organisation.
    let mut expected: Vec<(String, String)> = Vec::new();
    for i in 0..3 {
        expected.push((w.directors[i].id.clone(), w.orgs[i].clone()));
        for staff in &w.staff[i] {
            expected.push((staff.id.clone(), w.orgs[i].clone()));
        }
    }
    expected.sort();
    for reader in [&w.facilitator.token, &w.admin] {
        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let data = app.ok(reader, INVITEES, json!({ "r": round, "after": after })).await;
            let invitees = &data["node"]["invitees"];
            assert_eq!(invitees["totalCount"], 9, "{data}");
            for node in invitees["nodes"].as_array().expect("nodes") {
                seen.push((
                    node["person"]["id"].as_str().expect("person").to_owned(),
                    node["organisation"]["id"].as_str().expect("organisation").to_owned(),
                ));
            }
            if invitees["pageInfo"]["hasNextPage"] != json!(true) {
                break;
            }
            after = invitees["pageInfo"]["endCursor"].clone();
        }
        seen.sort();
        assert_eq!(seen, expected, "pages of four hold every invitee once");
    }
    // A partner's director sees the round and its counts, not who was asked.
    let partner = app.ok(&w.directors[0].token, INVITEES, json!({ "r": round, "after": null })).await;
    assert_eq!(partner["node"]["invitees"], Value::Null, "{partner}");
    // Someone outside the network does not see the round at all.
    let outsider = app.ok(&w.outsider.token, INVITEES, json!({ "r": round, "after": null })).await;
    assert_eq!(outsider["node"], Value::Null);
});

both!(a_round_s_invitees_read_the_same_in_a_list_of_rounds_as_alone, |app| {
    let w = net_world(&app, "acme").await;
    let first = open_round(&app, &w, 14).await;
    app.ok(&w.facilitator.token, CLOSE, json!({ "r": first })).await;
    let second = open_round(&app, &w, 14).await;
    let invitees = "invitees(first: 5) { totalCount pageInfo { hasNextPage endCursor }
        nodes { person { id } organisation { id } } }";
    // Many rounds at once go through the one-statement loader…
    let listed = app
        .ok(
            &w.facilitator.token,
            &format!("query($n: ID!) {{ network(id: $n) {{ alignmentRounds {{ nodes {{ id {invitees} }} }} }} }}"),
            json!({ "n": w.network }),
        )
        .await;
    let rounds = listed["network"]["alignmentRounds"]["nodes"].as_array().expect("rounds").clone();
    assert_eq!(rounds.len(), 2, "{listed}");
    // …one round alone through its own page: the same invitees, page and cursor.
    for round in [&first, &second] {
        let alone = app
            .ok(
                &w.facilitator.token,
                &format!("query($r: ID!) {{ node(id: $r) {{ ... on AlignmentRound {{ id {invitees} }} }} }}"),
                json!({ "r": round }),
            )
            .await;
        let in_list = rounds.iter().find(|r| r["id"] == json!(round)).expect("the round is listed");
        assert_eq!(in_list["invitees"], alone["node"]["invitees"], "round {round}");
        assert_eq!(alone["node"]["invitees"]["totalCount"], 9);
    }
});
