//! Integration: API clients, partner identity providers and webhooks.
//!
//! Decisions worth knowing:
//! - An API client stores only the SHA-256 of its secret. The secret is 32
//!   random bytes, so a fast hash is enough (nothing to guess); it is shown
//!   once, when the client is created. `revoked_at` is checked on every
//!   request, so a revoked client's tokens stop working at once.
//! - Events record who acted: a person, or (new here) an API client, which
//!   manages its organisation's webhooks.
//! - Identity providers are unique per tenant by issuer and audience; the same
//!   issuer in two tenants with the same audience would make a token's tenant
//!   ambiguous, and the verifier refuses such tokens rather than guess.
//! - Webhooks get an outbox: `webhook_outbox` gains a row for a network event in
//!   the transaction that writes the event (only when the tenant has an
//!   enabled webhook), so an event is never lost between the change and the
//!   worker. The worker turns each outbox row into one delivery per matching
//!   webhook and removes the row in one transaction.
//! - A delivery is the unit of at-least-once: it stays PENDING until a
//!   receiver answered 2xx and that answer is recorded; a worker claims it with
//!   a lease (`lease_until`), so a worker that dies mid-delivery lets another
//!   pick it up when the lease runs out, sending the same `webhook-id` again.
//!   Every attempt is kept in `webhook_attempts` (the delivery log).
//! - The signing secret of a webhook must be readable to sign, so it is stored
//!   as is (like the HS256 secret in the environment); it is never shown again
//!   after creation.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{c, fk, index, tenant_policy};

const TABLES: &[&str] =
    &["api_clients", "identity_providers", "webhooks", "webhook_outbox", "webhook_deliveries", "webhook_attempts"];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(c("api_clients"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("organisation_id")))
                    .col(string_len(c("name"), 200))
                    .col(string_len(c("secret_hash"), 64))
                    .col(uuid_null(c("created_by")))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .col(timestamp_with_time_zone_null(c("last_used_at")))
                    .col(timestamp_with_time_zone_null(c("revoked_at")))
                    .foreign_key(&mut fk("api_clients", "organisation_id", "organisations"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "api_clients",
                "api_clients_tenant_organisation",
                &["tenant_id", "organisation_id", "id"],
            ))
            .await?;

        manager
            .alter_table(Table::alter().table(c("events")).add_column(uuid_null(c("actor_api_client_id"))).to_owned())
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("identity_providers"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(string_len(c("name"), 200))
                    .col(string_len(c("issuer"), 500))
                    .col(string_len(c("audience"), 500))
                    .col(text_null(c("jwks_url")))
                    .col(json_null(c("jwks")))
                    .col(string_len(c("match_by"), 16))
                    .col(json(c("email_domains")))
                    .col(uuid_null(c("created_by")))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("identity_providers", "identity_providers_tenant_issuer", &["tenant_id", "issuer", "audience"])
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("webhooks"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid_null(c("organisation_id")))
                    .col(uuid_null(c("network_id")))
                    .col(text(c("url")))
                    .col(json(c("event_kinds")))
                    .col(string_len(c("secret"), 100))
                    .col(boolean(c("enabled")))
                    .col(text_null(c("disabled_reason")))
                    .col(timestamp_with_time_zone_null(c("disabled_at")))
                    .col(uuid_null(c("created_by")))
                    .col(uuid_null(c("created_by_api_client")))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .col(timestamp_with_time_zone(c("updated_at")))
                    .col(integer(c("version")).default(1))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("webhooks", "webhooks_tenant_organisation", &["tenant_id", "organisation_id"]))
            .await?;
        manager.create_index(index("webhooks", "webhooks_tenant_network", &["tenant_id", "network_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table(c("webhook_outbox"))
                    .col(pk_uuid(c("event_id")))
                    .col(uuid(c("tenant_id")))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("webhook_outbox", "webhook_outbox_tenant", &["tenant_id", "event_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table(c("webhook_deliveries"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("webhook_id")))
                    .col(uuid(c("event_id")))
                    .col(string_len(c("kind"), 64))
                    .col(string_len(c("status"), 16))
                    .col(integer(c("attempts")).default(0))
                    .col(timestamp_with_time_zone_null(c("next_attempt_at")))
                    .col(timestamp_with_time_zone_null(c("lease_until")))
                    .col(integer_null(c("last_status_code")))
                    .col(text_null(c("last_error")))
                    .col(timestamp_with_time_zone_null(c("last_attempt_at")))
                    .col(timestamp_with_time_zone_null(c("delivered_at")))
                    .col(timestamp_with_time_zone(c("created_at")))
                    .foreign_key(&mut fk("webhook_deliveries", "webhook_id", "webhooks"))
                    .to_owned(),
            )
            .await?;
        // The worker: what is due, per tenant.
        manager
            .create_index(index(
                "webhook_deliveries",
                "webhook_deliveries_tenant_due",
                &["tenant_id", "status", "next_attempt_at"],
            ))
            .await?;
        // The delivery log of a webhook, newest first.
        manager
            .create_index(index(
                "webhook_deliveries",
                "webhook_deliveries_tenant_webhook",
                &["tenant_id", "webhook_id", "id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(c("webhook_attempts"))
                    .col(pk_uuid(c("id")))
                    .col(uuid(c("tenant_id")))
                    .col(uuid(c("delivery_id")))
                    .col(timestamp_with_time_zone(c("attempted_at")))
                    .col(integer_null(c("status_code")))
                    .col(text_null(c("error")))
                    .col(integer(c("duration_ms")))
                    .foreign_key(&mut fk("webhook_attempts", "delivery_id", "webhook_deliveries"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "webhook_attempts",
                "webhook_attempts_tenant_delivery",
                &["tenant_id", "delivery_id", "id"],
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
        for table in TABLES.iter().rev() {
            manager.drop_table(Table::drop().table(c(table)).if_exists().to_owned()).await?;
        }
        manager.alter_table(Table::alter().table(c("events")).drop_column(c("actor_api_client_id")).to_owned()).await
    }
}
