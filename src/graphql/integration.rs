//! Integration: API clients, partner identity providers and webhooks.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{api_client, identity_provider, webhook, webhook_attempt, webhook_delivery};
use uuid::Uuid;

use super::connection::{self, connection};
use super::enums::{DeliveryStatus, IdentityMatch};
use super::ids::{self, NodeType};
use super::loaders::{self, AttemptsOf, NetworkId, OrganisationId};
use super::networks::Network;
use super::organisations::Organisation;
use super::scalars::{DateTime, Json};
use super::store;
use crate::auth::{IdentityProviders, client_id};
use crate::outbound::OutboundPolicy;
use crate::service::integration as service;

#[derive(Clone)]
pub struct ApiClient(pub api_client::Model);

/// A partner's system that reads for one organisation (OAuth 2.0 client
/// credentials at `POST /oauth/token`): it sees what a DIRECTOR of the
/// organisation sees, writes no business data, and manages the
/// organisation's webhooks.
#[Object]
impl ApiClient {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::ApiClient, self.0.id)
    }

    /// The `client_id` for the token endpoint.
    async fn client_id(&self, ctx: &Context<'_>) -> String {
        client_id(&store(ctx).actor().tenant_slug, self.0.id)
    }

    /// What the client is for, e.g. "Board portal".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The organisation it acts for.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        let organisation = loaders::from_context(ctx).load_one(OrganisationId(self.0.organisation_id)).await?;
        loaders::present(organisation, "an API client's organisation").map(Organisation)
    }

    /// When it was made.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When it last obtained a token.
    async fn last_used_at(&self) -> Option<DateTime> {
        self.0.last_used_at.map(DateTime)
    }

    /// When it was revoked; its tokens stopped working at that moment.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(DateTime)
    }
}

#[derive(Clone)]
pub struct IdentityProvider(pub identity_provider::Model);

/// A partner's identity provider (e.g. Microsoft Entra ID) whose tokens this
/// tenant accepts. Its tokens are bound to this tenant; their own `tid` claim
/// is ignored.
#[Object]
impl IdentityProvider {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::IdentityProvider, self.0.id)
    }

    /// A name for people, e.g. "Woongoed Entra ID".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The `iss` its tokens carry.
    async fn issuer(&self) -> &str {
        &self.0.issuer
    }

    /// The `aud` its tokens must carry.
    async fn audience(&self) -> &str {
        &self.0.audience
    }

    /// Where its keys are fetched (cached; fetched again for an unknown `kid`).
    async fn jwks_url(&self) -> Option<&str> {
        self.0.jwks_url.as_deref()
    }

    /// How its tokens name a person.
    async fn match_by(&self) -> IdentityMatch {
        self.0.match_by.into()
    }

    /// With `EMAIL`: the domains whose verified addresses count.
    async fn email_domains(&self) -> Vec<String> {
        serde_json::from_value(self.0.email_domains.clone()).unwrap_or_default()
    }

    /// When it was registered.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

#[derive(Clone)]
pub struct Webhook(pub webhook::Model);

/// A receiver of signed event notifications (Standard Webhooks), for an
/// organisation (what its DIRECTORs may see) or a network (made by its
/// facilitators).
#[Object]
impl Webhook {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Webhook, self.0.id)
    }

    /// The organisation whose view it gets; null for a network's webhook.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.0.organisation_id {
            Some(id) => Ok(loaders::from_context(ctx).load_one(OrganisationId(id)).await?.map(Organisation)),
            None => Ok(None),
        }
    }

    /// The network whose events it gets; null for an organisation's webhook.
    async fn network(&self, ctx: &Context<'_>) -> Result<Option<Network>> {
        match self.0.network_id {
            Some(id) => Ok(loaders::from_context(ctx).load_one(NetworkId(id)).await?.map(Network)),
            None => Ok(None),
        }
    }

    /// Where deliveries are POSTed.
    async fn url(&self) -> &str {
        &self.0.url
    }

    /// The wire names of the event kinds it receives.
    async fn event_kinds(&self) -> Vec<String> {
        serde_json::from_value(self.0.event_kinds.clone()).unwrap_or_default()
    }

    /// Whether it receives events; a disabled webhook gets nothing of what happens meanwhile.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }

    /// Why it was disabled: by hand, or automatically after persistent failure.
    async fn disabled_reason(&self) -> Option<&str> {
        self.0.disabled_reason.as_deref()
    }

    /// When it was disabled.
    async fn disabled_at(&self) -> Option<DateTime> {
        self.0.disabled_at.map(DateTime)
    }

    /// When it was made.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When it was last changed (by hand or by the worker disabling it).
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }

    /// The delivery log, newest first.
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> Result<WebhookDeliveryConnection> {
        let page = connection::page_request(first, after.as_deref())?;
        let page = store(ctx).webhook_deliveries_page(self.0.id, page).await?;
        Ok(WebhookDeliveryConnection::new(page.map(WebhookDelivery)))
    }
}

#[derive(Clone)]
pub struct WebhookDelivery(pub webhook_delivery::Model);

impl WebhookDelivery {
    pub fn uuid(&self) -> Uuid {
        self.0.id
    }
}

/// One event for one webhook, until the receiver acknowledged it or the retry
/// schedule ran out.
#[Object]
impl WebhookDelivery {
    /// The delivery's id (UUIDv7; deliveries sort by time).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The event's global id (as `Event.id` on the timeline); the
    /// `webhook-id` header is `msg_` and the event's UUID without dashes, the
    /// same on every attempt.
    async fn event_id(&self) -> ID {
        ids::global_id(NodeType::Event, self.0.event_id)
    }

    /// The event's wire name.
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    /// Pending, delivered or failed.
    async fn status(&self) -> DeliveryStatus {
        self.0.status.into()
    }

    /// How many attempts were made.
    async fn attempt_count(&self) -> i32 {
        self.0.attempts
    }

    /// Every attempt, oldest first.
    async fn attempts(&self, ctx: &Context<'_>) -> Result<Vec<WebhookAttempt>> {
        let rows = loaders::from_context(ctx).load_one(AttemptsOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(WebhookAttempt).collect())
    }

    /// When it is tried next, while PENDING.
    async fn next_attempt_at(&self) -> Option<DateTime> {
        self.0.next_attempt_at.map(DateTime)
    }

    /// The receiver's last HTTP status; null when it could not be reached.
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status_code
    }

    /// Why the last attempt failed when no status came back.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// When it was last tried.
    async fn last_attempt_at(&self) -> Option<DateTime> {
        self.0.last_attempt_at.map(DateTime)
    }

    /// When the receiver acknowledged it.
    async fn delivered_at(&self) -> Option<DateTime> {
        self.0.delivered_at.map(DateTime)
    }

    /// When it was made: when the event happened, or when a redelivery was asked for.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

connection!(
    WebhookDelivery,
    WebhookDeliveryConnection,
    WebhookDeliveryEdge,
    "A page of deliveries, newest first.",
    "A delivery in a list, with its cursor."
);

/// One attempt to deliver.
pub struct WebhookAttempt(pub webhook_attempt::Model);

/// One attempt to deliver: the delivery log.
#[Object]
impl WebhookAttempt {
    /// When the request was sent.
    async fn attempted_at(&self) -> DateTime {
        DateTime(self.0.attempted_at)
    }

    /// The receiver's HTTP status; null when it could not be reached.
    async fn status_code(&self) -> Option<i32> {
        self.0.status_code
    }

    /// What went wrong when no status came back.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// How long the receiver took.
    async fn duration_ms(&self) -> i32 {
        self.0.duration_ms
    }
}

#[derive(Default)]
pub struct IntegrationQuery;

#[Object]
impl IntegrationQuery {
    /// The tenant's partner identity providers (ADMIN; empty for others).
    async fn identity_providers(&self, ctx: &Context<'_>) -> Result<Vec<IdentityProvider>> {
        Ok(store(ctx).identity_providers().await?.into_iter().map(IdentityProvider).collect())
    }
}

/// Makes an API client for an organisation.
#[derive(InputObject)]
pub struct CreateApiClientInput {
    /// The organisation it acts for.
    pub organisation_id: ID,
    /// What it is for, e.g. "Board portal", 1 to 200 characters.
    pub name: String,
}

/// The result of `createApiClient`: the only time the secret is shown.
#[derive(SimpleObject)]
pub struct CreateApiClientPayload {
    /// The new client.
    pub api_client: ApiClient,
    /// The `client_id` for `POST /oauth/token`.
    pub client_id: String,
    /// The `client_secret`. Only its hash is kept: store it now.
    pub client_secret: String,
}

/// Revokes an API client.
#[derive(InputObject)]
pub struct RevokeApiClientInput {
    /// The client to revoke.
    pub api_client_id: ID,
}

/// The result of `revokeApiClient`.
#[derive(SimpleObject)]
pub struct RevokeApiClientPayload {
    /// The revoked client.
    pub api_client: ApiClient,
}

/// Registers a partner identity provider for this tenant. Give its keys as a
/// URL (`jwksUrl`) or as a JWKS document (`jwks`).
#[derive(InputObject)]
pub struct AddIdentityProviderInput {
    /// A name for people, e.g. "Woongoed Entra ID".
    pub name: String,
    /// The exact `iss` of its tokens.
    pub issuer: String,
    /// The `aud` its tokens must carry (the client id registered there).
    pub audience: String,
    /// Where its JWKS document is served (fetched again for an unknown `kid`).
    pub jwks_url: Option<String>,
    /// Its JWKS document itself, for a provider without a URL.
    pub jwks: Option<Json>,
    /// How its tokens name a person.
    pub match_by: IdentityMatch,
    /// With `EMAIL`: the domains whose verified addresses count.
    #[graphql(default)]
    pub email_domains: Vec<String>,
}

/// The result of `addIdentityProvider`.
#[derive(SimpleObject)]
pub struct AddIdentityProviderPayload {
    /// The registered provider.
    pub identity_provider: IdentityProvider,
}

/// Makes a webhook for an organisation or (by a facilitator) a network.
#[derive(InputObject)]
pub struct CreateWebhookInput {
    /// For an organisation: it receives what the organisation's DIRECTORs may see.
    pub organisation_id: Option<ID>,
    /// For a network (its facilitators): it receives the network's events.
    pub network_id: Option<ID>,
    /// An http(s) URL that accepts POSTs.
    pub url: String,
    /// Wire names, e.g. `commitment.agreed`, `ratification.decided`.
    pub event_kinds: Vec<String>,
}

/// The result of `createWebhook`: the only time the secret is shown.
#[derive(SimpleObject)]
pub struct CreateWebhookPayload {
    /// The new webhook.
    pub webhook: Webhook,
    /// The Standard Webhooks signing secret (`whsec_…`); verify
    /// `webhook-signature` with it.
    pub secret: String,
}

/// Changes a webhook; what is left out stays. Enabling a disabled webhook
/// clears its reason and resumes its pending deliveries.
#[derive(InputObject)]
pub struct UpdateWebhookInput {
    /// The webhook to change.
    pub webhook_id: ID,
    /// A new URL.
    pub url: Option<String>,
    /// New event kinds (replacing the old ones).
    pub event_kinds: Option<Vec<String>>,
    /// Disable or enable it.
    pub enabled: Option<bool>,
}

/// The result of `updateWebhook`.
#[derive(SimpleObject)]
pub struct UpdateWebhookPayload {
    /// The changed webhook.
    pub webhook: Webhook,
}

/// Sends an event to a webhook again, as a new delivery.
#[derive(InputObject)]
pub struct RedeliverWebhookEventInput {
    /// The webhook to send to.
    pub webhook_id: ID,
    /// The event's id (`Event.id`, `WebhookDelivery.eventId`); the bare UUID
    /// these showed before events had global ids is accepted too.
    pub event_id: ID,
}

/// The result of `redeliverWebhookEvent`.
#[derive(SimpleObject)]
pub struct RedeliverWebhookEventPayload {
    /// The new delivery, due now.
    pub delivery: WebhookDelivery,
}

#[derive(Default)]
pub struct IntegrationMutation;

#[Object]
impl IntegrationMutation {
    /// Makes an API client. ADMIN, or a DIRECTOR of the organisation.
    async fn create_api_client(
        &self,
        ctx: &Context<'_>,
        input: CreateApiClientInput,
    ) -> Result<CreateApiClientPayload> {
        let organisation = ids::decode_id("organisationId", &input.organisation_id, NodeType::Organisation)?;
        let created = service::create_api_client(store(ctx), organisation, &input.name).await?;
        Ok(CreateApiClientPayload {
            api_client: ApiClient(created.client),
            client_id: created.client_id,
            client_secret: created.client_secret,
        })
    }

    /// Revokes an API client at once: its tokens stop working with their next
    /// request, not at their expiry. ADMIN, or a DIRECTOR of the organisation.
    async fn revoke_api_client(
        &self,
        ctx: &Context<'_>,
        input: RevokeApiClientInput,
    ) -> Result<RevokeApiClientPayload> {
        let id = ids::decode_id("apiClientId", &input.api_client_id, NodeType::ApiClient)?;
        let client = service::revoke_api_client(store(ctx), id).await?;
        Ok(RevokeApiClientPayload { api_client: ApiClient(client) })
    }

    /// Registers a partner identity provider for this tenant. ADMIN only.
    async fn add_identity_provider(
        &self,
        ctx: &Context<'_>,
        input: AddIdentityProviderInput,
    ) -> Result<AddIdentityProviderPayload> {
        let registry = ctx.data_opt::<Arc<IdentityProviders>>();
        let provider = service::add_identity_provider(
            store(ctx),
            service::AddIdentityProvider {
                name: input.name,
                issuer: input.issuer,
                audience: input.audience,
                jwks_url: input.jwks_url,
                jwks: input.jwks.map(|j| j.0),
                match_by: input.match_by.into(),
                email_domains: input.email_domains,
                outbound: registry.map_or(OutboundPolicy::PublicOnly, |r| r.outbound()),
            },
        )
        .await?;
        if let Some(registry) = registry {
            registry.invalidate();
        }
        Ok(AddIdentityProviderPayload { identity_provider: IdentityProvider(provider) })
    }

    /// Makes a webhook. For an organisation: ADMIN, its DIRECTORs and API
    /// clients; for a network: its facilitators.
    async fn create_webhook(&self, ctx: &Context<'_>, input: CreateWebhookInput) -> Result<CreateWebhookPayload> {
        let created = service::create_webhook(
            store(ctx),
            service::CreateWebhook {
                organisation_id: input
                    .organisation_id
                    .as_ref()
                    .map(|id| ids::decode_id("organisationId", id, NodeType::Organisation))
                    .transpose()?,
                network_id: input
                    .network_id
                    .as_ref()
                    .map(|id| ids::decode_id("networkId", id, NodeType::Network))
                    .transpose()?,
                url: input.url,
                event_kinds: input.event_kinds,
            },
        )
        .await?;
        Ok(CreateWebhookPayload { webhook: Webhook(created.webhook), secret: created.secret })
    }

    /// Changes a webhook (who may make it may change it).
    async fn update_webhook(&self, ctx: &Context<'_>, input: UpdateWebhookInput) -> Result<UpdateWebhookPayload> {
        let webhook = service::update_webhook(
            store(ctx),
            service::UpdateWebhook {
                id: ids::decode_id("webhookId", &input.webhook_id, NodeType::Webhook)?,
                url: input.url,
                event_kinds: input.event_kinds,
                enabled: input.enabled,
            },
        )
        .await?;
        Ok(UpdateWebhookPayload { webhook: Webhook(webhook) })
    }

    /// Sends an event to a webhook again (who may manage the webhook may).
    async fn redeliver_webhook_event(
        &self,
        ctx: &Context<'_>,
        input: RedeliverWebhookEventInput,
    ) -> Result<RedeliverWebhookEventPayload> {
        let webhook = ids::decode_id("webhookId", &input.webhook_id, NodeType::Webhook)?;
        // A bare UUID was the event's id before events had global ids; it
        // is still accepted so that stored references keep working.
        let event = match uuid::Uuid::try_parse(input.event_id.as_str()) {
            Ok(uuid) => uuid,
            Err(_) => ids::decode_id("eventId", &input.event_id, NodeType::Event)?,
        };
        let delivery = service::redeliver_webhook_event(store(ctx), webhook, event).await?;
        Ok(RedeliverWebhookEventPayload { delivery: WebhookDelivery(delivery) })
    }
}
