//! Calendar feed tokens: the secret part of `GET /calendar/<token>.ics`,
//! which calendar clients fetch without any header of their own.
//!
//! A token is the tenant's id and 256 random bits, base64url without padding
//! (64 characters). The tenant comes first because row-level security needs
//! it before the feed can be looked up; only the SHA-256 of the secret is
//! stored ([`FeedToken::hash`]), so a copy of the database opens no feed.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const SECRET_BYTES: usize = 32;
const TOKEN_BYTES: usize = 16 + SECRET_BYTES;

/// A feed token, read from a URL or freshly minted.
#[derive(Clone, PartialEq, Eq)]
pub struct FeedToken {
    tenant: Uuid,
    secret: [u8; SECRET_BYTES],
}

impl std::fmt::Debug for FeedToken {
    /// The secret never reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedToken").field("tenant", &self.tenant).finish_non_exhaustive()
    }
}

impl FeedToken {
    /// A new token for a feed of `tenant`.
    pub fn mint(tenant: Uuid) -> Self {
        Self { tenant, secret: rand::random() }
    }

    /// A token that can be made again from `key` and `label` alone: the demo's
    /// feeds, whose URLs `eendracht demo` prints on every run without keeping
    /// them. `key` is the deployment's token-signing secret, so whoever can
    /// derive a feed could sign in as its owner anyway.
    pub fn derive(tenant: Uuid, key: &[u8], label: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"eendracht calendar feed\0");
        hasher.update(tenant.as_bytes());
        hasher.update((key.len() as u64).to_be_bytes());
        hasher.update(key);
        hasher.update(label.as_bytes());
        Self { tenant, secret: hasher.finalize().into() }
    }

    /// Reads a token from a URL; `None` for anything that is not one.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != TOKEN_BYTES.div_ceil(3) * 4 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        let bytes: [u8; TOKEN_BYTES] = bytes.try_into().ok()?;
        let (tenant, secret) = bytes.split_at(16);
        Some(Self { tenant: Uuid::from_slice(tenant).ok()?, secret: secret.try_into().ok()? })
    }

    pub fn tenant(&self) -> Uuid {
        self.tenant
    }

    /// What is stored and looked up: hex SHA-256 of the secret.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.secret))
    }

    /// The token as it goes into the URL.
    pub fn expose(&self) -> String {
        let mut bytes = Vec::with_capacity(TOKEN_BYTES);
        bytes.extend_from_slice(self.tenant.as_bytes());
        bytes.extend_from_slice(&self.secret);
        URL_SAFE_NO_PAD.encode(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_reads_back_and_only_a_token_reads() {
        let tenant = Uuid::now_v7();
        let token = FeedToken::mint(tenant);
        let text = token.expose();
        assert_eq!(text.len(), 64);
        let read = FeedToken::parse(&text).expect("reads back");
        assert_eq!((read.tenant(), read.hash()), (tenant, token.hash()));
        assert_ne!(FeedToken::mint(tenant).hash(), token.hash(), "secrets are random");
        assert!(FeedToken::parse(&text[1..]).is_none());
        assert!(FeedToken::parse(&format!("{}+", &text[1..])).is_none());
        assert!(FeedToken::parse("").is_none());
        assert!(!format!("{token:?}").contains(&text[22..]), "Debug shows no secret");
        let derived = FeedToken::derive(tenant, b"key", "anna");
        assert_eq!(derived, FeedToken::derive(tenant, b"key", "anna"));
        assert_ne!(derived, FeedToken::derive(tenant, b"key", "bob"));
        assert_ne!(derived, FeedToken::derive(tenant, b"other", "anna"));
    }
}
