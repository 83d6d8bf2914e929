//! Reminders and e-mail (docs/mail.md).
//! Decisions:
//! - `mail_preferences` holds what a person chose (digest rhythm, reminders)
//!   and whether their address is disabled after permanent refusals. A person
//!   without a row has the defaults: no digest, reminders on (their role on a
//!   body requires them), address enabled.
//! - `reminders` is the record that a reminder went to a person: unique per
//!   rule, subject and person, so a reminder is made once, whatever the
//!   number of workers or ticks. It is written whether or not mail is sent.
//! - `mails` is the mail outbox and its log in one: a row is written, fully
//!   rendered, in the transaction that caused it (the reminder, the digest's
//!   advance), then leased, sent and settled by the worker like a webhook
//!   delivery (the same lease and retry schedule). The rendered text is kept
//!   so a retry sends the same message with the same Message-ID.
//! - A mail's one-click unsubscribe link carries a secret of its own, looked
//!   up by its hash (unique per tenant). The link itself is part of the mail
//!   (its body and its `List-Unsubscribe` header), which is kept to be sent
//!   again unchanged; it stops only that kind of mail to that person.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{c, fk, index, tenant_policy};

const TABLES: &[&str] = &["mail_preferences", "reminders", "mails"];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(c("mail_preferences"))
                    .col(pk_uuid(c("person_id")))
                    .col(uuid(c("tenant_id")))
                    .col(string_len(c("digest_rhythm"), 16).default("OFF"))
                    .col(boolean(c("reminders")).default(true))
                    .col(timestamp_with_time_zone_null(c("last_digest_at")))
                    .col(timestamp_with_time_zone_null(c("disabled_at")))
                    .col(text_null(c("disabled_reason")))
                    .col(timestamp_with_time_zone(c("updated_at")))
                    .foreign_key(&mut fk("mail_preferences", "person_id", "people"))
                    .to_owned(),
            )
            .await?;
        // The digest worker: who wants a digest, per tenant.
        manager
            .create_index(index(
                "mail_preferences",
                "mail_preferences_tenant_rhythm",
                &["tenant_id", "digest_rhythm", "person_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("reminders"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("network_id")))
                    .col(string_len(c("rule"), 32))
                    .col(uuid(c("subject_id")))
                    .col(uuid(c("person_id")))
                    .col(date_null(c("due_on")))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .foreign_key(&mut fk("reminders", "person_id", "people"))
                    .foreign_key(&mut fk("reminders", "network_id", "networks"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("reminders", "reminders_tenant_once", &["tenant_id", "rule", "subject_id", "person_id"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("reminders", "reminders_tenant_person", &["tenant_id", "person_id", "id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table(c("mails"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("person_id")))
                    .col(string_len(c("kind"), 16))
                    .col(uuid_null(c("reminder_id")))
                    .col(string_len_null(c("to_address"), 320))
                    .col(string_len(c("language"), 8))
                    .col(text(c("subject")))
                    .col(text(c("text_body")))
                    .col(text(c("html_body")))
                    .col(string_len(c("message_id"), 200))
                    .col(string_len(c("unsubscribe_url"), 600))
                    .col(string_len(c("unsubscribe_hash"), 64))
                    .col(string_len(c("status"), 16))
                    .col(integer(c("attempts")).default(0))
                    .col(timestamp_with_time_zone_null(c("next_attempt_at")))
                    .col(timestamp_with_time_zone_null(c("lease_until")))
                    .col(text_null(c("last_error")))
                    .col(timestamp_with_time_zone_null(c("last_attempt_at")))
                    .col(timestamp_with_time_zone_null(c("sent_at")))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .foreign_key(&mut fk("mails", "person_id", "people"))
                    .to_owned(),
            )
            .await?;
        // The worker: what is due, per tenant.
        manager.create_index(index("mails", "mails_tenant_due", &["tenant_id", "status", "next_attempt_at"])).await?;
        // A person's mail log, newest first.
        manager.create_index(index("mails", "mails_tenant_person", &["tenant_id", "person_id", "id"])).await?;
        manager
            .create_index(
                index("mails", "mails_tenant_unsubscribe", &["tenant_id", "unsubscribe_hash"]).unique().to_owned(),
            )
            .await?;

        if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
            for table in TABLES {
                manager.get_connection().execute_unprepared(&tenant_policy(table)).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            manager.drop_table(Table::drop().table(c(table)).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
