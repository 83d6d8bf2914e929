//! Planned network meetings with an agenda (docs/meetings.md).
//! Decisions:
//! - A meeting is one row from plan to record: `status` is PLANNED, HELD or
//!   CANCELLED. Every meeting before this version was recorded after it was
//!   held, so existing rows are HELD (the column's default).
//! - `held_on` stays the meeting's day: the day it is planned for while
//!   PLANNED or CANCELLED, the day it was held once HELD.
//! - `sequence` counts the changes to a plan (a calendar's SEQUENCE): a
//!   calendar client replaces its copy when it grows.
//! - Agenda items are rows of their own, in `position` order, each pointing at
//!   at most one thing (a commitment, a charter version, an alignment round);
//!   what it points at keeps its own visibility.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{c, fk, index, tenant_policy};

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: &[&str] =
    &["title", "starts_at", "ends_at", "location", "online_url", "minutes_reference", "cancellation_reason"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        let add = |column: &mut ColumnDef| Table::alter().table(c("meetings")).add_column(column).to_owned();
        manager.alter_table(add(ColumnDef::new(c("status")).string_len(16).not_null().default("HELD"))).await?;
        manager.alter_table(add(ColumnDef::new(c("title")).string_len(200).null())).await?;
        manager.alter_table(add(ColumnDef::new(c("starts_at")).timestamp_with_time_zone().null())).await?;
        manager.alter_table(add(ColumnDef::new(c("ends_at")).timestamp_with_time_zone().null())).await?;
        manager.alter_table(add(ColumnDef::new(c("location")).string_len(200).null())).await?;
        manager.alter_table(add(ColumnDef::new(c("online_url")).string_len(2000).null())).await?;
        manager.alter_table(add(ColumnDef::new(c("minutes_reference")).string_len(200).null())).await?;
        manager.alter_table(add(ColumnDef::new(c("cancellation_reason")).text().null())).await?;
        manager.alter_table(add(ColumnDef::new(c("sequence")).integer().not_null().default(0))).await?;

        manager
            .create_table(
                Table::create()
                    .table(c("meeting_agenda_items"))
                    .col(uuid(c("id")).primary_key())
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("meeting_id")))
                    .col(integer(c("position")))
                    .col(string_len(c("kind"), 32))
                    .col(string_len(c("title"), 200))
                    .col(text_null(c("notes")))
                    .col(uuid_null(c("commitment_id")))
                    .col(integer_null(c("charter_version")))
                    .col(uuid_null(c("round_id")))
                    .foreign_key(&mut fk("meeting_agenda_items", "meeting_id", "meetings"))
                    .foreign_key(&mut fk("meeting_agenda_items", "commitment_id", "commitments"))
                    .foreign_key(&mut fk("meeting_agenda_items", "round_id", "alignment_rounds"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "meeting_agenda_items",
                "meeting_agenda_items_tenant_meeting",
                &["tenant_id", "meeting_id", "position"],
            ))
            .await?;
        if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
            manager.get_connection().execute_unprepared(&tenant_policy("meeting_agenda_items")).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(c("meeting_agenda_items")).if_exists().to_owned()).await?;
        for column in COLUMNS.iter().chain(["status", "sequence"].iter()) {
            manager.alter_table(Table::alter().table(c("meetings")).drop_column(c(column)).to_owned()).await?;
        }
        Ok(())
    }
}
