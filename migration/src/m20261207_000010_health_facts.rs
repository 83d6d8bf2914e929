//! Health's maintained facts (docs/health.md): `Network.health` read now
//! costs the same at a thousand commitments and at a million.
//!
//! Decisions:
//! - `health_tallies` holds counts per network, organisation, kind and day:
//!   open commitments by scope, waiting ratifications by the day their
//!   commitment was agreed (the median wait walks these days instead of the
//!   rows), answers, open conditions. A count moves in the transaction of the
//!   change that moves it, by `n = n + delta`. The network-wide row of a kind
//!   uses the nil organisation and counts without a day use 1970-01-01: a
//!   primary key cannot hold NULL. Waiting ratifications are also counted
//!   per due date, so the overdue are the days before today.
//! - Each count is spread over a few `shard` rows, chosen per transaction, so
//!   concurrent writers in one network do not queue on one row; a read sums
//!   the shards.
//! - `health_facts` holds the rows health names by id (a sample of at most 50
//!   beside each count): the waiting ratifications with their agreed time and
//!   due date, the unconsulted parties, overridden advice, open conditions,
//!   open commitments without a goal or needing re-planning.
//! - `health_contributions` remembers what each commitment last added to the
//!   tallies, so a change applies the difference without recounting.
//! - A network's facts exist once it has a `built` tally; until then (a
//!   database migrated from an earlier version, before the server builds
//!   them) health recounts from history, as it does for `asOf`.
//! - Indexes for the look-back windows health still reads from history
//!   (rejections and deliveries of the last months), so they cost what the
//!   window holds.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{c, fk, index, tenant_policy};

const TABLES: &[&str] = &["health_tallies", "health_facts", "health_contributions"];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(c("health_tallies"))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("network_id")))
                    .col(string_len(c("kind"), 32))
                    .col(uuid(c("organisation_id")))
                    .col(date(c("day")))
                    .col(small_integer(c("shard")))
                    .col(big_integer(c("n")))
                    .primary_key(
                        Index::create()
                            .col(c("tenant_id"))
                            .col(c("network_id"))
                            .col(c("kind"))
                            .col(c("organisation_id"))
                            .col(c("day"))
                            .col(c("shard")),
                    )
                    .foreign_key(&mut fk("health_tallies", "network_id", "networks"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("health_facts"))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("network_id")))
                    .col(string_len(c("kind"), 32))
                    .col(uuid(c("subject_id")))
                    .col(uuid(c("organisation_id")))
                    .col(uuid(c("commitment_id")))
                    .col(timestamp_with_time_zone_null(c("at")))
                    .col(date_null(c("due_on")))
                    .primary_key(
                        Index::create()
                            .col(c("tenant_id"))
                            .col(c("network_id"))
                            .col(c("kind"))
                            .col(c("subject_id"))
                            .col(c("organisation_id")),
                    )
                    .foreign_key(&mut fk("health_facts", "commitment_id", "commitments"))
                    .to_owned(),
            )
            .await?;
        // A commitment's facts, replaced when it changes.
        manager
            .create_index(index("health_facts", "health_facts_tenant_commitment", &["tenant_id", "commitment_id"]))
            .await?;
        // An organisation's sample, in id order.
        manager
            .create_index(index(
                "health_facts",
                "health_facts_tenant_network_kind_organisation",
                &["tenant_id", "network_id", "kind", "organisation_id", "subject_id"],
            ))
            .await?;
        // The oldest and the median wait.
        manager
            .create_index(index(
                "health_facts",
                "health_facts_tenant_network_kind_at",
                &["tenant_id", "network_id", "kind", "at", "subject_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("health_contributions"))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("commitment_id")))
                    .col(uuid(c("network_id")))
                    .col(text(c("tallies")))
                    .primary_key(Index::create().col(c("tenant_id")).col(c("commitment_id")))
                    .foreign_key(&mut fk("health_contributions", "commitment_id", "commitments"))
                    .to_owned(),
            )
            .await?;

        // The windows health reads from history.
        manager
            .create_index(index(
                "ratifications",
                "ratifications_tenant_network_outcome_decided",
                &["tenant_id", "network_id", "outcome", "decided_on"],
            ))
            .await?;
        manager
            .create_index(index(
                "commitments",
                "commitments_tenant_network_delivered",
                &["tenant_id", "network_id", "delivered_at"],
            ))
            .await?;

        if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
            let db = manager.get_connection();
            for table in TABLES {
                db.execute_unprepared(&tenant_policy(table)).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("commitments_tenant_network_delivered").table(c("commitments")).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop().name("ratifications_tenant_network_outcome_decided").table(c("ratifications")).to_owned(),
            )
            .await?;
        for table in TABLES.iter().rev() {
            manager.drop_table(Table::drop().table(c(table)).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
