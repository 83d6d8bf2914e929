//! Governing bodies: sensible defaults per kind of organisation, adjustable by
//! admins, exactly one deciding body.

use serde_json::{Value, json};

use crate::both;
use crate::helpers::world;

fn rights(organisation: &Value) -> Vec<(String, String)> {
    organisation["governingBodies"]
        .as_array()
        .expect("bodies")
        .iter()
        .map(|b| (b["kind"].as_str().expect("kind").to_owned(), b["right"].as_str().expect("right").to_owned()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(k, r)| ((*k).to_owned(), (*r).to_owned())).collect()
}

both!(each_kind_of_organisation_gets_its_default_governing_bodies, |app| {
    let admin = app.bootstrap("acme", "admin").await;
    let housing = app.create_organisation(&admin, "Woonstad", "HOUSING_CORPORATION").await;
    assert_eq!(
        rights(&housing),
        pairs(&[
            ("EXECUTIVE_BOARD", "DECIDES"),
            ("SUPERVISORY_BOARD", "APPROVES"),
            ("WORKS_COUNCIL", "ADVISES"),
            ("CLIENT_COUNCIL", "ADVISES"),
        ])
    );
    let municipality = app.create_organisation(&admin, "Gemeente", "MUNICIPALITY").await;
    assert_eq!(
        rights(&municipality),
        pairs(&[("EXECUTIVE_BOARD", "DECIDES"), ("MUNICIPAL_COUNCIL", "WISHES_AND_CONCERNS")])
    );
    let care = app.create_organisation(&admin, "Zorggroep", "CARE_PROVIDER").await;
    assert_eq!(
        rights(&care),
        pairs(&[
            ("EXECUTIVE_BOARD", "DECIDES"),
            ("SUPERVISORY_BOARD", "APPROVES"),
            ("WORKS_COUNCIL", "ADVISES"),
            ("CLIENT_COUNCIL", "ADVISES"),
        ])
    );
    let works_council = &housing["governingBodies"][2];
    assert_eq!(works_council["responseDays"], 42, "six weeks to advise");
});

both!(an_admin_sets_bodies_and_members_and_retired_bodies_stay_on_record, |app| {
    let w = world(&app, "acme").await;
    let org = app
        .gql(
            &w.admin,
            "query($o: ID!) { node(id: $o) { ... on Organisation { governingBodies { id name right } } } }",
            json!({ "o": w.org_a }),
        )
        .await;
    let bodies = org["node"]["governingBodies"].as_array().expect("bodies").clone();
    let board = bodies[0]["id"].clone();
    let supervisory = bodies[1]["id"].clone();

    let set = app
        .gql(
            &w.admin,
            "mutation($input: SetGoverningBodiesInput!) { setGoverningBodies(input: $input) {
                organisation { governingBodies { id name right responseDays members { id } } } } }",
            json!({ "input": { "organisationId": w.org_a, "bodies": [
                { "id": board, "name": "Directie", "kind": "EXECUTIVE_BOARD", "right": "DECIDES", "memberIds": [w.director_a] },
                { "name": "Personeelsvertegenwoordiging", "kind": "WORKS_COUNCIL", "right": "ADVISES", "responseDays": 30, "memberIds": [w.staff_a] }
            ] } }),
        )
        .await;
    let now = set["setGoverningBodies"]["organisation"]["governingBodies"].as_array().expect("bodies").clone();
    assert_eq!(now.len(), 2);
    assert_eq!(now[0]["id"], board, "the board kept its id");
    assert_eq!(now[0]["name"], "Directie");
    assert_eq!(now[0]["members"], json!([{ "id": w.director_a }]));
    assert_eq!(now[1]["responseDays"], 30);
    assert_eq!(now[1]["members"], json!([{ "id": w.staff_a }]));

    let retired = app
        .gql(
            &w.admin,
            "query($b: ID!) { node(id: $b) { ... on GoverningBody { name retiredAt } } }",
            json!({ "b": supervisory }),
        )
        .await;
    assert!(retired["node"]["retiredAt"].is_string(), "the supervisory board is retired, not deleted");
});

both!(bodies_need_exactly_one_deciding_body_and_members_from_the_organisation, |app| {
    let w = world(&app, "acme").await;
    let events_before = app.count("events").await;
    let bodies_before = app.count("governing_bodies").await;
    let set =
        "mutation($input: SetGoverningBodiesInput!) { setGoverningBodies(input: $input) { organisation { id } } }";

    let two_deciders = app
        .gql(
            &w.admin,
            set,
            json!({ "input": { "organisationId": w.org_a, "bodies": [
            { "name": "Bestuur", "kind": "EXECUTIVE_BOARD", "right": "DECIDES" },
            { "name": "Tweede bestuur", "kind": "OTHER", "right": "DECIDES" } ] } }),
        )
        .await;
    assert_eq!(two_deciders.code(), "BAD_USER_INPUT");
    let none_decides = app
        .gql(
            &w.admin,
            set,
            json!({ "input": { "organisationId": w.org_a, "bodies": [
            { "name": "OR", "kind": "WORKS_COUNCIL", "right": "ADVISES" } ] } }),
        )
        .await;
    assert_eq!(none_decides.code(), "BAD_USER_INPUT");
    let outsider = app
        .gql(
            &w.admin,
            set,
            json!({ "input": { "organisationId": w.org_a, "bodies": [
            { "name": "Bestuur", "kind": "EXECUTIVE_BOARD", "right": "DECIDES", "memberIds": [w.staff_b] } ] } }),
        )
        .await;
    assert_eq!(outsider.code(), "BAD_USER_INPUT", "a member needs a position in the organisation");
    let days = app
        .gql(
            &w.admin,
            set,
            json!({ "input": { "organisationId": w.org_a, "bodies": [
            { "name": "Bestuur", "kind": "EXECUTIVE_BOARD", "right": "DECIDES", "responseDays": 400 } ] } }),
        )
        .await;
    assert_eq!(days.code(), "BAD_USER_INPUT");

    assert_eq!(app.count("events").await, events_before);
    assert_eq!(app.count("governing_bodies").await, bodies_before);
});
