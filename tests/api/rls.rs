//! Row-level security on PostgreSQL (PostgreSQL-only behaviour): the database
//! keeps tenants apart even for a query that forgets to scope itself, and the
//! application runs as a role that cannot escape it.

use std::sync::Arc;

use eendracht::clock::SystemClock;
use eendracht::config::Settings;
use eendracht::startup::Application;
use eendracht::store::Db;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement, TransactionTrait};
use uuid::Uuid;

use crate::helpers::{TestApp, with_user, world};
use crate::postgres_only;

/// Tables with a `tenant_id` column, read from the catalog (so a table added
/// later is covered without editing this test).
async fn tenant_tables(app: &TestApp) -> Vec<String> {
    app.db
        .connection()
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT c.relname::text AS name FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_attribute a ON a.attrelid = c.oid \
             WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attname = 'tenant_id' \
             AND NOT a.attisdropped ORDER BY 1",
        ))
        .await
        .expect("catalog query")
        .iter()
        .map(|row| row.try_get::<String>("", "name").expect("name"))
        .collect()
}

async fn tenant_id(app: &TestApp, slug: &str) -> Uuid {
    app.db
        .connection()
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM tenants WHERE slug = $1",
            [slug.into()],
        ))
        .await
        .expect("tenant query")
        .expect("the tenant exists")
        .try_get::<Uuid>("", "id")
        .expect("id")
}

async fn count(conn: &impl ConnectionTrait, sql: &str) -> i64 {
    conn.query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .expect("a row")
        .try_get::<i64>("", "n")
        .expect("a count")
}

/// A transaction as the application role with `app.tenant_id` set, as a request has.
async fn as_tenant(db: &Db, tenant: Uuid) -> DatabaseTransaction {
    let tx = db.connection().begin().await.expect("begin");
    tx.execute_unprepared(&format!("SELECT set_config('app.tenant_id', '{tenant}', true)")).await.expect("set tenant");
    tx
}

postgres_only!(an_unscoped_query_under_one_tenants_setting_gets_nothing_of_another, |app| {
    world(&app, "acme").await;
    world(&app, "globex").await;
    let acme = tenant_id(&app, "acme").await;
    let globex = tenant_id(&app, "globex").await;
    let as_app = Db::connect(&app.database_url).await.expect("connect as the application role");

    let tx = as_tenant(&as_app, acme).await;
    for table in tenant_tables(&app).await {
        // Deliberately unscoped: no WHERE tenant_id = … of our own.
        let foreign = count(&tx, &format!("SELECT COUNT(*) AS n FROM {table} WHERE tenant_id <> '{acme}'")).await;
        assert_eq!(foreign, 0, "{table}: rows of another tenant are visible under acme's setting");
    }
    for table in ["people", "organisations", "governing_bodies", "positions", "events"] {
        let mine = count(&tx, &format!("SELECT COUNT(*) AS n FROM {table}")).await;
        let theirs =
            count(app.db.connection(), &format!("SELECT COUNT(*) AS n FROM {table} WHERE tenant_id = '{globex}'"))
                .await;
        assert!(mine > 0 && theirs > 0, "{table}: the fixture must have rows in both tenants ({mine}, {theirs})");
    }
    // Writes: another tenant's rows cannot be changed, nor rows created for it.
    let updated = tx
        .execute_unprepared(&format!("UPDATE organisations SET name = 'taken' WHERE tenant_id = '{globex}'"))
        .await
        .expect("update runs");
    assert_eq!(updated.rows_affected(), 0);
    let insert = tx
        .execute_unprepared(&format!(
            "INSERT INTO people (id, tenant_id, subject, name, created_at, updated_at) \
             VALUES ('{}', '{globex}', 'intruder', 'Intruder', now(), now())",
            Uuid::now_v7()
        ))
        .await;
    // By SQLSTATE (42501, insufficient privilege), not by its message, which
    // CI has PostgreSQL write in German.
    let error = insert.expect_err("a row for another tenant is refused");
    let code = match &error {
        sea_orm::DbErr::Exec(sea_orm::RuntimeErr::SqlxError(sqlx)) => match sqlx.as_ref() {
            sea_orm::sqlx::Error::Database(database) => database.code().map(|code| code.into_owned()),
            _ => None,
        },
        _ => None,
    };
    assert_eq!(code.as_deref(), Some("42501"), "{error}");
    drop(tx);

    // Without a tenant setting a query sees nothing at all.
    let tx = as_app.connection().begin().await.expect("begin");
    assert_eq!(count(&tx, "SELECT COUNT(*) AS n FROM organisations").await, 0);
    assert_eq!(count(&tx, "SELECT COUNT(*) AS n FROM people").await, 0);
    tx.rollback().await.expect("rollback");

    let untouched = count(app.db.connection(), "SELECT COUNT(*) AS n FROM organisations WHERE name = 'taken'").await;
    assert_eq!(untouched, 0);
    as_app.close().await;
});

postgres_only!(every_tenant_table_is_under_forced_row_level_security, |app| {
    let tables = tenant_tables(&app).await;
    assert!(tables.len() >= 29, "expected every tenant table, got {tables:?}");
    for table in tables {
        let row = app
            .db
            .connection()
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced, \
                 (SELECT COUNT(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies \
                 FROM pg_class c WHERE c.oid = to_regclass($1)",
                [table.clone().into()],
            ))
            .await
            .expect("catalog query")
            .expect("the table exists");
        assert!(row.try_get::<bool>("", "enabled").expect("enabled"), "{table}: row-level security is off");
        assert!(row.try_get::<bool>("", "forced").expect("forced"), "{table}: row-level security is not forced");
        assert_eq!(row.try_get::<i64>("", "policies").expect("policies"), 1, "{table}: expected one policy");
    }
});

postgres_only!(the_application_role_cannot_bypass_row_level_security, |app| {
    let as_app = Db::connect(&app.database_url).await.expect("connect as the application role");
    let role = as_app.role().await.expect("role query").expect("PostgreSQL has roles");
    assert_eq!(role.name, crate::helpers::APP_ROLE);
    assert!(!role.bypasses_row_security);
    // And the API works under it end to end (the whole suite runs as it too).
    let admin = app.bootstrap("acme", "acme-admin").await;
    let org = app.create_organisation(&admin, "Woonstad", "HOUSING_CORPORATION").await;
    assert_eq!(org["name"], "Woonstad");
    as_app.close().await;
});

postgres_only!(production_refuses_to_serve_as_a_role_that_bypasses_row_level_security, |app| {
    let superuser_url = with_user(&app.database_url, "postgres");
    let settings =
        Settings { jwt_issuer: None, jwt_audience: None, ..crate::helpers::production_settings(superuser_url) };
    let serve = crate::helpers::serve_settings();
    let error = Application::build(&settings, &serve, Arc::new(SystemClock)).await.err().expect("must refuse");
    assert!(error.to_string().contains("bypasses row-level security"), "{error}");
});
