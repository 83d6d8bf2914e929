//! Row-level security on PostgreSQL: the database itself keeps tenants apart.
//!
//! The application already scopes every query by tenant (`Store::scoped`); this
//! is the second wall, for the query someone forgets to scope. Decisions:
//! - Every table that has a `tenant_id` gets one policy, `tenant_isolation`:
//!   a row is visible and writable only when its `tenant_id` equals the request
//!   transaction's `app.tenant_id` setting. Without the setting nothing matches
//!   (`NULLIF` turns the empty string a reset setting leaves into NULL).
//! - `FORCE` makes the table owner subject to the policy too, so a deployment
//!   that runs the API as the owner is still protected. Superusers and roles
//!   with BYPASSRLS are not; the server refuses to start as one in production.
//!   Referential-integrity checks are exempt by PostgreSQL's design.
//! - `tenants` has no policy: a request must find its tenant by slug before it
//!   can set `app.tenant_id`, and the table holds no data of the tenant itself.
//! - Later migrations that add a tenant table add its policy with
//!   [`crate::support::tenant_policy`]; a test fails when a table lacks one.
//!
//! SQLite has no row-level security; there the application's scoping is the wall.

use sea_orm_migration::prelude::*;

use crate::support::tenant_policy;

/// The tenant tables at the time of this migration.
const TENANT_TABLES: &[&str] = &[
    "people",
    "organisations",
    "governing_bodies",
    "body_members",
    "positions",
    "events",
    "event_organisations",
    "networks",
    "network_facilitators",
    "charter_versions",
    "partnerships",
    "representations",
    "expectations",
    "alignment_rounds",
    "alignment_questions",
    "alignment_invitees",
    "alignment_responses",
    "alignment_answers",
    "goals",
    "meetings",
    "meeting_attendees",
    "commitments",
    "commitment_parties",
    "progress_updates",
    "mandate_rules",
    "ratifications",
    "ratification_conditions",
    "ratification_records",
    "consultation_inputs",
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for table in TENANT_TABLES {
            db.execute_unprepared(&tenant_policy(table)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        for table in TENANT_TABLES {
            db.execute_unprepared(&format!(
                "DROP POLICY IF EXISTS tenant_isolation ON {table}; \
                 ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY; \
                 ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;"
            ))
            .await?;
        }
        Ok(())
    }
}
