//! Privacy: people can be anonymised (GDPR erasure) without losing history.
//!
//! Decisions worth knowing:
//! - Anonymising overwrites a person's row in place (name, e-mail, subject) and
//!   stamps `anonymized_at`, rather than deleting it: decisions, answers and
//!   events keep pointing at the same id, now shown as "former member", and
//!   events never held personal data, so history needs no rewriting.
//! - The stamp is a column, not a status, so "is this person anonymised" is a
//!   null check on the row every person query already reads.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::c;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(c("people"))
                    .add_column(timestamp_with_time_zone_null(c("anonymized_at")))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(c("people")).drop_column(c("anonymized_at")).to_owned()).await
    }
}
