//! Privacy (GDPR): `anonymizePerson` erases a person's personal data while
//! their decisions and history stay consistent; `exportPersonData` returns
//! everything held about them. Events never carried personal data.

use base64::Engine;
use entity::{event, person, position, representation};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::both;
use crate::helpers::{TestApp, net_world};

const ANONYMIZE: &str = "mutation($p: ID!) { anonymizePerson(input: { personId: $p }) {
    person { id name email subject tenantRole anonymized anonymizedAt positions { current } } } }";
const EXPORT: &str =
    "mutation($p: ID!) { exportPersonData(input: { personId: $p }) { person { id } exportedAt data } }";

/// The UUID inside an opaque global id.
fn uuid_of(global_id: &str) -> Uuid {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(global_id).expect("base64url id");
    let text = String::from_utf8(bytes).expect("utf-8 id");
    text.split_once(':').expect("Type:uuid").1.parse().expect("a uuid")
}

async fn events_about(app: &TestApp, person: Uuid) -> Vec<event::Model> {
    event::Entity::find().filter(event::Column::SubjectId.eq(person)).all(app.db.connection()).await.expect("events")
}

async fn events_by(app: &TestApp, person: Uuid) -> usize {
    event::Entity::find()
        .filter(event::Column::ActorPersonId.eq(person))
        .all(app.db.connection())
        .await
        .expect("events")
        .len()
}

both!(anonymizing_erases_personal_data_and_keeps_history_attributed_to_a_former_member, |app| {
    let w = net_world(&app, "acme").await;
    let leaving = &w.directors[1];
    let id = uuid_of(&leaving.id);
    let before = person::Entity::find_by_id(id).one(app.db.connection()).await.expect("query").expect("person");
    let email = before.email.clone().expect("the fixture gives an e-mail");
    let acted = events_by(&app, id).await;
    assert!(acted > 0, "the director accepted the partnership and set representatives");

    // Events never held personal data: nothing to rewrite.
    let all_events = event::Entity::find().all(app.db.connection()).await.expect("events");
    for e in &all_events {
        let payload = e.payload.to_string();
        assert!(!payload.contains(&before.name) && !payload.contains(&email), "personal data in {}: {payload}", e.kind);
    }

    let data = app.ok(&w.admin, ANONYMIZE, json!({ "p": leaving.id })).await;
    let anonymized = &data["anonymizePerson"]["person"];
    assert_eq!(anonymized["name"], "Former member");
    assert_eq!(anonymized["email"], Value::Null);
    assert_eq!(anonymized["tenantRole"], Value::Null);
    assert_eq!(anonymized["anonymized"], true);
    assert!(anonymized["anonymizedAt"].is_string());
    assert!(!anonymized["subject"].as_str().expect("admins see the subject").contains(&before.subject));
    assert!(anonymized["positions"].as_array().expect("positions").iter().all(|p| p["current"] == false));

    // Nothing of the person is left in their row; their periods ended.
    let after = person::Entity::find_by_id(id).one(app.db.connection()).await.expect("query").expect("row kept");
    let row = format!("{after:?}");
    assert!(!row.contains(&before.name) && !row.contains(&email) && !row.contains(&before.subject), "{row}");
    let open_positions = position::Entity::find()
        .filter(position::Column::PersonId.eq(id))
        .filter(position::Column::EndedOn.is_null())
        .all(app.db.connection())
        .await
        .expect("positions");
    assert!(open_positions.is_empty());
    let open_representations = representation::Entity::find()
        .filter(representation::Column::PersonId.eq(id))
        .filter(representation::Column::EndedOn.is_null())
        .all(app.db.connection())
        .await
        .expect("representations");
    assert!(open_representations.is_empty());

    // History stays: their events are still theirs, one more records the erasure.
    assert_eq!(events_by(&app, id).await, acted);
    let erasures: Vec<_> = events_about(&app, id).await.into_iter().filter(|e| e.kind == "person.anonymized").collect();
    assert_eq!(erasures.len(), 1);
    assert_eq!(erasures[0].payload, json!({}));

    // The partnership they accepted still shows who did, as a former member.
    let partners = app
        .ok(
            &w.facilitator.token,
            "query($n: ID!) { network(id: $n) { partners(first: 10) { nodes { organisation { id } representatives { person { name } } } } } }",
            json!({ "n": w.network }),
        )
        .await;
    let theirs = partners["network"]["partners"]["nodes"]
        .as_array()
        .expect("partners")
        .iter()
        .find(|p| p["organisation"]["id"] == json!(w.orgs[1]))
        .expect("the partner stays")
        .clone();
    assert_eq!(theirs["representatives"], json!([]), "an anonymized person represents no one");

    // Their token no longer signs anyone in.
    let response =
        app.post(Some(&format!("Bearer {}", leaving.token)), json!({ "query": "{ viewer { person { id } } }" })).await;
    assert_eq!(response.status(), 401);

    // Repeating it changes nothing and records nothing.
    let again = app.ok(&w.admin, ANONYMIZE, json!({ "p": leaving.id })).await;
    assert_eq!(again["anonymizePerson"]["person"]["anonymizedAt"], anonymized["anonymizedAt"]);
    assert_eq!(events_about(&app, id).await.iter().filter(|e| e.kind == "person.anonymized").count(), 1);
});

both!(only_an_admin_anonymizes_and_never_themself, |app| {
    let w = net_world(&app, "acme").await;
    let other = net_world(&app, "globex").await;
    let target = &w.staff[0][0];
    let events = app.count("events").await;
    let refused = app.gql(&w.facilitator.token, ANONYMIZE, json!({ "p": target.id })).await;
    assert_eq!(refused.code(), "FORBIDDEN");
    let refused = app.gql(&w.directors[0].token, ANONYMIZE, json!({ "p": target.id })).await;
    assert_eq!(refused.code(), "FORBIDDEN");
    // Another tenant's person is not there at all, like one that never existed.
    let hidden = app.gql(&w.admin, ANONYMIZE, json!({ "p": other.staff[0][0].id })).await;
    assert_eq!(hidden.code(), "NOT_FOUND");
    let missing = app
        .gql(&w.admin, ANONYMIZE, json!({ "p": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Person:{}", Uuid::now_v7())) }))
        .await;
    assert_eq!((missing.code(), missing.message()), (hidden.code(), hidden.message()));
    let me = app.ok(&w.admin, "{ viewer { person { id } } }", json!({})).await;
    let myself = app.gql(&w.admin, ANONYMIZE, json!({ "p": me["viewer"]["person"]["id"] })).await;
    assert_eq!(myself.code(), "BAD_USER_INPUT");
    assert_eq!(app.count("events").await, events, "refusals write nothing");
});

both!(an_export_holds_everything_about_the_person_and_only_them, |app| {
    let w = net_world(&app, "acme").await;
    let director = &w.directors[0];
    let data = app.ok(&director.token, EXPORT, json!({ "p": director.id })).await;
    let export = &data["exportPersonData"];
    assert_eq!(export["person"]["id"], json!(director.id));
    assert!(export["exportedAt"].is_string());
    let data = &export["data"];
    let id = uuid_of(&director.id).to_string();
    assert_eq!(data["person"][0]["id"], json!(id));
    assert!(data["person"][0]["email"].is_string(), "the export holds the person's own e-mail");
    assert_eq!(data["positions"].as_array().expect("positions").len(), 1);
    assert_eq!(data["representations"].as_array().expect("representations").len(), 1);
    assert!(!data["eventsAsActor"].as_array().expect("events").is_empty());
    for section in data.as_object().expect("sections").values() {
        for row in section.as_array().expect("a list of rows") {
            // Every row is the person's own or names them.
            assert!(row.as_object().expect("a row").values().any(|v| v == &json!(id)), "{row}");
        }
    }

    // An admin may export anyone; a colleague may not; an outsider finds no one.
    app.ok(&w.admin, EXPORT, json!({ "p": director.id })).await;
    let colleague = app.gql(&w.staff[0][0].token, EXPORT, json!({ "p": director.id })).await;
    assert_eq!(colleague.code(), "FORBIDDEN");
    let outsider = app.gql(&w.outsider.token, EXPORT, json!({ "p": w.staff[0][0].id })).await;
    assert_eq!(outsider.code(), "NOT_FOUND");

    // Each export is on record, without personal data.
    let exports: Vec<_> = events_about(&app, uuid_of(&director.id))
        .await
        .into_iter()
        .filter(|e| e.kind == "person.data_exported")
        .collect();
    assert_eq!(exports.len(), 2);
    assert!(exports.iter().all(|e| e.payload == json!({})));
});
