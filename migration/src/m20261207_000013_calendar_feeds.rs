//! Calendar feeds (docs/calendar.md).
//! Decisions:
//! - A feed's secret is never stored: `token_hash` is the hex SHA-256 of the
//!   secret part of its URL, looked up by equality. The secret is 256 random
//!   bits, so the hash cannot be steered and the lookup leaks nothing by its
//!   timing; unique per tenant, which is also the lookup's index.
//! - The tenant travels in the URL beside the secret: row-level security
//!   needs the tenant set before the feed can be read at all.
//! - Revoking stamps `revoked_at` (the feed stops answering at once) and
//!   keeps the row, so a person's list shows what they revoked and when.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{c, fk, index, tenant_policy};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(c("calendar_feeds"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("person_id")))
                    .col(string_len(c("name"), 200))
                    .col(string_len(c("token_hash"), 64))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .col(timestamp_with_time_zone_null(c("revoked_at")))
                    .foreign_key(&mut fk("calendar_feeds", "person_id", "people"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("calendar_feeds", "calendar_feeds_tenant_token", &["tenant_id", "token_hash"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("calendar_feeds", "calendar_feeds_tenant_person", &["tenant_id", "person_id", "id"]))
            .await?;
        if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
            manager.get_connection().execute_unprepared(&tenant_policy("calendar_feeds")).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(c("calendar_feeds")).if_exists().to_owned()).await
    }
}
