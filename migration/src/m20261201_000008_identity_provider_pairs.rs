//! Identity providers: an issuer with its audience belongs to one tenant.
//!
//! Migration 7 made the pair unique per tenant only, so a second tenant could
//! register a pair the first already held. Both then matched the same tokens,
//! which the verifier refused as ambiguous: one tenant's ADMIN could sign a
//! partner's people out of another tenant, for good. Decisions:
//! - A UNIQUE index on `(issuer, audience)` across all tenants. It is the one
//!   index that does not lead with `tenant_id`, on purpose: the rule spans
//!   tenants, and under row-level security the application cannot see other
//!   tenants' rows to check it, while the database checks a unique index
//!   whatever the policies hide. The per-tenant index of migration 7 stays: it
//!   serves the tenant's own listing.
//! - Tenants that share a real identity provider (one Microsoft Entra ID
//!   directory, say) each register their own application there, so each has
//!   its own client id as the audience.
//! - Pairs registered twice before this migration keep the oldest registration
//!   (the smallest id: ids are UUIDv7, creation order) and delete the later
//!   ones. A later registration never signed anyone into its own tenant: while
//!   both were loaded every token of the pair was refused as ambiguous, and
//!   before that the older one took them. So deleting it removes nothing that
//!   worked, and the oldest, which partners' people relied on first, works
//!   again. Their `identity_provider.added` events stay as history; a tenant
//!   that lost one registers its own audience.
//! - On PostgreSQL that clean-up must see every tenant's rows, which forced
//!   row-level security hides from the table's owner too: the migration lifts
//!   `FORCE` for its own statements and sets it again, inside its transaction,
//!   so no other session ever sees the table without it.

use sea_orm_migration::prelude::*;

use crate::support::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Deletes every registration for which an older one of the same pair exists.
const DELETE_LATER_DUPLICATES: &str = "DELETE FROM identity_providers \
     WHERE EXISTS (SELECT 1 FROM identity_providers AS older \
                   WHERE older.issuer = identity_providers.issuer \
                     AND older.audience = identity_providers.audience \
                     AND older.id < identity_providers.id)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on both engines: the clean-up and the index land
    /// together or not at all.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == sea_orm::DbBackend::Postgres;
        if postgres {
            db.execute_unprepared("ALTER TABLE identity_providers NO FORCE ROW LEVEL SECURITY").await?;
        }
        db.execute_unprepared(DELETE_LATER_DUPLICATES).await?;
        if postgres {
            db.execute_unprepared("ALTER TABLE identity_providers FORCE ROW LEVEL SECURITY").await?;
        }
        manager
            .create_index(
                index("identity_providers", "identity_providers_issuer_audience", &["issuer", "audience"])
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("identity_providers_issuer_audience")
                    .table(Alias::new("identity_providers"))
                    .to_owned(),
            )
            .await
    }
}
