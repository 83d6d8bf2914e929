//! The rules of integration: API clients, partner identity providers and
//! webhooks — what a valid registration is, and the retry schedule of
//! webhook deliveries.

use std::time::Duration;

use super::events::EventKind;
use super::{AppError, AppResult};

/// How long a token of the token endpoint lives. Revocation does not wait
/// for it: every request checks that the client is still live.
pub const CLIENT_TOKEN_TTL: Duration = Duration::from_secs(300);

/// After the n-th failed attempt (n = 1, 2, …) the next waits this long (before
/// jitter); after the last, the delivery has failed. Together 27 h 35 min, so
/// a receiver that is down for a day still gets everything. The schedule of
/// the Standard Webhooks reference implementation (Svix).
pub const RETRY_DELAYS: [Duration; 7] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// Each wait is stretched or shrunk by up to this fraction, so the retries of
/// many deliveries to one receiver that came back do not arrive in one burst.
pub const JITTER: f64 = 0.2;

/// The wait after `failed_attempts` failures; `None` when the schedule has run
/// out. `jitter` is a number in [-1, 1] (random in production).
pub fn retry_delay(failed_attempts: u32, jitter: f64) -> Option<Duration> {
    let base = RETRY_DELAYS.get(usize::try_from(failed_attempts).ok()?.checked_sub(1)?)?;
    Some(base.mul_f64(1.0 + JITTER * jitter.clamp(-1.0, 1.0)))
}

/// At most this many event kinds per webhook (there are fewer kinds).
const MAX_EVENT_KINDS: usize = 64;

/// A receiver's URL: absolute http(s), a host, no credentials in it.
pub fn webhook_url(raw: &str) -> AppResult<String> {
    http_url("url", raw)
}

/// A key set's URL: as a webhook's.
pub fn jwks_url(raw: &str) -> AppResult<String> {
    http_url("jwksUrl", raw)
}

fn http_url(field: &str, raw: &str) -> AppResult<String> {
    let raw = raw.trim();
    let parsed = url::Url::parse(raw).map_err(|_| AppError::bad_input(field, "not an absolute URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(AppError::bad_input(field, "use an http or https URL with a host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(AppError::bad_input(field, "credentials do not belong in the URL"));
    }
    if raw.len() > 2000 {
        return Err(AppError::bad_input(field, "at most 2000 characters"));
    }
    Ok(parsed.to_string())
}

/// Event kinds by their wire names: known, at least one, each once. Integration
/// kinds (`webhook.*`, `api_client.*`) concern no network and are never sent.
pub fn event_kinds(raw: &[String]) -> AppResult<Vec<String>> {
    if raw.is_empty() {
        return Err(AppError::bad_input("eventKinds", "name at least one event kind"));
    }
    if raw.len() > MAX_EVENT_KINDS {
        return Err(AppError::bad_input("eventKinds", format!("at most {MAX_EVENT_KINDS} event kinds")));
    }
    let mut kinds = Vec::with_capacity(raw.len());
    for name in raw {
        match EventKind::from_wire_name(name) {
            Some(kind) if !kind.is_integration() => kinds.push(kind.wire_name().to_owned()),
            _ => return Err(AppError::bad_input("eventKinds", format!("{name:?} is not an event kind of a network"))),
        }
    }
    kinds.sort_unstable();
    kinds.dedup();
    Ok(kinds)
}

/// A key set given inline: a JWKS document with at least one key this server
/// can use (RSA or EC public keys).
pub fn jwks_document(raw: serde_json::Value) -> AppResult<serde_json::Value> {
    let set: jsonwebtoken::jwk::JwkSet = serde_json::from_value(raw.clone())
        .map_err(|_| AppError::bad_input("jwks", "not a JWKS document ({\"keys\": [...]})"))?;
    let usable = set.keys.iter().any(|jwk| jsonwebtoken::DecodingKey::from_jwk(jwk).is_ok());
    if !usable {
        return Err(AppError::bad_input("jwks", "the document holds no usable public key"));
    }
    Ok(raw)
}

/// An issuer or audience: a non-empty string of at most 500 characters.
pub fn identifier(field: &str, raw: &str) -> AppResult<String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() || trimmed.len() > 500 {
        return Err(AppError::bad_input(field, "1 to 500 characters"));
    }
    Ok(trimmed.to_owned())
}

/// E-mail domains: lower-case host names such as `woongoed.nl`.
pub fn email_domains(raw: &[String]) -> AppResult<Vec<String>> {
    let mut domains = Vec::with_capacity(raw.len());
    for domain in raw {
        let domain = domain.trim().trim_start_matches('@').to_lowercase();
        let valid = domain.contains('.')
            && domain.len() <= 253
            && domain
                .split('.')
                .all(|label| !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        if !valid {
            return Err(AppError::bad_input("emailDomains", format!("{domain:?} is not a domain name")));
        }
        domains.push(domain);
    }
    domains.sort_unstable();
    domains.dedup();
    Ok(domains)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_schedule_spans_more_than_a_day_and_then_stops() {
        let total: Duration = (1..=7).map(|n| retry_delay(n, -1.0).expect("a wait")).sum();
        assert!(total >= Duration::from_secs(22 * 3600), "even at the shortest jitter: {total:?}");
        let nominal: Duration = (1..=7).map(|n| retry_delay(n, 0.0).expect("a wait")).sum();
        assert!(nominal >= Duration::from_secs(24 * 3600));
        assert_eq!(retry_delay(8, 0.0), None);
        assert_eq!(retry_delay(0, 0.0), None);
    }

    #[test]
    fn jitter_stays_within_a_fifth_of_the_wait() {
        assert_eq!(retry_delay(1, 1.0), Some(Duration::from_secs(6)));
        assert_eq!(retry_delay(1, -1.0), Some(Duration::from_secs(4)));
        assert_eq!(retry_delay(2, 5.0), Some(Duration::from_secs(360)));
    }

    #[test]
    fn urls_must_be_http_with_a_host_and_no_credentials() {
        assert!(webhook_url("https://intranet.example.org/hooks").is_ok());
        assert!(webhook_url("http://127.0.0.1:9000/x").is_ok());
        assert!(webhook_url("ftp://example.org").is_err());
        assert!(webhook_url("https://user:pw@example.org").is_err());
        assert!(webhook_url("/relative").is_err());
    }

    #[test]
    fn event_kinds_are_known_network_kinds_each_once() {
        let kinds = event_kinds(&["commitment.agreed".into(), "commitment.agreed".into(), "partner.joined".into()])
            .expect("valid");
        assert_eq!(kinds, vec!["commitment.agreed".to_owned(), "partner.joined".to_owned()]);
        assert!(event_kinds(&[]).is_err());
        assert!(event_kinds(&["commitment.eaten".into()]).is_err());
        assert!(event_kinds(&["webhook.created".into()]).is_err());
    }

    #[test]
    fn email_domains_are_lower_case_host_names() {
        assert_eq!(email_domains(&["@WoonGoed.nl".into()]).expect("valid"), vec!["woongoed.nl".to_owned()]);
        assert!(email_domains(&["not a domain".into()]).is_err());
    }
}
