//! Token verification: `Authorization: Bearer <JWT>` → an authenticated
//! [`Principal`] (a tenant and an [`Identity`]). Who the principal *is* —
//! person or API client, roles, positions — is looked up in the database by
//! the store; nothing about rights is taken from the token.
//!
//! Every key carries exactly one algorithm, and a token is only checked against
//! keys of its header's algorithm: an HS secret never checks an RS token, and
//! `alg: none` cannot even be parsed. Each [`Issuer`] says how a token's tenant
//! is found: the deployment's own issuer reads the tenant slug from `tid`; a
//! partner's identity provider ([`providers`]) is bound to one tenant and its
//! own `tid` is ignored.

pub mod feeds;
pub mod outbound;

mod keys;
pub mod providers;

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use keys::{dev_secret, keys_from_jwks, load_public_keys};
pub use providers::{IdentityProviders, ProviderConfig, ProviderSource};

/// Tokens a little past `exp` or before `nbf` are refused after this much slack
/// for clocks that disagree.
const LEEWAY_SECS: u64 = 30;

/// Who a verified token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub tenant: TenantRef,
    pub identity: Identity,
}

impl Principal {
    /// A person of the tenant known by their subject.
    pub fn person(tenant: TenantRef, subject: impl Into<String>) -> Self {
        Self { tenant, identity: Identity::Subject(subject.into()) }
    }

    /// A stable key for per-principal budgets (rate limits) and logs; holds no
    /// personal data beyond what the token's subject already is.
    pub fn key(&self) -> String {
        match &self.identity {
            Identity::Subject(subject) => subject.clone(),
            Identity::Email(email) => format!("email:{email}"),
            Identity::ApiClient(id) => format!("client:{id}"),
            Identity::CalendarFeed(hash) => format!("feed:{}", &hash[..hash.len().min(16)]),
        }
    }
}

/// How the store finds who a principal is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// A person by subject: the deployment's `sub`, or a partner's `sub`/`oid`.
    Subject(String),
    /// A person by a verified e-mail address (lower-case), from a partner
    /// identity provider that matches by e-mail.
    Email(String),
    /// An API client (client credentials), by its id.
    ApiClient(Uuid),
    /// The owner of a live calendar feed, by the hash of its secret
    /// ([`feeds::FeedToken::hash`]): the person whose view the feed shows.
    CalendarFeed(String),
}

/// How the tenant of a principal is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantRef {
    /// The `tid` claim of a token from the deployment's own issuer.
    Slug(String),
    /// The tenant an issuer is bound to.
    Id(Uuid),
}

/// How an issuer's tokens name their tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantBinding {
    /// The deployment's own issuer: the slug is in `tid`.
    FromTidClaim,
    /// A partner identity provider registered for one tenant; its own `tid`
    /// (e.g. an Entra ID directory id) is ignored.
    Bound(Uuid),
}

/// A public or shared key with the one algorithm it may verify.
pub struct VerificationKey {
    pub kid: Option<String>,
    pub algorithm: Algorithm,
    pub key: DecodingKey,
}

/// One trusted issuer of tokens.
pub struct Issuer {
    /// Required `iss`; `None` accepts tokens without an `iss` check (only for the
    /// deployment's own issuer, when no issuer is configured).
    pub issuer: Option<String>,
    /// Required `aud`, when set.
    pub audience: Option<String>,
    pub keys: Vec<VerificationKey>,
    pub binding: TenantBinding,
}

/// The claims Eendracht reads. Unknown claims are ignored.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<String>,
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// A string or a list of strings (RFC 7519); checked by the validation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<serde_json::Value>,
    /// Set in tokens of the token endpoint (RFC 9068): the API client's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Microsoft Entra ID's stable object id of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
}

/// Why a token was refused. Logged at debug level; the client only ever hears
/// UNAUTHENTICATED.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("no bearer token")]
    Missing,
    #[error("malformed Authorization header")]
    MalformedHeader,
    #[error("token header unreadable: {0}")]
    BadHeader(jsonwebtoken::errors::Error),
    #[error("no trusted issuer for this token")]
    UnknownIssuer,
    #[error("no key for algorithm {0:?}")]
    NoKey(Algorithm),
    #[error("token refused: {0}")]
    Invalid(jsonwebtoken::errors::Error),
    #[error("token names no tenant")]
    NoTenant,
    #[error("the token's issuer and audience match identity providers of several tenants")]
    Ambiguous,
    #[error("the token lacks the claim its identity provider matches people by: {0}")]
    NoIdentity(&'static str),
}

/// The issuers this deployment trusts: its own, and the partner identity
/// providers registered per tenant.
pub struct Verifier {
    issuers: Vec<Issuer>,
    partners: Option<std::sync::Arc<IdentityProviders>>,
}

/// Only the claims needed to pick an issuer, read before any signature check.
#[derive(Deserialize)]
struct Unverified {
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    aud: Option<serde_json::Value>,
}

impl Verifier {
    pub fn new(issuers: Vec<Issuer>) -> Self {
        Self { issuers, partners: None }
    }

    /// Also trusts the partner identity providers of `partners`.
    pub fn with_partners(mut self, partners: std::sync::Arc<IdentityProviders>) -> Self {
        self.partners = Some(partners);
        self
    }

    pub fn partners(&self) -> Option<&std::sync::Arc<IdentityProviders>> {
        self.partners.as_ref()
    }

    /// Verifies an `Authorization` header value.
    pub async fn verify_header(&self, header: Option<&str>) -> Result<Principal, AuthError> {
        let header = header.ok_or(AuthError::Missing)?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && !t.contains(' '))
            .ok_or(AuthError::MalformedHeader)?;
        self.verify(token).await
    }

    pub async fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(AuthError::BadHeader)?;
        // The issuer is read unverified only to choose which keys to try; the
        // signature check then proves it.
        let claimed =
            jsonwebtoken::dangerous::insecure_decode_claims::<Unverified>(token).map_err(AuthError::Invalid)?;
        let own = self.issuers.iter().find(|i| i.issuer.is_some() && i.issuer == claimed.iss);
        if own.is_none()
            && let (Some(partners), Some(iss)) = (&self.partners, &claimed.iss)
            && let Some(provider) = partners.find(iss, claimed.aud.as_ref()).await?
        {
            return provider.verify(token, &header).await;
        }
        let issuer =
            own.or_else(|| self.issuers.iter().find(|i| i.issuer.is_none())).ok_or(AuthError::UnknownIssuer)?;
        let candidates = matching_keys(&issuer.keys, &header);
        if candidates.is_empty() {
            return Err(AuthError::NoKey(header.alg));
        }
        let claims = decode(token, &header, issuer.issuer.as_deref(), issuer.audience.as_deref(), &candidates)?;
        principal(issuer, claims)
    }
}

/// The keys of the header's algorithm (and `kid`, when both name one).
fn matching_keys<'k>(keys: &'k [VerificationKey], header: &Header) -> Vec<&'k VerificationKey> {
    keys.iter()
        .filter(|k| k.algorithm == header.alg)
        .filter(|k| match (&header.kid, &k.kid) {
            (Some(wanted), Some(have)) => wanted == have,
            _ => true,
        })
        .collect()
}

/// Checks the signature against each candidate, and `exp`, `nbf`, `iss` and
/// `aud`, with [`LEEWAY_SECS`] of slack.
fn decode(
    token: &str,
    header: &Header,
    issuer: Option<&str>,
    audience: Option<&str>,
    candidates: &[&VerificationKey],
) -> Result<Claims, AuthError> {
    let mut validation = Validation::new(header.alg);
    validation.leeway = LEEWAY_SECS;
    validation.validate_nbf = true;
    validation.set_required_spec_claims(&["exp"]);
    match issuer {
        Some(iss) => {
            validation.set_issuer(&[iss]);
            validation.required_spec_claims.insert("iss".into());
        }
        None => validation.iss = None,
    }
    match audience {
        Some(aud) => {
            validation.set_audience(&[aud]);
            validation.required_spec_claims.insert("aud".into());
        }
        None => validation.validate_aud = false,
    }

    let mut last_error = None;
    for key in candidates {
        match jsonwebtoken::decode::<Claims>(token, &key.key, &validation) {
            Ok(data) => return Ok(data.claims),
            Err(error) => last_error = Some(error),
        }
    }
    Err(AuthError::Invalid(last_error.unwrap_or_else(|| jsonwebtoken::errors::ErrorKind::InvalidSignature.into())))
}

/// A token of the deployment's own issuer: the tenant from `tid` (or the
/// issuer's binding); an API client when the token endpoint issued it.
fn principal(issuer: &Issuer, claims: Claims) -> Result<Principal, AuthError> {
    let tenant = match &issuer.binding {
        TenantBinding::FromTidClaim => {
            TenantRef::Slug(claims.tid.filter(|t| !t.is_empty()).ok_or(AuthError::NoTenant)?)
        }
        TenantBinding::Bound(tenant_id) => TenantRef::Id(*tenant_id),
    };
    let identity = match claims.client_id.as_deref().map(parse_client_id) {
        Some(Some(client)) => Identity::ApiClient(client),
        Some(None) => return Err(AuthError::NoIdentity("client_id")),
        None => Identity::Subject(claims.sub),
    };
    Ok(Principal { tenant, identity })
}

/// The wire form of an API client's id: `<tenant slug>.<uuid>`. The slug lets
/// the token endpoint find the tenant before it reads the (row-level secured)
/// client.
pub fn client_id(tenant_slug: &str, client: Uuid) -> String {
    format!("{tenant_slug}.{}", client.simple())
}

/// The uuid of a client id; `None` when it is not one.
pub fn parse_client_id(client_id: &str) -> Option<Uuid> {
    split_client_id(client_id).map(|(_, id)| id)
}

/// The tenant slug and uuid of a client id.
pub fn split_client_id(client_id: &str) -> Option<(&str, Uuid)> {
    let (slug, id) = client_id.rsplit_once('.')?;
    Some((slug, Uuid::try_parse(id).ok()?))
}

/// What `eendracht token` needs to mint tokens of the deployment's own issuer.
pub struct Minter {
    pub key: EncodingKey,
    pub issuer: Option<String>,
    pub audience: Option<String>,
}

impl Minter {
    pub fn mint(&self, tenant_slug: &str, subject: &str, ttl: Duration, now_secs: u64) -> anyhow::Result<String> {
        self.sign(Claims {
            sub: subject.to_owned(),
            tid: Some(tenant_slug.to_owned()),
            exp: now_secs + ttl.as_secs(),
            iat: Some(now_secs),
            iss: self.issuer.clone(),
            aud: self.audience.clone().map(serde_json::Value::String),
            client_id: None,
            oid: None,
            email: None,
            email_verified: None,
        })
    }

    /// A token for an API client (RFC 9068 shape: `sub` and `client_id` are the
    /// client's id).
    pub fn mint_for_client(
        &self,
        client_id: &str,
        tenant_slug: &str,
        ttl: Duration,
        now_secs: u64,
    ) -> anyhow::Result<String> {
        self.sign(Claims {
            sub: client_id.to_owned(),
            tid: Some(tenant_slug.to_owned()),
            exp: now_secs + ttl.as_secs(),
            iat: Some(now_secs),
            iss: self.issuer.clone(),
            aud: self.audience.clone().map(serde_json::Value::String),
            client_id: Some(client_id.to_owned()),
            oid: None,
            email: None,
            email_verified: None,
        })
    }

    fn sign(&self, claims: Claims) -> anyhow::Result<String> {
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.key)?)
    }
}
