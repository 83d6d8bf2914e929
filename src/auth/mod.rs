//! Token verification: `Authorization: Bearer <JWT>` → an authenticated
//! [`Principal`] (a tenant and a subject). Who the principal *is* — person,
//! roles, positions — is looked up in the database by the store; nothing about
//! rights is taken from the token.
//!
//! Every key carries exactly one algorithm, and a token is only checked against
//! keys of its header's algorithm: an HS secret never checks an RS token, and
//! `alg: none` cannot even be parsed. Each [`Issuer`] says how a token's tenant
//! is found: the deployment's own issuer reads the tenant slug from `tid`; an
//! issuer bound to one tenant (a partner's identity provider) ignores `tid`.

mod keys;

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use keys::{dev_secret, load_public_keys};

/// Tokens a little past `exp` or before `nbf` are refused after this much slack
/// for clocks that disagree.
const LEEWAY_SECS: u64 = 30;

/// Who a verified token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub tenant: TenantRef,
    pub subject: String,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
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
}

/// The issuers this deployment trusts.
pub struct Verifier {
    issuers: Vec<Issuer>,
}

/// Only the claims needed to pick an issuer, read before any signature check.
#[derive(Deserialize)]
struct Unverified {
    #[serde(default)]
    iss: Option<String>,
}

impl Verifier {
    pub fn new(issuers: Vec<Issuer>) -> Self {
        Self { issuers }
    }

    /// Verifies an `Authorization` header value.
    pub fn verify_header(&self, header: Option<&str>) -> Result<Principal, AuthError> {
        let header = header.ok_or(AuthError::Missing)?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && !t.contains(' '))
            .ok_or(AuthError::MalformedHeader)?;
        self.verify(token)
    }

    pub fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(AuthError::BadHeader)?;
        // The issuer is read unverified only to choose which keys to try; the
        // signature check below then proves it.
        let claimed_iss =
            jsonwebtoken::dangerous::insecure_decode_claims::<Unverified>(token).map_err(AuthError::Invalid)?.iss;
        let issuer = self
            .issuers
            .iter()
            .find(|i| i.issuer.is_some() && i.issuer == claimed_iss)
            .or_else(|| self.issuers.iter().find(|i| i.issuer.is_none()))
            .ok_or(AuthError::UnknownIssuer)?;

        let candidates: Vec<&VerificationKey> = issuer
            .keys
            .iter()
            .filter(|k| k.algorithm == header.alg)
            .filter(|k| match (&header.kid, &k.kid) {
                (Some(wanted), Some(have)) => wanted == have,
                _ => true,
            })
            .collect();
        if candidates.is_empty() {
            return Err(AuthError::NoKey(header.alg));
        }

        let mut validation = Validation::new(header.alg);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp"]);
        match &issuer.issuer {
            Some(iss) => {
                validation.set_issuer(&[iss]);
                validation.required_spec_claims.insert("iss".into());
            }
            None => validation.iss = None,
        }
        match &issuer.audience {
            Some(aud) => {
                validation.set_audience(&[aud]);
                validation.required_spec_claims.insert("aud".into());
            }
            None => validation.validate_aud = false,
        }

        let mut last_error = None;
        for key in candidates {
            match jsonwebtoken::decode::<Claims>(token, &key.key, &validation) {
                Ok(data) => return principal(issuer, data.claims),
                Err(error) => last_error = Some(error),
            }
        }
        Err(AuthError::Invalid(last_error.unwrap_or_else(|| jsonwebtoken::errors::ErrorKind::InvalidSignature.into())))
    }
}

fn principal(issuer: &Issuer, claims: Claims) -> Result<Principal, AuthError> {
    let tenant = match &issuer.binding {
        TenantBinding::FromTidClaim => {
            TenantRef::Slug(claims.tid.filter(|t| !t.is_empty()).ok_or(AuthError::NoTenant)?)
        }
        TenantBinding::Bound(tenant_id) => TenantRef::Id(*tenant_id),
    };
    Ok(Principal { tenant, subject: claims.sub })
}

/// What `eendracht token` needs to mint tokens of the deployment's own issuer.
pub struct Minter {
    pub key: EncodingKey,
    pub issuer: Option<String>,
    pub audience: Option<String>,
}

impl Minter {
    pub fn mint(&self, tenant_slug: &str, subject: &str, ttl: Duration, now_secs: u64) -> anyhow::Result<String> {
        let claims = Claims {
            sub: subject.to_owned(),
            tid: Some(tenant_slug.to_owned()),
            exp: now_secs + ttl.as_secs(),
            iat: Some(now_secs),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.key)?)
    }
}
