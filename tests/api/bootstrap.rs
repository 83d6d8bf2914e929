//! `eendracht bootstrap` creates a tenant and its first ADMIN; it refuses to
//! hand an existing tenant a new ADMIN unless told to (`--existing-tenant`).

use chrono::Utc;
use eendracht::domain::values::{Name, Slug, Subject};
use eendracht::store::tenants::{ExistingTenant, bootstrap_with};
use serde_json::json;

use crate::both;
use crate::helpers::TestApp;

async fn bootstrap(app: &TestApp, tenant: &str, subject: &str, existing: ExistingTenant) -> anyhow::Result<bool> {
    bootstrap_with(
        &app.db,
        &Slug::parse(tenant).expect("slug"),
        &Name::parse("tenant name", "Bestaand").expect("name"),
        &Subject::parse("admin subject", subject).expect("subject"),
        &Name::parse("admin name", "Ada Admin").expect("name"),
        Utc::now(),
        existing,
    )
    .await
    .map(|done| done.created_admin)
}

both!(bootstrap_refuses_a_new_admin_for_an_existing_tenant_unless_told_to, |app| {
    assert!(bootstrap(&app, "bestaand", "first-admin", ExistingTenant::Refuse).await.expect("a new tenant"));
    // The same tenant and admin again: nothing to refuse, nothing changes.
    assert!(!bootstrap(&app, "bestaand", "first-admin", ExistingTenant::Refuse).await.expect("a second run"));

    let people = app.count("people").await;
    let refused = bootstrap(&app, "bestaand", "ada", ExistingTenant::Refuse).await.expect_err("refused");
    assert!(refused.to_string().contains("--existing-tenant"), "{refused}");
    assert_eq!(app.count("people").await, people, "a refused bootstrap writes nothing");

    assert!(bootstrap(&app, "bestaand", "ada", ExistingTenant::AddAdmin).await.expect("told to"));
    assert_eq!(app.count("people").await, people + 1);
    let admin = app.ok(&app.token("bestaand", "ada"), "{ viewer { tenantRole } }", json!({})).await;
    assert_eq!(admin["viewer"]["tenantRole"], "ADMIN");
});
