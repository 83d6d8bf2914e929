//! Deadlines (PostgreSQL-only behaviour): a statement that outlives the
//! request's deadline is cancelled by PostgreSQL itself and answered TIMEOUT.

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
        .map_err(AppError::from);
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
