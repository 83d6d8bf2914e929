//! The outbound policy: where the server's own HTTP requests may go.
//!
//! Two kinds of URL that a tenant chooses make the server connect somewhere:
//! webhook receivers (chosen by a tenant's people and API clients) and the
//! JWKS URLs of partner identity providers (chosen by a tenant's ADMIN, and
//! fetched when an *unauthenticated* request names the provider). In
//! production neither may reach the deployment's own network — loopback,
//! private ranges, link-local (where cloud metadata lives) and the like — or
//! a tenant could use the server to probe or call internal services.
//!
//! One setting governs both: `EENDRACHT_WEBHOOK_ALLOW_PRIVATE_TARGETS` (named
//! when it covered webhooks only; the name is kept as the configuration
//! contract), off by default in production, on in development. The check is
//! made where it cannot be dodged: a host name is checked on the addresses it
//! resolves to, by the client's own resolver at connect time (so a name that
//! resolves elsewhere later, DNS rebinding, cannot slip by), and a URL whose
//! host is an address literal — which never reaches a resolver — is checked
//! before the request is sent ([`OutboundPolicy::check_url`]) and on every
//! redirect ([`OutboundPolicy::redirects`]).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Which addresses the server's outbound requests may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboundPolicy {
    /// Public addresses only: production's default.
    PublicOnly,
    /// Any address, internal networks included: development's default, or a
    /// deployment whose receivers and key servers live inside its network.
    AllowPrivate,
}

impl OutboundPolicy {
    /// The policy of the `allow private targets` setting.
    pub fn from_allow_private(allow: bool) -> Self {
        if allow { Self::AllowPrivate } else { Self::PublicOnly }
    }

    pub fn allows_private(self) -> bool {
        self == Self::AllowPrivate
    }

    /// A client builder whose connections obey the policy: under
    /// [`OutboundPolicy::PublicOnly`] host names resolve to public addresses
    /// only. Literal addresses bypass any resolver: callers also check each
    /// URL with [`OutboundPolicy::check_url`] and follow redirects only by
    /// [`OutboundPolicy::redirects`] (or not at all).
    pub fn client_builder(self) -> reqwest::ClientBuilder {
        let builder = reqwest::Client::builder();
        match self {
            Self::PublicOnly => builder.dns_resolver(Arc::new(PublicOnly)),
            Self::AllowPrivate => builder,
        }
    }

    /// Refuses a URL whose host is a non-public address literal (which never
    /// reaches the resolver); host names are left to the resolver.
    pub fn check_url(self, url: &str) -> Result<(), String> {
        if self.allows_private() {
            return Ok(());
        }
        let host = url::Url::parse(url).ok().and_then(|u| u.host().map(|h| h.to_owned()));
        check_host(host.as_ref())
    }

    /// Follows at most `max` redirects, and under
    /// [`OutboundPolicy::PublicOnly`] none to a non-public address literal.
    pub fn redirects(self, max: usize) -> reqwest::redirect::Policy {
        reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= max {
                return attempt.error(format!("more than {max} redirects"));
            }
            let refused = match self {
                Self::PublicOnly => check_host(attempt.url().host().map(|h| h.to_owned()).as_ref()).err(),
                Self::AllowPrivate => None,
            };
            match refused {
                Some(reason) => attempt.error(reason),
                None => attempt.follow(),
            }
        })
    }
}

fn check_host(host: Option<&url::Host<String>>) -> Result<(), String> {
    let ip = match host {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(*ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(*ip),
        _ => return Ok(()),
    };
    if is_public(ip) { Ok(()) } else { Err(format!("{ip} is not a public address; private targets are not allowed")) }
}

/// Resolves host names to their public addresses only; a name with none
/// fails to connect.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let public: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(format!("{host} resolves to no public address; private targets are not allowed").into());
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether an address is on the public internet: not loopback, private,
/// shared (carrier-grade NAT), link-local (cloud metadata lives there),
/// documentation, multicast, reserved or unspecified.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
        ] {
            assert!(!is_public(private.parse().expect("an address")), "{private}");
        }
        for public in ["93.184.216.34", "8.8.8.8", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(public.parse().expect("an address")), "{public}");
        }
    }

    #[test]
    fn literal_private_hosts_are_refused_before_any_connection() {
        let policy = OutboundPolicy::PublicOnly;
        assert!(policy.check_url("http://127.0.0.1:8080/hook").is_err());
        assert!(policy.check_url("http://[::1]/hook").is_err());
        assert!(policy.check_url("https://169.254.169.254/latest/meta-data").is_err());
        assert!(policy.check_url("https://8.8.8.8/hook").is_ok());
        assert!(policy.check_url("https://hooks.example.org/hook").is_ok());
        assert!(OutboundPolicy::AllowPrivate.check_url("http://127.0.0.1:8080/hook").is_ok());
    }

    /// A key server on loopback, reached by name and by literal address.
    async fn loopback_server() -> (u16, Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                counted.fetch_add(1, Ordering::SeqCst);
                // The request first, then the answer.
                let mut request = Vec::new();
                let mut buffer = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}").await;
            }
        });
        (port, hits)
    }

    #[tokio::test]
    async fn a_public_only_client_never_connects_to_a_name_that_resolves_to_loopback() {
        let (port, hits) = loopback_server().await;
        let strict = OutboundPolicy::PublicOnly.client_builder().build().expect("client");
        let error = strict.get(format!("http://localhost:{port}/")).send().await.expect_err("refused");
        assert!(error.is_connect(), "{error:?}");
        assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0, "no connection was made");

        let open = OutboundPolicy::AllowPrivate.client_builder().build().expect("client");
        let answer = open.get(format!("http://127.0.0.1:{port}/")).send().await.expect("allowed");
        assert_eq!(answer.status(), 200);
        assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
