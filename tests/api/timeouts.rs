//! Deadlines and database errors (PostgreSQL-only behaviour): a statement
//! that outlives the request's deadline is cancelled by PostgreSQL itself and
//! answered TIMEOUT; locks not available and deadlocks are CONFLICT, told
//! apart by SQLSTATE whatever language the server writes its messages in.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::postgres_only;

postgres_only!(a_statement_past_the_requests_deadline_is_cancelled_and_answered_timeout, |app| {
    use eendracht::auth::{Principal, TenantRef};
    use eendracht::domain::AppError;
    use eendracht::store::{Access, Store};

    app.bootstrap("acme", "acme-admin").await;
    let principal = Principal::person(TenantRef::Slug("acme".into()), "acme-admin");
    let deadline = std::time::Duration::from_millis(300);
    let store = Store::begin(&app.app_db, &principal, Access::Read, std::sync::Arc::new(app.clock.clone()), deadline)
        .await
        .expect("a request transaction");
    let started = std::time::Instant::now();
    // A statement no resolver runs, in the request's transaction: 30 s of sleep.
    let outcome = store
        .tx()
        .expect("an open transaction")
        .execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, "SELECT pg_sleep($1)", [30.0.into()]))
        .await
        .map_err(|error| eendracht::store::classify(error, "a statement of the test"));
    assert!(matches!(outcome, Err(AppError::Timeout)), "{outcome:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "cancelled long before the 30 s sleep ended");
    store.rollback().await;
    let sleeping = app
        .db
        .connection()
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'",
        ))
        .await
        .expect("activity query")
        .expect("a row")
        .try_get::<i64>("", "n")
        .expect("a count");
    assert_eq!(sleeping, 0, "no statement is left running");
});

/// A request transaction of `acme`'s admin on the application's pool.
async fn request(app: &crate::helpers::TestApp) -> eendracht::store::Store {
    use eendracht::auth::{Principal, TenantRef};
    use eendracht::store::{Access, Store};
    let principal = Principal::person(TenantRef::Slug("acme".into()), "acme-admin");
    Store::begin(
        &app.app_db,
        &principal,
        Access::Read,
        std::sync::Arc::new(app.clock.clone()),
        std::time::Duration::from_secs(20),
    )
    .await
    .expect("a request transaction")
}

/// Runs `sql` in the store's transaction, as the application maps its error.
async fn run(store: &eendracht::store::Store, sql: &str) -> Result<(), eendracht::domain::AppError> {
    let tx = store.tx().expect("an open transaction");
    tx.execute_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .map(|_| ())
        .map_err(|error| eendracht::store::classify(error, "a statement of the test"))
}

postgres_only!(database_errors_are_classified_by_sqlstate_whatever_language_the_server_writes, |app| {
    let admin = app.bootstrap("acme", "acme-admin").await;
    // CI runs this with PostgreSQL's messages in German: the classification
    // must not read them.
    if let Some(language) = crate::helpers::lc_messages() {
        let store = request(&app).await;
        let tx = store.tx().expect("an open transaction");
        let error = tx
            .execute_raw(Statement::from_string(DbBackend::Postgres, "SELECT 1/0"))
            .await
            .expect_err("division by zero");
        if language.starts_with("de") {
            assert!(error.to_string().contains("Division durch Null"), "the server speaks {language}: {error}");
        }
        store.rollback().await;
    }

    // A lock not available (55P03): the row is held by another transaction.
    let (holder, waiter) = (request(&app).await, request(&app).await);
    run(&holder, "SELECT id FROM people FOR UPDATE").await.expect("the holder locks");
    let refused = run(&waiter, "SELECT id FROM people FOR UPDATE NOWAIT").await;
    assert_eq!(refused.as_ref().map_err(|e| e.code()), Err("CONFLICT"), "{refused:?}");
    holder.rollback().await;
    waiter.rollback().await;

    // A deadlock (40P01): two transactions each wait for the other's row;
    // PostgreSQL breaks it by failing one of them.
    app.create_person(&admin, "second", "Second", None).await;
    let (a, b) = (request(&app).await, request(&app).await);
    let first_id = "(SELECT id FROM people ORDER BY id LIMIT 1)";
    let last_id = "(SELECT id FROM people ORDER BY id DESC LIMIT 1)";
    run(&a, &format!("UPDATE people SET name = name WHERE id = {first_id}")).await.expect("a takes the first row");
    run(&b, &format!("UPDATE people SET name = name WHERE id = {last_id}")).await.expect("b takes the last row");
    let (a_next, b_next) = (
        format!("UPDATE people SET name = name WHERE id = {last_id}"),
        format!("UPDATE people SET name = name WHERE id = {first_id}"),
    );
    let (left, right) = tokio::join!(run(&a, &a_next), run(&b, &b_next));
    let codes: Vec<_> = [&left, &right].iter().map(|r| r.as_ref().err().map(|e| e.code())).collect();
    assert!(codes.contains(&Some("CONFLICT")) && codes.contains(&None), "one side is the deadlock's victim: {codes:?}");
    a.rollback().await;
    b.rollback().await;
});
