//! Partner identity providers: issuers registered per tenant (with
//! `addIdentityProvider`), each bound to its tenant, with its keys from a JWKS
//! document or URL.
//!
//! An issuer with an audience belongs to exactly one tenant in the whole
//! deployment (a unique index across tenants, migration 8), and a token is
//! matched to a provider by its issuer *and* audience. Two tenants whose
//! people sign in at the same identity provider (one Microsoft Entra ID
//! directory, say) each register their own application there, so each has its
//! own client id as the audience; a token carries the audience of the
//! application it was issued for and so names one tenant. A token whose
//! audiences name providers of two tenants is refused as ambiguous.
//!
//! The registry is loaded from the database at start and again when a token
//! names an issuer and audience it does not know (at most every
//! [`RELOAD_INTERVAL`], so a stream of made-up issuers cannot turn into a
//! stream of queries; a registration in this process marks it stale at once;
//! concurrent callers share one reload).
//!
//! Keys from a URL are fetched through the deployment's outbound policy
//! ([`crate::outbound`]: no internal addresses in production) and every fetch
//! is triggered by a request not yet authenticated, so fetching is bounded:
//! - one fetch per provider at a time: concurrent requests wait for the one in
//!   progress and use its result (a request that already has usable keys
//!   does not wait for a refresh);
//! - keys are cached for [`KEYS_TTL`], and fetched again earlier only when a
//!   token names a `kid` the cache lacks (how a provider's key rotation is
//!   picked up);
//! - after a failed fetch none for [`FAILURE_BACKOFF`], first loads included;
//!   a failure keeps the keys there were;
//! - at most [`FETCHES_PER_MINUTE`] fetches per provider a minute, whatever
//!   triggers them.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use entity::IdentityMatch;
use jsonwebtoken::Header;
use jsonwebtoken::jwk::JwkSet;
use tokio::sync::{Mutex, RwLock};
use uuid::Uuid;

use super::{AuthError, Identity, Principal, TenantRef, VerificationKey, decode, keys_from_jwks, matching_keys};
use crate::outbound::OutboundPolicy;

const RELOAD_INTERVAL: Duration = Duration::from_secs(2);
const KEYS_TTL: Duration = Duration::from_secs(3600);
/// Loads of one provider's keys a minute, at most, whatever triggers them.
const FETCHES_PER_MINUTE: usize = 5;
/// After a failed load (a first one included) no new one for this long.
const FAILURE_BACKOFF: Duration = Duration::from_secs(30);
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_REDIRECTS: usize = 5;
/// A JWKS document larger than this is refused (real ones are a few kB).
const MAX_JWKS_BYTES: usize = 1 << 20;

/// A provider as registered.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// The tenant's slug: a partner's principal names its tenant as the
    /// deployment's own tokens do, so both spend from one tenant budget.
    pub tenant_slug: String,
    pub issuer: String,
    pub audience: String,
    pub jwks_url: Option<String>,
    pub jwks: Option<serde_json::Value>,
    pub match_by: IdentityMatch,
    /// Lower-case domains whose verified addresses count, for [`IdentityMatch::Email`].
    pub email_domains: Vec<String>,
}

/// Where the registry reads the providers of every tenant (the store).
#[async_trait::async_trait]
pub trait ProviderSource: Send + Sync {
    async fn load(&self) -> anyhow::Result<Vec<ProviderConfig>>;
}

pub struct IdentityProviders {
    source: Box<dyn ProviderSource>,
    http: reqwest::Client,
    outbound: OutboundPolicy,
    providers: RwLock<Vec<Arc<Provider>>>,
    /// When the registry was last read; held while it is read, so concurrent
    /// callers share one reload.
    last_load: Mutex<Option<Instant>>,
    stale: AtomicBool,
}

impl IdentityProviders {
    /// A registry whose key fetches obey `outbound`.
    pub fn new(source: Box<dyn ProviderSource>, outbound: OutboundPolicy) -> anyhow::Result<Self> {
        let http = outbound
            .client_builder()
            .timeout(FETCH_TIMEOUT)
            .redirect(outbound.redirects(MAX_REDIRECTS))
            .user_agent(concat!("Eendracht/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            source,
            http,
            outbound,
            providers: RwLock::new(Vec::new()),
            last_load: Mutex::new(None),
            stale: AtomicBool::new(true),
        })
    }

    /// Where key URLs may point; `addIdentityProvider` refuses what the
    /// fetcher would refuse.
    pub fn outbound(&self) -> OutboundPolicy {
        self.outbound
    }

    /// A provider was added: the next token with an unknown issuer and
    /// audience reloads without waiting.
    pub fn invalidate(&self) {
        self.stale.store(true, Ordering::SeqCst);
    }

    /// Reads the registry from the database; keeps the keys already fetched
    /// for providers that are still there.
    pub async fn reload(&self) -> anyhow::Result<()> {
        let mut last_load = self.last_load.lock().await;
        self.load(&mut last_load).await
    }

    /// Reloads unless the registry is fresh: read within [`RELOAD_INTERVAL`]
    /// and not marked stale. Whoever waited for a reload in progress finds it
    /// fresh and does not read again.
    async fn reload_if_due(&self) {
        let mut last_load = self.last_load.lock().await;
        let due = self.stale.load(Ordering::SeqCst) || last_load.is_none_or(|at| at.elapsed() >= RELOAD_INTERVAL);
        if due && let Err(error) = self.load(&mut last_load).await {
            tracing::warn!(%error, "reloading the identity providers failed");
        }
    }

    async fn load(&self, last_load: &mut Option<Instant>) -> anyhow::Result<()> {
        self.stale.store(false, Ordering::SeqCst);
        *last_load = Some(Instant::now());
        let configs = self.source.load().await?;
        let mut providers = self.providers.write().await;
        let previous = std::mem::take(&mut *providers);
        for config in configs {
            let kept = previous.iter().find(|p| p.config.id == config.id).cloned();
            providers.push(kept.unwrap_or_else(|| Arc::new(Provider::new(config, self.http.clone(), self.outbound))));
        }
        Ok(())
    }

    /// The provider of an issuer and audience; `None` when no provider has the
    /// issuer (the token may be the deployment's own). A pair the registry
    /// lacks reloads it (when due): another tenant may have registered its own
    /// audience at an issuer already known.
    pub(super) async fn find(
        &self,
        iss: &str,
        aud: Option<&serde_json::Value>,
    ) -> Result<Option<Arc<Provider>>, AuthError> {
        let audiences: Vec<&str> = match aud {
            Some(serde_json::Value::String(one)) => vec![one.as_str()],
            Some(serde_json::Value::Array(many)) => many.iter().filter_map(|a| a.as_str()).collect(),
            _ => Vec::new(),
        };
        let (mut issuer_known, mut matching) = self.matching(iss, &audiences).await;
        if matching.is_empty() {
            // Read again even when another request did the reloading.
            self.reload_if_due().await;
            (issuer_known, matching) = self.matching(iss, &audiences).await;
        }
        match matching.len() {
            _ if !issuer_known => Ok(None),
            1 => Ok(matching.pop()),
            0 => Err(AuthError::Invalid(jsonwebtoken::errors::ErrorKind::InvalidAudience.into())),
            // One provider per issuer and audience, but a token may name
            // several audiences, registered by different tenants.
            _ => Err(AuthError::Ambiguous),
        }
    }

    /// Whether any provider has the issuer, and those that also have one of the audiences.
    async fn matching(&self, iss: &str, audiences: &[&str]) -> (bool, Vec<Arc<Provider>>) {
        let providers = self.providers.read().await;
        let of_issuer = providers.iter().filter(|p| p.config.issuer == iss);
        let issuer_known = of_issuer.clone().next().is_some();
        (issuer_known, of_issuer.filter(|p| audiences.contains(&p.config.audience.as_str())).cloned().collect())
    }
}

/// One registered provider with its cached keys.
pub(super) struct Provider {
    config: ProviderConfig,
    http: reqwest::Client,
    outbound: OutboundPolicy,
    cache: RwLock<KeyCache>,
    /// Held while the keys are loaded: one load per provider at a time. A
    /// request dropped mid-load (its client went away) releases it, and the
    /// next waiter loads instead.
    loading: Mutex<()>,
    /// When the recent loads started, for [`FETCHES_PER_MINUTE`].
    recent_loads: Mutex<VecDeque<Instant>>,
}

#[derive(Default)]
struct KeyCache {
    keys: Option<Arc<Vec<VerificationKey>>>,
    /// When `keys` were loaded.
    loaded_at: Option<Instant>,
    /// When the last load failed; cleared by one that succeeds.
    failed_at: Option<Instant>,
    /// Loads finished, failed or not: a request that saw `n` and needs newer
    /// keys knows a load finished since when this is past `n`.
    loads: u64,
}

impl KeyCache {
    /// Whether a load is wanted: no keys, keys past [`KEYS_TTL`], or keys no
    /// newer than those a request (`newer_than`) found lacking.
    fn wants_load(&self, newer_than: Option<u64>) -> bool {
        self.loaded_at.is_none_or(|at| at.elapsed() >= KEYS_TTL) || newer_than.is_some_and(|seen| seen == self.loads)
    }

    /// Whether a load may start: not within [`FAILURE_BACKOFF`] of a failed one.
    fn may_load(&self) -> bool {
        self.failed_at.is_none_or(|at| at.elapsed() >= FAILURE_BACKOFF)
    }

    fn serve(&self) -> Result<(Arc<Vec<VerificationKey>>, u64), AuthError> {
        self.keys.clone().map(|keys| (keys, self.loads)).ok_or(AuthError::UnknownIssuer)
    }
}

impl Provider {
    fn new(config: ProviderConfig, http: reqwest::Client, outbound: OutboundPolicy) -> Self {
        Self {
            config,
            http,
            outbound,
            cache: RwLock::new(KeyCache::default()),
            loading: Mutex::new(()),
            recent_loads: Mutex::new(VecDeque::new()),
        }
    }

    /// Verifies a token of this provider and says whom it names.
    pub(super) async fn verify(&self, token: &str, header: &Header) -> Result<Principal, AuthError> {
        let (mut keys, seen) = self.keys(None).await?;
        if matching_keys(&keys, header).is_empty() && header.kid.is_some() && self.config.jwks_url.is_some() {
            // An unknown `kid`: perhaps the provider rotated its keys.
            keys = self.keys(Some(seen)).await?.0;
        }
        let candidates = matching_keys(&keys, header);
        if candidates.is_empty() {
            return Err(AuthError::NoKey(header.alg));
        }
        let claims = decode(token, header, Some(&self.config.issuer), Some(&self.config.audience), &candidates)?;
        // The provider's own `tid` (e.g. an Entra ID directory) is ignored: the
        // tenant is the one the provider is registered for.
        let identity = match self.config.match_by {
            IdentityMatch::Sub => Identity::Subject(claims.sub),
            IdentityMatch::Oid => Identity::Subject(claims.oid.ok_or(AuthError::NoIdentity("oid"))?),
            IdentityMatch::Email => {
                let email = claims
                    .email
                    .filter(|_| claims.email_verified == Some(true))
                    .map(|e| e.trim().to_lowercase())
                    .ok_or(AuthError::NoIdentity("a verified email"))?;
                let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
                if !self.config.email_domains.iter().any(|d| d == domain) {
                    return Err(AuthError::NoIdentity("an email in the provider's domains"));
                }
                Identity::Email(email)
            }
        };
        Ok(Principal { tenant: TenantRef::Slug(self.config.tenant_slug.clone()), identity })
    }

    /// The provider's keys with the number of the load they come from: the
    /// registered JWKS, or the URL's. Loaded when missing or older than
    /// [`KEYS_TTL`], or, with `newer_than`, when still those of that load.
    async fn keys(&self, newer_than: Option<u64>) -> Result<(Arc<Vec<VerificationKey>>, u64), AuthError> {
        let usable = {
            let cache = self.cache.read().await;
            if !cache.wants_load(newer_than) || !cache.may_load() {
                return cache.serve();
            }
            // Keys past their time still verify while a refresh is under way.
            newer_than.is_none() && cache.keys.is_some()
        };
        let _loading = if usable {
            match self.loading.try_lock() {
                Ok(guard) => guard,
                Err(_) => return self.cache.read().await.serve(),
            }
        } else {
            self.loading.lock().await
        };
        // Checked again: the load this request waited for may have answered
        // it, or failed (and then none starts before the backoff).
        {
            let cache = self.cache.read().await;
            if !cache.wants_load(newer_than) || !cache.may_load() || !self.within_rate().await {
                return cache.serve();
            }
        }
        let loaded = match (&self.config.jwks, &self.config.jwks_url) {
            (Some(document), _) => parse(document.clone()),
            (None, Some(url)) => self.fetch(url).await,
            (None, None) => Err(anyhow::anyhow!("the provider has neither keys nor a key URL")),
        };
        let mut cache = self.cache.write().await;
        cache.loads += 1;
        match loaded {
            Ok(keys) => {
                cache.keys = Some(Arc::new(keys));
                cache.loaded_at = Some(Instant::now());
                cache.failed_at = None;
            }
            Err(error) => {
                tracing::warn!(provider = %self.config.id, error = format!("{error:#}"), "loading an identity provider's keys failed");
                // Keep serving the keys we had: a provider's outage should not
                // sign everyone out.
                cache.failed_at = Some(Instant::now());
            }
        }
        cache.serve()
    }

    async fn fetch(&self, url: &str) -> anyhow::Result<Vec<VerificationKey>> {
        self.outbound.check_url(url).map_err(anyhow::Error::msg)?;
        let mut response = self.http.get(url).send().await?.error_for_status()?;
        if response.content_length().is_some_and(|length| length > MAX_JWKS_BYTES as u64) {
            anyhow::bail!("the key set is larger than {MAX_JWKS_BYTES} bytes");
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                anyhow::bail!("the key set is larger than {MAX_JWKS_BYTES} bytes");
            }
            body.extend_from_slice(&chunk);
        }
        parse(serde_json::from_slice(&body).context("the key set is not JSON")?)
    }

    /// Whether another load fits in [`FETCHES_PER_MINUTE`]; counts it if so.
    async fn within_rate(&self) -> bool {
        let mut recent = self.recent_loads.lock().await;
        while recent.front().is_some_and(|at| at.elapsed() >= Duration::from_secs(60)) {
            recent.pop_front();
        }
        if recent.len() >= FETCHES_PER_MINUTE {
            tracing::warn!(provider = %self.config.id, "an identity provider's keys were loaded too often; serving what is cached");
            return false;
        }
        recent.push_back(Instant::now());
        true
    }
}

fn parse(document: serde_json::Value) -> anyhow::Result<Vec<VerificationKey>> {
    let set: JwkSet = serde_json::from_value(document)?;
    keys_from_jwks(&set)
}
