//! Decision dossiers bound to the outcome (docs/dossiers.md).
//! Decisions:
//! - `dossiers` keeps the terms of every dossier issued, once per content
//!   hash and party: a body that decides on a dossier passes its hash, and
//!   when the commitment moved on since, the kept terms say what changed.
//!   The rendered text is not kept: it follows from the terms, the
//!   language and the state around them, and holds nothing a body decides on.
//! - No person is stored with a dossier: issuing one is reading, and a read
//!   leaves no trace of who read.
//! - `ratifications.dossier_hash` is the hash of the dossier a body decided
//!   on, when it named one; null for outcomes recorded without one (every
//!   outcome before this version).

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{c, fk, tenant_policy};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(c("dossiers"))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("commitment_id")))
                    .col(uuid(c("organisation_id")))
                    .col(string_len(c("content_hash"), 80))
                    .col(text(c("terms")))
                    .col(timestamp_with_time_zone(c("issued_at")))
                    .primary_key(
                        Index::create()
                            .col(c("tenant_id"))
                            .col(c("commitment_id"))
                            .col(c("organisation_id"))
                            .col(c("content_hash")),
                    )
                    .foreign_key(&mut fk("dossiers", "commitment_id", "commitments"))
                    .foreign_key(&mut fk("dossiers", "organisation_id", "organisations"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(c("ratifications"))
                    .add_column(ColumnDef::new(c("dossier_hash")).string_len(80).null())
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
            manager.get_connection().execute_unprepared(&tenant_policy("dossiers")).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(c("ratifications")).drop_column(c("dossier_hash")).to_owned()).await?;
        manager.drop_table(Table::drop().table(c("dossiers")).if_exists().to_owned()).await
    }
}
