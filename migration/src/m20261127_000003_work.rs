//! Goals, meetings, commitments with their parties, and progress.
//!
//! Decisions worth knowing:
//! - A commitment's parties are rows with their own contribution and their own
//!   agreement (who, when, in which meeting): one party never agrees for
//!   another, and "AGREED" is derived from all of them.
//! - A re-plan never deletes a party; it marks it removed, so who was in the
//!   deal before stays on record.
//! - Money is whole euros in a BIGINT: contributions are budget figures, not
//!   ledger amounts, and integers aggregate identically on both engines.
//! - The commitment list of a network is filtered by status, scope, goal and due
//!   date and walked by id; the indexes lead with tenant and network for that.

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
                    .table(c("goals"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("network_id")))
                    .col(uuid_null(c("parent_id")))
                    .col(string_len(c("title"), 200))
                    .col(text_null(c("description")))
                    .col(string_len(c("horizon"), 16))
                    .col(date_null(c("target_date")))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .col(timestamp_with_time_zone(c("updated_at")))
                    .col(integer(c("version")).default(1))
                    .foreign_key(&mut fk("goals", "network_id", "networks"))
                    .foreign_key(&mut fk("goals", "parent_id", "goals"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("goals", "goals_tenant_network", &["tenant_id", "network_id", "id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table(c("meetings"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("network_id")))
                    .col(date(c("held_on")))
                    .col(text_null(c("notes")))
                    .col(uuid_null(c("recorded_by")))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .foreign_key(&mut fk("meetings", "network_id", "networks"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("meetings", "meetings_tenant_network", &["tenant_id", "network_id", "id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table(c("meeting_attendees"))
                    .col(uuid(c("meeting_id")))
                    .col(uuid(c("person_id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid_null(c("organisation_id")))
                    .primary_key(Index::create().col(c("meeting_id")).col(c("person_id")))
                    .foreign_key(&mut fk("meeting_attendees", "meeting_id", "meetings"))
                    .foreign_key(&mut fk("meeting_attendees", "person_id", "people"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "meeting_attendees",
                "meeting_attendees_tenant_meeting",
                &["tenant_id", "meeting_id", "organisation_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("commitments"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("network_id")))
                    .col(uuid_null(c("goal_id")))
                    .col(string_len(c("title"), 200))
                    .col(text_null(c("description")))
                    .col(string_len(c("scope"), 16))
                    .col(string_len(c("kind"), 16))
                    .col(uuid(c("lead_organisation_id")))
                    .col(date(c("due_on")))
                    .col(string_len(c("status"), 16))
                    .col(boolean(c("needs_replanning")).default(false))
                    .col(text_null(c("replanning_reason")))
                    .col(timestamp_with_time_zone(c("proposed_at")))
                    .col(uuid_null(c("proposed_by")))
                    .col(uuid_null(c("proposed_in_meeting_id")))
                    .col(timestamp_with_time_zone_null(c("agreed_at")))
                    .col(timestamp_with_time_zone_null(c("delivered_at")))
                    .col(timestamp_with_time_zone_null(c("dropped_at")))
                    .col(text_null(c("dropped_reason")))
                    .col(timestamp_with_time_zone(c("updated_at")))
                    .col(integer(c("version")).default(1))
                    .foreign_key(&mut fk("commitments", "network_id", "networks"))
                    .foreign_key(&mut fk("commitments", "goal_id", "goals"))
                    .foreign_key(&mut fk("commitments", "lead_organisation_id", "organisations"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("commitments", "commitments_tenant_network_id", &["tenant_id", "network_id", "id"]))
            .await?;
        manager
            .create_index(index(
                "commitments",
                "commitments_tenant_network_status",
                &["tenant_id", "network_id", "status", "id"],
            ))
            .await?;
        // Goal results: delivered commitments per goal.
        manager
            .create_index(index("commitments", "commitments_tenant_goal_status", &["tenant_id", "goal_id", "status"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("commitment_parties"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("commitment_id")))
                    .col(uuid(c("organisation_id")))
                    .col(big_integer(c("contribution_euros")).default(0))
                    .col(integer(c("contribution_hours")).default(0))
                    .col(text_null(c("contribution_note")))
                    .col(timestamp_with_time_zone_null(c("agreed_at")))
                    .col(uuid_null(c("agreed_by")))
                    .col(uuid_null(c("agreed_in_meeting_id")))
                    .col(timestamp_with_time_zone_null(c("removed_at")))
                    .foreign_key(&mut fk("commitment_parties", "commitment_id", "commitments"))
                    .foreign_key(&mut fk("commitment_parties", "organisation_id", "organisations"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "commitment_parties",
                "commitment_parties_tenant_commitment",
                &["tenant_id", "commitment_id", "organisation_id"],
            ))
            .await?;
        // "Open commitments of this organisation" (a partner leaving, a party filter).
        manager
            .create_index(index(
                "commitment_parties",
                "commitment_parties_tenant_organisation",
                &["tenant_id", "organisation_id", "commitment_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("progress_updates"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("commitment_id")))
                    .col(text(c("note")))
                    .col(integer_null(c("percent")))
                    .col(string_len_null(c("status"), 16))
                    .col(timestamp_with_time_zone(c("at")))
                    .col(uuid_null(c("author_id")))
                    .foreign_key(&mut fk("progress_updates", "commitment_id", "commitments"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "progress_updates",
                "progress_updates_tenant_commitment",
                &["tenant_id", "commitment_id", "id"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["progress_updates", "commitment_parties", "commitments", "meeting_attendees", "meetings", "goals"]
        {
            manager.drop_table(Table::drop().table(c(table)).to_owned()).await?;
        }
        Ok(())
    }
}
