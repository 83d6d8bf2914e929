//! Integration use cases: API clients and their tokens, partner identity
//! providers, webhooks.

use std::sync::Arc;

use base64::Engine;
use entity::{IdentityMatch, api_client, identity_provider, webhook, webhook_delivery};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::{Minter, client_id, split_client_id};
use crate::clock::Clock;
use crate::domain::events::EventKind;
use crate::domain::integration::{self as rules, CLIENT_TOKEN_TTL};
use crate::domain::{AppError, AppResult, policy};
use crate::outbound::OutboundPolicy;
use crate::store::integration::NewIdentityProvider;
use crate::store::webhooks::{NewWebhook, WebhookChanges};
use crate::store::{Db, NewEvent, Store};

/// A client as created: the only time its secret is seen.
pub struct CreatedApiClient {
    pub client: api_client::Model,
    pub client_id: String,
    pub client_secret: String,
}

pub async fn create_api_client(store: &Store, organisation_id: Uuid, name: &str) -> AppResult<CreatedApiClient> {
    let organisation = store.organisation(organisation_id).await?;
    policy::require_api_client_manager(&store.actor(), organisation.id)?;
    let name = crate::domain::values::Name::parse("name", name)?;
    let secret = random_secret("ecs_");
    let client = store.insert_api_client(organisation.id, name.into_inner(), secret_hash(&secret)).await?;
    store
        .record_event(
            NewEvent::new(EventKind::ApiClientCreated, client.id, json!({ "organisationId": organisation.id }))
                .concerning([organisation.id]),
        )
        .await?;
    Ok(CreatedApiClient { client_id: client_id(&store.actor().tenant_slug, client.id), client, client_secret: secret })
}

/// Revokes a client at once: every request checks that its client is live,
/// so tokens already issued stop working with the next request.
pub async fn revoke_api_client(store: &Store, id: Uuid) -> AppResult<api_client::Model> {
    let client = store.api_client(id).await?;
    policy::require_api_client_manager(&store.actor(), client.organisation_id)?;
    if client.revoked_at.is_some() {
        return Ok(client);
    }
    let client = store.revoke_api_client(client.id).await?;
    store
        .record_event(
            NewEvent::new(EventKind::ApiClientRevoked, client.id, json!({ "organisationId": client.organisation_id }))
                .concerning([client.organisation_id]),
        )
        .await?;
    Ok(client)
}

/// A token for a client, by the client credentials grant (RFC 6749 §4.4).
pub struct IssuedToken {
    pub access_token: String,
    pub expires_in: u64,
}

/// Why the token endpoint refuses (its RFC 6749 §5.2 error codes).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Unknown client, wrong secret, revoked: told apart only in the logs.
    #[error("invalid_client")]
    InvalidClient,
    #[error(transparent)]
    Internal(#[from] AppError),
}

pub async fn issue_client_token(
    db: &Db,
    minter: &Minter,
    clock: &Arc<dyn Clock>,
    client: &str,
    secret: &str,
) -> Result<IssuedToken, TokenError> {
    let (slug, id) = split_client_id(client).ok_or(TokenError::InvalidClient)?;
    let Some(found) = db.api_client_for_token(slug, id).await? else {
        tracing::info!(client, "token refused: no such live client");
        return Err(TokenError::InvalidClient);
    };
    if !same_bytes(secret_hash(secret).as_bytes(), found.client.secret_hash.as_bytes()) {
        tracing::info!(client, "token refused: wrong secret");
        return Err(TokenError::InvalidClient);
    }
    let now = clock.now();
    // The token's times are the wall clock's, as the verifier (jsonwebtoken)
    // checks `exp` against it, whatever clock the rest of the server runs on.
    let now_secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let access_token = minter
        .mint_for_client(client, &found.tenant_slug, CLIENT_TOKEN_TTL, now_secs)
        .map_err(|e| AppError::Internal(e.context("signing a client token")))?;
    db.touch_api_client(found.client.tenant_id, found.client.id, now).await?;
    Ok(IssuedToken { access_token, expires_in: CLIENT_TOKEN_TTL.as_secs() })
}

/// A partner identity provider to register.
///
/// Its issuer with its audience names one tenant in the whole deployment: a
/// pair another tenant (or this one) already holds is refused with CONFLICT,
/// and the message is the same either way, so it reveals nothing about other
/// tenants. Two tenants that share one real identity provider (one Microsoft
/// Entra ID directory, say) each register their own application there and
/// give its client id as the audience.
pub struct AddIdentityProvider {
    pub name: String,
    pub issuer: String,
    pub audience: String,
    pub jwks_url: Option<String>,
    pub jwks: Option<serde_json::Value>,
    pub match_by: IdentityMatch,
    pub email_domains: Vec<String>,
    /// Where the key fetcher may connect: a key URL it would refuse is
    /// refused here (a host that is an internal address; names are checked
    /// when fetching, on what they resolve to).
    pub outbound: OutboundPolicy,
}

pub async fn add_identity_provider(store: &Store, input: AddIdentityProvider) -> AppResult<identity_provider::Model> {
    policy::require_admin(&store.actor())?;
    let name = crate::domain::values::Name::parse("name", &input.name)?;
    let issuer = rules::identifier("issuer", &input.issuer)?;
    let audience = rules::identifier("audience", &input.audience)?;
    let jwks_url = input.jwks_url.as_deref().map(rules::jwks_url).transpose()?;
    if let Some(url) = &jwks_url
        && input.outbound.check_url(url).is_err()
    {
        return Err(AppError::bad_input("jwksUrl", "the key URL must be on a public address"));
    }
    let jwks = input.jwks.map(rules::jwks_document).transpose()?;
    if jwks_url.is_some() == jwks.is_some() {
        return Err(AppError::bad_input("jwksUrl", "give either jwksUrl or jwks"));
    }
    let email_domains = rules::email_domains(&input.email_domains)?;
    if input.match_by == IdentityMatch::Email && email_domains.is_empty() {
        return Err(AppError::bad_input("emailDomains", "matching by e-mail needs the domains to trust"));
    }
    let provider = store
        .insert_identity_provider(NewIdentityProvider {
            name: name.into_inner(),
            issuer,
            audience,
            jwks_url,
            jwks,
            match_by: input.match_by,
            email_domains,
        })
        .await?;
    store
        .record_event(NewEvent::new(
            EventKind::IdentityProviderAdded,
            provider.id,
            json!({ "matchBy": provider.match_by }),
        ))
        .await?;
    Ok(provider)
}

/// A webhook as created: the only time its signing secret is seen.
pub struct CreatedWebhook {
    pub webhook: webhook::Model,
    pub secret: String,
}

pub struct CreateWebhook {
    pub organisation_id: Option<Uuid>,
    pub network_id: Option<Uuid>,
    pub url: String,
    pub event_kinds: Vec<String>,
}

pub async fn create_webhook(store: &Store, input: CreateWebhook) -> AppResult<CreatedWebhook> {
    let (organisation_id, network_id) = match (input.organisation_id, input.network_id) {
        (Some(organisation), None) => (Some(store.organisation(organisation).await?.id), None),
        (None, Some(network)) => (None, Some(store.network(network).await?.id)),
        _ => return Err(AppError::bad_input("organisationId", "give either organisationId or networkId")),
    };
    policy::require_webhook_manager(&store.actor(), organisation_id, network_id)?;
    let url = rules::webhook_url(&input.url)?;
    let event_kinds = rules::event_kinds(&input.event_kinds)?;
    // Standard Webhooks secrets: `whsec_` and base64 of 32 random bytes.
    let secret = format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>()));
    let webhook = store
        .insert_webhook(NewWebhook {
            organisation_id,
            network_id,
            url,
            event_kinds: event_kinds.clone(),
            secret: secret.clone(),
        })
        .await?;
    store
        .record_event(
            NewEvent::new(EventKind::WebhookCreated, webhook.id, json!({ "eventKinds": event_kinds }))
                .concerning(organisation_id),
        )
        .await?;
    Ok(CreatedWebhook { webhook, secret })
}

pub struct UpdateWebhook {
    pub id: Uuid,
    pub url: Option<String>,
    pub event_kinds: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

pub async fn update_webhook(store: &Store, input: UpdateWebhook) -> AppResult<webhook::Model> {
    let current = store.webhook(input.id).await?;
    policy::require_webhook_manager(&store.actor(), current.organisation_id, current.network_id)?;
    let changes = WebhookChanges {
        url: input.url.as_deref().map(rules::webhook_url).transpose()?,
        event_kinds: input.event_kinds.as_deref().map(rules::event_kinds).transpose()?,
        enabled: input.enabled,
    };
    let changed_fields: Vec<&str> = [
        changes.url.as_ref().map(|_| "url"),
        changes.event_kinds.as_ref().map(|_| "eventKinds"),
        changes.enabled.map(|_| "enabled"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let updated = store.update_webhook(&current, changes).await?;
    store
        .record_event(
            NewEvent::new(
                EventKind::WebhookUpdated,
                updated.id,
                json!({ "changed": changed_fields, "enabled": updated.enabled }),
            )
            .concerning(updated.organisation_id),
        )
        .await?;
    Ok(updated)
}

pub async fn redeliver_webhook_event(
    store: &Store,
    webhook_id: Uuid,
    event_id: Uuid,
) -> AppResult<webhook_delivery::Model> {
    let hook = store.webhook(webhook_id).await?;
    policy::require_webhook_manager(&store.actor(), hook.organisation_id, hook.network_id)?;
    let delivery = store.redeliver(&hook, event_id).await?;
    store
        .record_event(
            NewEvent::new(EventKind::WebhookRedeliveryRequested, hook.id, json!({ "eventId": event_id }))
                .concerning(hook.organisation_id),
        )
        .await?;
    Ok(delivery)
}

/// The stored form of a client secret. The secret is 32 random bytes, so a
/// fast hash is as good as a slow one: there is nothing to guess.
fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn random_secret(prefix: &str) -> String {
    format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>()))
}

/// Compares without stopping at the first difference.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
