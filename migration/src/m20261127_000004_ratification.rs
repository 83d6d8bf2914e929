//! Ratification by each party's governing bodies, mandates, consultation and
//! conditions.
//!
//! Decisions worth knowing:
//! - A ratification copies its body's right when it is created: a body whose
//!   right changes later does not rewrite how an earlier commitment was ratified.
//! - The current outcome lives on the ratification (so status queries are one
//!   table); every outcome ever recorded is also appended to
//!   `ratification_records`, which `reopenRatification` never touches, so the
//!   history of who decided what, when, is complete.
//! - A version column makes concurrent outcomes compare-and-set: of twenty
//!   members recording at once exactly one wins.
//! - Consultation inputs carry their organisation, so "internal to the
//!   organisation" is a filter on one indexed column.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{c, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(c("mandate_rules"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("organisation_id")))
                    .col(uuid(c("body_id")))
                    .col(string_len(c("applies_to"), 16))
                    .col(big_integer(c("min_contribution_euros")).default(0))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .foreign_key(&mut fk("mandate_rules", "organisation_id", "organisations"))
                    .foreign_key(&mut fk("mandate_rules", "body_id", "governing_bodies"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "mandate_rules",
                "mandate_rules_tenant_organisation",
                &["tenant_id", "organisation_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("ratifications"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("network_id")))
                    .col(uuid(c("commitment_id")))
                    .col(uuid(c("organisation_id")))
                    .col(uuid(c("body_id")))
                    .col(string_len(c("right"), 32))
                    .col(string_len(c("status"), 16))
                    .col(string_len_null(c("outcome"), 32))
                    .col(text_null(c("reason")))
                    .col(date_null(c("decided_on")))
                    .col(string_len_null(c("minutes_reference"), 200))
                    .col(uuid_null(c("recorded_by")))
                    .col(timestamp_with_time_zone_null(c("recorded_at")))
                    .col(timestamp_with_time_zone_null(c("consultation_started_at")))
                    .col(date_null(c("due_on")))
                    .col(timestamp_with_time_zone_null(c("withdrawn_at")))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .col(integer(c("version")).default(1))
                    .foreign_key(&mut fk("ratifications", "commitment_id", "commitments"))
                    .foreign_key(&mut fk("ratifications", "body_id", "governing_bodies"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ratifications",
                "ratifications_tenant_commitment",
                &["tenant_id", "commitment_id", "organisation_id"],
            ))
            .await?;
        // Board portals: what a body must still answer, oldest first.
        manager
            .create_index(index(
                "ratifications",
                "ratifications_tenant_body_status",
                &["tenant_id", "body_id", "status", "id"],
            ))
            .await?;
        manager
            .create_index(index(
                "ratifications",
                "ratifications_tenant_network_status",
                &["tenant_id", "network_id", "status"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("ratification_conditions"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("ratification_id")))
                    .col(uuid(c("organisation_id")))
                    .col(text(c("text")))
                    .col(string_len(c("status"), 16))
                    .col(timestamp_with_time_zone_null(c("met_at")))
                    .col(uuid_null(c("met_by")))
                    .foreign_key(&mut fk("ratification_conditions", "ratification_id", "ratifications"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ratification_conditions",
                "ratification_conditions_tenant_ratification",
                &["tenant_id", "ratification_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("ratification_records"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("ratification_id")))
                    .col(string_len(c("outcome"), 32))
                    .col(text_null(c("reason")))
                    .col(date(c("decided_on")))
                    .col(string_len(c("minutes_reference"), 200))
                    .col(uuid_null(c("recorded_by")))
                    .col(timestamp_with_time_zone(c("recorded_at")))
                    .col(timestamp_with_time_zone_null(c("reopened_at")))
                    .foreign_key(&mut fk("ratification_records", "ratification_id", "ratifications"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ratification_records",
                "ratification_records_tenant_ratification",
                &["tenant_id", "ratification_id", "id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("consultation_inputs"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("ratification_id")))
                    .col(uuid(c("commitment_id")))
                    .col(uuid(c("organisation_id")))
                    .col(string_len(c("stance"), 16))
                    .col(text(c("text")))
                    .col(uuid_null(c("author_id")))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .foreign_key(&mut fk("consultation_inputs", "ratification_id", "ratifications"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "consultation_inputs",
                "consultation_inputs_tenant_ratification",
                &["tenant_id", "ratification_id", "organisation_id"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in
            ["consultation_inputs", "ratification_records", "ratification_conditions", "ratifications", "mandate_rules"]
        {
            manager.drop_table(Table::drop().table(c(table)).to_owned()).await?;
        }
        Ok(())
    }
}
