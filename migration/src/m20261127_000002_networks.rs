//! Networks and what makes expectations explicit: the versioned charter,
//! partnerships and representations with their history, expectations on record,
//! and alignment rounds.
//!
//! Decisions worth knowing:
//! - History is rows, not overwrites: a partner that leaves keeps its row (LEFT)
//!   and re-joining adds a new one; a representation ends instead of vanishing;
//!   a charter change is a new version row. `asOf` questions read these periods.
//! - Acknowledgement stores the version number acknowledged. "Has acknowledged
//!   the current charter" is derived by comparing it with the latest version,
//!   so adopting a new version un-acknowledges everyone without touching rows.
//! - Alignment answers carry the partner (organisation) they count for, so
//!   partner-weighted results aggregate without joining back to people, and the
//!   response row is the only link to a person (anonymity lives in the API).
//! - Network settings are a JSON document with defaults in code: thresholds are
//!   added over time, and a missing key means "the default".

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{c, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn tenant_id() -> ColumnDef {
    uuid(c("tenant_id"))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(c("networks"))
                    .col(pk_uuid(c("id")))
                    .col(tenant_id())
                    .col(string_len(c("name"), 200))
                    .col(text(c("purpose")))
                    .col(string_len(c("status"), 16))
                    .col(json_binary(c("settings")))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .col(timestamp_with_time_zone(c("updated_at")))
                    .col(integer(c("version")).default(1))
                    .foreign_key(&mut fk("networks", "tenant_id", "tenants"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("networks", "networks_tenant_id", &["tenant_id", "id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table(c("network_facilitators"))
                    .col(uuid(c("network_id")))
                    .col(uuid(c("person_id")))
                    .col(tenant_id())
                    .col(timestamp_with_time_zone(c("assigned_at")))
                    .primary_key(Index::create().col(c("network_id")).col(c("person_id")))
                    .foreign_key(&mut fk("network_facilitators", "network_id", "networks"))
                    .foreign_key(&mut fk("network_facilitators", "person_id", "people"))
                    .to_owned(),
            )
            .await?;
        // Every request of a facilitator asks which networks they facilitate.
        manager
            .create_index(index(
                "network_facilitators",
                "network_facilitators_tenant_person",
                &["tenant_id", "person_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("charter_versions"))
                    .col(pk_uuid(c("id")))
                    .col(tenant_id())
                    .col(uuid(c("network_id")))
                    .col(integer(c("version")))
                    .col(text(c("goals")))
                    .col(text(c("working_agreements")))
                    .col(timestamp_with_time_zone(c("adopted_at")))
                    .col(uuid_null(c("adopted_by")))
                    .foreign_key(&mut fk("charter_versions", "network_id", "networks"))
                    .to_owned(),
            )
            .await?;
        // Unique: two facilitators adopting at once cannot both make version n+1.
        manager
            .create_index(
                index(
                    "charter_versions",
                    "charter_versions_tenant_network_version",
                    &["tenant_id", "network_id", "version"],
                )
                .unique()
                .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("partnerships"))
                    .col(pk_uuid(c("id")))
                    .col(tenant_id())
                    .col(uuid(c("network_id")))
                    .col(uuid(c("organisation_id")))
                    .col(string_len(c("status"), 16))
                    .col(timestamp_with_time_zone(c("invited_at")))
                    .col(date_null(c("joined_on")))
                    .col(date_null(c("left_on")))
                    .col(text_null(c("left_reason")))
                    .col(integer_null(c("acknowledged_charter_version")))
                    .col(timestamp_with_time_zone_null(c("acknowledged_at")))
                    .foreign_key(&mut fk("partnerships", "network_id", "networks"))
                    .foreign_key(&mut fk("partnerships", "organisation_id", "organisations"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("partnerships", "partnerships_tenant_network", &["tenant_id", "network_id", "id"]))
            .await?;
        // Visibility asks "in which networks is this organisation a partner" on
        // every request.
        manager
            .create_index(index(
                "partnerships",
                "partnerships_tenant_organisation",
                &["tenant_id", "organisation_id", "status", "network_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("representations"))
                    .col(pk_uuid(c("id")))
                    .col(tenant_id())
                    .col(uuid(c("network_id")))
                    .col(uuid(c("partnership_id")))
                    .col(uuid(c("organisation_id")))
                    .col(uuid(c("person_id")))
                    .col(date(c("started_on")))
                    .col(date_null(c("ended_on")))
                    .col(integer_null(c("acknowledged_charter_version")))
                    .col(timestamp_with_time_zone_null(c("acknowledged_at")))
                    .foreign_key(&mut fk("representations", "partnership_id", "partnerships"))
                    .foreign_key(&mut fk("representations", "person_id", "people"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "representations",
                "representations_tenant_partnership",
                &["tenant_id", "partnership_id", "id"],
            ))
            .await?;
        manager
            .create_index(index(
                "representations",
                "representations_tenant_network_person",
                &["tenant_id", "network_id", "person_id"],
            ))
            .await?;
        manager
            .create_index(index("representations", "representations_tenant_person", &["tenant_id", "person_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("expectations"))
                    .col(pk_uuid(c("id")))
                    .col(tenant_id())
                    .col(uuid(c("network_id")))
                    .col(uuid(c("partnership_id")))
                    .col(uuid(c("organisation_id")))
                    .col(string_len(c("kind"), 16))
                    .col(text(c("text")))
                    .col(uuid_null(c("recorded_by")))
                    .col(timestamp_with_time_zone(c("recorded_at")))
                    .foreign_key(&mut fk("expectations", "partnership_id", "partnerships"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("expectations", "expectations_tenant_network", &["tenant_id", "network_id", "id"]))
            .await?;
        manager
            .create_index(index(
                "expectations",
                "expectations_tenant_partnership",
                &["tenant_id", "partnership_id", "id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("alignment_rounds"))
                    .col(pk_uuid(c("id")))
                    .col(tenant_id())
                    .col(uuid(c("network_id")))
                    .col(string_len(c("status"), 16))
                    .col(timestamp_with_time_zone(c("opened_at")))
                    .col(timestamp_with_time_zone(c("closes_at")))
                    .col(timestamp_with_time_zone_null(c("closed_at")))
                    .foreign_key(&mut fk("alignment_rounds", "network_id", "networks"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "alignment_rounds",
                "alignment_rounds_tenant_network",
                &["tenant_id", "network_id", "id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("alignment_questions"))
                    .col(pk_uuid(c("id")))
                    .col(tenant_id())
                    .col(uuid(c("round_id")))
                    .col(string_len(c("key"), 64))
                    .col(text(c("text")))
                    .col(integer(c("position")))
                    .foreign_key(&mut fk("alignment_questions", "round_id", "alignment_rounds"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("alignment_questions", "alignment_questions_tenant_round_key", &["tenant_id", "round_id", "key"])
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("alignment_invitees"))
                    .col(uuid(c("round_id")))
                    .col(uuid(c("person_id")))
                    .col(tenant_id())
                    .col(uuid(c("organisation_id")))
                    .primary_key(Index::create().col(c("round_id")).col(c("person_id")))
                    .foreign_key(&mut fk("alignment_invitees", "round_id", "alignment_rounds"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "alignment_invitees",
                "alignment_invitees_tenant_round",
                &["tenant_id", "round_id", "organisation_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("alignment_responses"))
                    .col(pk_uuid(c("id")))
                    .col(tenant_id())
                    .col(uuid(c("round_id")))
                    .col(uuid(c("person_id")))
                    .col(uuid(c("organisation_id")))
                    .col(timestamp_with_time_zone(c("submitted_at")))
                    .foreign_key(&mut fk("alignment_responses", "round_id", "alignment_rounds"))
                    .to_owned(),
            )
            .await?;
        // One response per person and round: a second submission replaces it.
        manager
            .create_index(
                index(
                    "alignment_responses",
                    "alignment_responses_tenant_round_person",
                    &["tenant_id", "round_id", "person_id"],
                )
                .unique()
                .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("alignment_answers"))
                    .col(pk_uuid(c("id")))
                    .col(tenant_id())
                    .col(uuid(c("round_id")))
                    .col(uuid(c("response_id")))
                    .col(uuid(c("organisation_id")))
                    .col(string_len(c("question_key"), 64))
                    .col(integer(c("score")))
                    .col(text_null(c("comment")))
                    .foreign_key(&mut fk("alignment_answers", "response_id", "alignment_responses"))
                    .to_owned(),
            )
            .await?;
        // Results aggregate per round, question and partner in the database.
        manager
            .create_index(index(
                "alignment_answers",
                "alignment_answers_tenant_round_question",
                &["tenant_id", "round_id", "question_key", "organisation_id"],
            ))
            .await?;
        manager
            .create_index(index(
                "alignment_answers",
                "alignment_answers_tenant_response",
                &["tenant_id", "response_id"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "alignment_answers",
            "alignment_responses",
            "alignment_invitees",
            "alignment_questions",
            "alignment_rounds",
            "expectations",
            "representations",
            "partnerships",
            "charter_versions",
            "network_facilitators",
            "networks",
        ] {
            manager.drop_table(Table::drop().table(c(table)).to_owned()).await?;
        }
        Ok(())
    }
}
