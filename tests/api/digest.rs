//! A person's digest: what awaits them, what moved in their networks since a
//! moment, quick wins by goal and the health their view allows, one line per
//! subject, the same twice under the same clock, and nothing of a network
//! they are not part of.

use chrono::Duration;
use serde_json::{Value, json};

use crate::both;
use crate::dossiers::{agreed_initiative, ratification};
use crate::helpers::{TestApp, net_world};

const DIGEST: &str = "query($since: DateTime!, $l: Locale) { viewer { digest(since: $since, locale: $l) {
    since until locale markdown lines { section text subjectId signalKind } } } }";

async fn digest(app: &TestApp, token: &str, since: chrono::DateTime<chrono::Utc>, locale: Option<&str>) -> Value {
    app.ok(token, DIGEST, json!({ "since": since.to_rfc3339(), "l": locale })).await["viewer"]["digest"].clone()
}

fn texts(digest: &Value, section: &str) -> Vec<String> {
    digest["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .filter(|l| l["section"] == section)
        .map(|l| l["text"].as_str().expect("text").to_owned())
        .collect()
}

both!(a_digest_tells_each_person_what_concerns_them_and_nothing_else, |app| {
    let since = app.clock_now() - Duration::hours(1);
    let w = net_world(&app, "acme").await;
    let (commitment, supervisor) = agreed_initiative(&app, &w).await;
    // The corporation's board approves with a condition its organisation must
    // meet, once its advisers' six weeks have passed.
    app.clock.advance(Duration::days(43));
    let board = ratification(&app, &w, &commitment, &w.orgs[0], "EXECUTIVE_BOARD").await;
    app.ok(
        &w.directors[0].token,
        "mutation($input: RecordRatificationOutcomeInput!) { recordRatificationOutcome(input: $input) { ratification { id } } }",
        json!({ "input": { "ratificationId": board["id"], "expectedVersion": board["version"], "outcome": "APPROVED_WITH_CONDITIONS",
            "decidedOn": app.clock_now().date_naive().to_string(), "minutesReference": "Notulen 7",
            "conditions": ["Jaarlijkse evaluatie met huurders"] } }),
    )
    .await;
    // A quick win toward a goal, delivered.
    let goal = app
        .ok(
            &w.facilitator.token,
            "mutation($n: ID!) { createGoal(input: { networkId: $n, title: \"Betaalbaar wonen\", horizon: LONG_TERM }) { goal { id } } }",
            json!({ "n": w.network }),
        )
        .await["createGoal"]["goal"]["id"]
        .clone();
    let quick = app
        .ok(
            &w.facilitator.token,
            "mutation($input: ProposeCommitmentInput!) { proposeCommitment(input: $input) { commitment { id } } }",
            json!({ "input": { "networkId": w.network, "title": "Spreekuur in de wijk", "scope": "ORGANISATION", "kind": "QUICK_WIN",
                "parties": [{ "organisationId": w.orgs[1] }], "leadOrganisationId": w.orgs[1], "goalId": goal,
                "dueOn": (app.clock_now().date_naive() + Duration::days(30)).to_string() } }),
        )
        .await["proposeCommitment"]["commitment"]["id"]
        .clone();
    app.ok(&w.directors[1].token, "mutation($c: ID!, $o: ID!) { agreeCommitment(input: { commitmentId: $c, organisationId: $o }) { commitment { status } } }", json!({ "c": quick, "o": w.orgs[1] })).await;
    app.ok(&w.directors[1].token, "mutation($c: ID!) { addProgressUpdate(input: { commitmentId: $c, note: \"Gedaan\", status: DELIVERED }) { commitment { status } } }", json!({ "c": quick })).await;
    // An open round.
    app.ok(
        &w.facilitator.token,
        "mutation($input: OpenAlignmentRoundInput!) { openAlignmentRound(input: $input) { alignmentRound { id } } }",
        json!({ "input": { "networkId": w.network, "closesAt": (app.clock_now() + Duration::days(7)).to_rfc3339() } }),
    )
    .await;

    // The supervisor: the supervisory board's decision, the unanswered round,
    // the condition of their organisation; the agreement and the outcomes;
    // the quick win by goal; no health (a supervisor's view has none).
    let theirs = digest(&app, &supervisor.token, since, Some("NL")).await;
    let awaiting = texts(&theirs, "AWAITING");
    assert!(
        awaiting.iter().any(|t| t
            .starts_with("Raad van Commissarissen keurt ‘Wonen met zorg’ goed of onthoudt goedkeuring, uiterlijk ")),
        "{awaiting:?}"
    );
    assert!(awaiting.iter().any(|t| t.starts_with("De afstemmingsronde van Regio Oost sluit op ")), "{awaiting:?}");
    assert!(
        awaiting.contains(
            &"Woonstad moet nog voldoen aan een voorwaarde bij ‘Wonen met zorg’: Jaarlijkse evaluatie met huurders"
                .to_owned()
        ),
        "{awaiting:?}"
    );
    let happened = texts(&theirs, "HAPPENED");
    assert!(happened.contains(&"‘Wonen met zorg’ (Regio Oost) is aan tafel afgesproken.".to_owned()), "{happened:?}");
    assert!(happened.contains(&"‘Spreekuur in de wijk’ (Regio Oost) is opgeleverd.".to_owned()), "{happened:?}");
    assert_eq!(
        happened.iter().filter(|t| t.contains("Wonen met zorg’ (Regio Oost)")).count(),
        1,
        "one line per subject"
    );
    assert!(
        happened.iter().any(|t| t.ends_with("over ‘Wonen met zorg’: onder voorwaarden goedgekeurd.")),
        "{happened:?}"
    );
    assert_eq!(
        texts(&theirs, "QUICK_WINS"),
        ["Eén snel resultaat voor ‘Betaalbaar wonen’ (Regio Oost): Spreekuur in de wijk."]
    );
    assert!(texts(&theirs, "SIGNALS").is_empty(), "a supervisor's view has no health");
    let markdown = theirs["markdown"].as_str().expect("markdown");
    assert!(markdown.starts_with("# Wat acme-rvc aangaat\n"), "{markdown}");
    assert!(markdown.contains("\n## Wat op u wacht\n\n- "), "{markdown}");
    assert_eq!(digest(&app, &supervisor.token, since, Some("NL")).await, theirs, "the same under the same clock");

    // The facilitator reads the network's health among the rest, in English.
    let facilitator = digest(&app, &w.facilitator.token, since, Some("EN")).await;
    assert_eq!(facilitator["locale"], "EN");
    let signals: Vec<&Value> =
        facilitator["lines"].as_array().expect("lines").iter().filter(|l| l["section"] == "SIGNALS").collect();
    assert!(signals.iter().any(|l| l["signalKind"] == "NO_RECENT_ALIGNMENT_ROUND"), "{signals:?}");
    assert!(signals.iter().all(|l| l["text"].as_str().expect("text").starts_with("Regio Oost: ")));
    assert!(texts(&facilitator, "HAPPENED").contains(&"“Spreekuur in de wijk” (Regio Oost) is delivered.".to_owned()));

    // Later, nothing has moved since then.
    app.clock.advance(Duration::days(1));
    let later = digest(&app, &supervisor.token, app.clock_now() - Duration::hours(1), Some("NL")).await;
    assert!(texts(&later, "HAPPENED").is_empty() && texts(&later, "QUICK_WINS").is_empty(), "{later:#}");
    assert!(!texts(&later, "AWAITING").is_empty(), "what awaits still does");

    // An outsider reads nothing of the network.
    let outsider = digest(&app, &w.outsider.token, since, None).await;
    assert!(outsider["lines"].as_array().expect("lines").is_empty(), "{outsider:#}");
    // A period that starts in the future is refused.
    let future = app
        .gql(
            &w.outsider.token,
            DIGEST,
            json!({ "since": (app.clock_now() + Duration::days(1)).to_rfc3339(), "l": null }),
        )
        .await;
    assert_eq!(future.code(), "BAD_USER_INPUT");
});
