//! Tenant isolation and visibility: what a viewer may not see behaves exactly
//! like what does not exist (null, NOT_FOUND, never FORBIDDEN).

use serde_json::{Value, json};

use crate::both;
use crate::helpers::world;

fn ids(nodes: &Value) -> Vec<String> {
    nodes.as_array().expect("a list").iter().map(|n| n["id"].as_str().expect("id").to_owned()).collect()
}

both!(an_admin_of_one_tenant_sees_nothing_of_another, |app| {
    let a = world(&app, "acme").await;
    let b = world(&app, "globex").await;

    let listed = app
        .gql(&a.admin, "{ organisations { totalCount nodes { id } } people { totalCount nodes { id } } }", json!({}))
        .await;
    let orgs = ids(&listed["organisations"]["nodes"]);
    assert!(orgs.contains(&a.org_a) && orgs.contains(&a.org_b));
    assert!(!orgs.contains(&b.org_a) && !orgs.contains(&b.org_b));
    assert_eq!(listed["organisations"]["totalCount"], 2);
    let people = ids(&listed["people"]["nodes"]);
    assert!(!people.contains(&b.director_a) && !people.contains(&b.staff_b));
    assert_eq!(listed["people"]["totalCount"], 4, "the admin and three people of acme");

    let nodes = app
        .gql(
            &a.admin,
            "query($ids: [ID!]!, $one: ID!) { node(id: $one) { id } nodes(ids: $ids) { id } }",
            json!({ "one": b.org_a, "ids": [b.org_a, a.org_a, b.director_a, b.staff_b] }),
        )
        .await;
    assert_eq!(nodes["node"], json!(null));
    assert_eq!(nodes["nodes"], json!([null, { "id": a.org_a }, null, null]));

    // A mutation on another tenant's organisation answers exactly like one on
    // an organisation that never existed.
    let update = "mutation($id: ID!) { updateOrganisation(input: { id: $id, expectedVersion: 1, name: \"Taken\" }) { organisation { id } } }";
    let foreign = app.gql(&a.admin, update, json!({ "id": b.org_a })).await;
    let never = app
        .gql(&a.admin, update, json!({ "id": "T3JnYW5pc2F0aW9uOjAxOTAwMDAwLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMA" }))
        .await;
    assert_eq!(foreign.code(), "NOT_FOUND");
    assert_eq!(never.code(), "NOT_FOUND");
    assert_eq!(foreign.message(), never.message());

    let assign = app
        .gql(
            &a.admin,
            "mutation($p: ID!, $o: ID!) { assignPosition(input: { personId: $p, organisationId: $o, role: STAFF }) { position { id } } }",
            json!({ "p": b.staff_b, "o": a.org_a }),
        )
        .await;
    assert_eq!(assign.code(), "NOT_FOUND");
});

both!(a_non_admin_sees_only_their_own_organisations_and_their_people, |app| {
    let w = world(&app, "acme").await;
    let seen = app
        .gql(
            &w.staff_a_token,
            "query($b: ID!, $staffB: ID!, $dir: ID!) {
                organisations { nodes { id } }
                people { nodes { id name email } }
                orgB: node(id: $b) { id }
                staffB: node(id: $staffB) { id }
                director: node(id: $dir) { ... on Person { name email subject positions { role organisation { id } } } }
            }",
            json!({ "b": w.org_b, "staffB": w.staff_b, "dir": w.director_a }),
        )
        .await;
    assert_eq!(ids(&seen["organisations"]["nodes"]), vec![w.org_a.clone()]);
    let mut people = ids(&seen["people"]["nodes"]);
    people.sort();
    let mut expected = vec![w.director_a.clone(), w.staff_a.clone()];
    expected.sort();
    assert_eq!(people, expected, "colleagues and themself, nobody else");
    assert_eq!(seen["orgB"], json!(null));
    assert_eq!(seen["staffB"], json!(null));
    assert_eq!(seen["director"]["email"], "dirk@noord.nl", "colleagues see each other's e-mail");
    assert_eq!(seen["director"]["subject"], json!(null), "only admins and the person see the subject");
    assert_eq!(seen["director"]["positions"], json!([{ "role": "DIRECTOR", "organisation": { "id": w.org_a } }]));
});

both!(every_tenant_table_is_read_through_the_store_s_one_read_path, |app| {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    use crate::helpers::Backend;
    // Every table with a `tenant_id`, as the database has it.
    let sql = match app.backend {
        Backend::Postgres => {
            "SELECT c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_attribute a ON a.attrelid = c.oid WHERE n.nspname = current_schema() AND c.relkind = 'r' \
             AND a.attname = 'tenant_id' AND NOT a.attisdropped ORDER BY 1"
        }
        Backend::Sqlite => {
            "SELECT m.name AS name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND p.name = 'tenant_id' ORDER BY 1"
        }
    };
    let backend = if app.backend == Backend::Postgres { DbBackend::Postgres } else { DbBackend::Sqlite };
    let in_database: Vec<String> = app
        .db
        .connection()
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("catalog query")
        .iter()
        .map(|row| row.try_get::<String>("", "name").expect("name"))
        .collect();
    assert!(in_database.len() >= 30, "every tenant table: {in_database:?}");
    // …and as the store reads it: each either an object with its visibility
    // rule or a row read through a visible parent, never merely unscoped.
    let mut in_store: Vec<String> = eendracht::store::tables().into_iter().map(|(name, _)| name.to_owned()).collect();
    in_store.sort();
    assert_eq!(in_store, in_database, "a tenant table the store's read path does not know, or the reverse");
    let visible = eendracht::store::tables()
        .into_iter()
        .filter(|(_, reading)| *reading == eendracht::store::Reading::Visible)
        .count();
    assert!(visible >= 16, "the objects a viewer may or may not see state their rule: {visible}");
});
