//! Shared measurement and yearly cycles (docs/indicators.md, docs/cycles.md).
//! Decisions:
//! - An indicator hangs from a goal; its targets are per period and its
//!   reporters are the organisations that measure it. Periods are text in
//!   one of two forms, `2026` or `2026-Q1`, which sort as they run.
//! - `measurements` is append-only: a correction is a new row that names the
//!   one it corrects. The figure that counts for a reporter and a period is
//!   the latest recorded, and "as of" a moment the latest recorded by then;
//!   so history is never overwritten and `asOf` needs no second table.
//!   `network_id` is kept on the row so it is scoped like the rest of a
//!   network's work, without a join.
//! - `commitment_indicators` says which indicators a commitment contributes to.
//! - A cycle is a network's year. `cycle_commitments` are the agreements of
//!   that year (a multi-year commitment may sit in several); the targets of a
//!   cycle are those of its year's periods. Closing a cycle freezes its
//!   accountability report (`report`, the structured document) so what the
//!   council read stays what it read.
//! - A re-plan keeps why it happened: `commitments.replanned_count`,
//!   `last_replanned_at` and `last_replanning_reason` (the reason the
//!   commitment was flagged), which the flag itself clears.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{c, fk, index, tenant_policy};

const TABLES: &[&str] = &[
    "indicators",
    "indicator_targets",
    "indicator_reporters",
    "measurements",
    "commitment_indicators",
    "cycles",
    "cycle_commitments",
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(c("indicators"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("network_id")))
                    .col(uuid(c("goal_id")))
                    .col(string_len(c("name"), 200))
                    .col(text_null(c("description")))
                    .col(string_len(c("unit"), 40))
                    .col(string_len(c("direction"), 16))
                    .col(string_len(c("aggregation"), 16))
                    .col(string_len(c("cadence"), 16))
                    .col(double(c("baseline")))
                    .col(string_len(c("baseline_period"), 8))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .col(timestamp_with_time_zone(c("updated_at")))
                    .col(integer(c("version")))
                    .foreign_key(&mut fk("indicators", "network_id", "networks"))
                    .foreign_key(&mut fk("indicators", "goal_id", "goals"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("indicators", "indicators_tenant_network", &["tenant_id", "network_id", "id"]))
            .await?;
        manager.create_index(index("indicators", "indicators_tenant_goal", &["tenant_id", "goal_id", "id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table(c("indicator_targets"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("indicator_id")))
                    .col(string_len(c("period"), 8))
                    .col(double(c("value")))
                    .foreign_key(&mut fk("indicator_targets", "indicator_id", "indicators"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("indicator_targets", "indicator_targets_tenant_period", &["tenant_id", "indicator_id", "period"])
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("indicator_reporters"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("indicator_id")))
                    .col(uuid(c("organisation_id")))
                    .foreign_key(&mut fk("indicator_reporters", "indicator_id", "indicators"))
                    .foreign_key(&mut fk("indicator_reporters", "organisation_id", "organisations"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "indicator_reporters",
                    "indicator_reporters_tenant_once",
                    &["tenant_id", "indicator_id", "organisation_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("measurements"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("network_id")))
                    .col(uuid(c("indicator_id")))
                    .col(uuid(c("organisation_id")))
                    .col(string_len(c("period"), 8))
                    .col(double(c("value")))
                    .col(text_null(c("note")))
                    .col(uuid_null(c("corrects_id")))
                    .col(uuid_null(c("recorded_by")))
                    .col(timestamp_with_time_zone(c("recorded_at")))
                    .foreign_key(&mut fk("measurements", "indicator_id", "indicators"))
                    .foreign_key(&mut fk("measurements", "organisation_id", "organisations"))
                    .foreign_key(&mut fk("measurements", "network_id", "networks"))
                    .to_owned(),
            )
            .await?;
        // The figures of a network's indicators (health, the report), and of
        // one indicator by reporter and period.
        manager
            .create_index(index("measurements", "measurements_tenant_network", &["tenant_id", "network_id", "id"]))
            .await?;
        manager
            .create_index(index(
                "measurements",
                "measurements_tenant_indicator",
                &["tenant_id", "indicator_id", "organisation_id", "period", "recorded_at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("commitment_indicators"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("commitment_id")))
                    .col(uuid(c("indicator_id")))
                    .foreign_key(&mut fk("commitment_indicators", "commitment_id", "commitments"))
                    .foreign_key(&mut fk("commitment_indicators", "indicator_id", "indicators"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "commitment_indicators",
                    "commitment_indicators_tenant_once",
                    &["tenant_id", "commitment_id", "indicator_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "commitment_indicators",
                "commitment_indicators_tenant_indicator",
                &["tenant_id", "indicator_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("cycles"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("network_id")))
                    .col(integer(c("year")))
                    .col(string_len(c("title"), 200))
                    .col(string_len(c("status"), 16))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .col(timestamp_with_time_zone_null(c("closed_at")))
                    .col(uuid_null(c("closed_by")))
                    .col(text_null(c("closing_note")))
                    .col(json_null(c("report")))
                    .col(integer(c("version")))
                    .foreign_key(&mut fk("cycles", "network_id", "networks"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("cycles", "cycles_tenant_network_year", &["tenant_id", "network_id", "year"]).unique().to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("cycle_commitments"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("cycle_id")))
                    .col(uuid(c("commitment_id")))
                    .col(timestamp_with_time_zone(c("added_at")))
                    .foreign_key(&mut fk("cycle_commitments", "cycle_id", "cycles"))
                    .foreign_key(&mut fk("cycle_commitments", "commitment_id", "commitments"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "cycle_commitments",
                    "cycle_commitments_tenant_once",
                    &["tenant_id", "cycle_id", "commitment_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "cycle_commitments",
                "cycle_commitments_tenant_commitment",
                &["tenant_id", "commitment_id"],
            ))
            .await?;

        // Why a commitment was re-planned, kept past the re-plan.
        for column in [
            ColumnDef::new(c("replanned_count")).integer().not_null().default(0).to_owned(),
            ColumnDef::new(c("last_replanned_at")).timestamp_with_time_zone().null().to_owned(),
            ColumnDef::new(c("last_replanning_reason")).text().null().to_owned(),
        ] {
            // One column per statement: SQLite adds one at a time.
            manager.alter_table(Table::alter().table(c("commitments")).add_column(column).to_owned()).await?;
        }

        if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
            for table in TABLES {
                manager.get_connection().execute_unprepared(&tenant_policy(table)).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["last_replanning_reason", "last_replanned_at", "replanned_count"] {
            manager.alter_table(Table::alter().table(c("commitments")).drop_column(c(column)).to_owned()).await?;
        }
        for table in TABLES.iter().rev() {
            manager.drop_table(Table::drop().table(c(table)).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
