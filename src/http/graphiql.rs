//! GraphiQL (development only), served whole by the binary: the pinned
//! GraphiQL, React and graphql-ws builds in `assets/graphiql/` (see its
//! README) under `/graphiql/<file>`, and our own page and script that mount
//! it on `/graphql`. Nothing is loaded from another host, so it works offline
//! and its policy allows `'self'` only. Production registers none of these
//! routes and answers a plain `GET /graphql` with 405.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// GraphiQL's policy: scripts and styles from this server only, no inline
/// script; fonts and icons come as `data:` URLs inside the stylesheet. It
/// still may not be framed.
static CSP: HeaderValue = HeaderValue::from_static(
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
);

/// The vendored files never change under their versioned names: a browser
/// keeps them for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Our own script changes with the binary under the same name: a browser asks
/// again each time.
const REVALIDATE: &str = "no-cache";

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// `(name under /graphiql/, content type, cache policy, body)`.
const ASSETS: &[(&str, &str, &str, &[u8])] = &[
    ("graphiql-4.1.2.min.js", JS, IMMUTABLE, include_bytes!("../../assets/graphiql/graphiql-4.1.2.min.js")),
    ("graphiql-4.1.2.min.css", CSS, IMMUTABLE, include_bytes!("../../assets/graphiql/graphiql-4.1.2.min.css")),
    (
        "react-18.3.1.production.min.js",
        JS,
        IMMUTABLE,
        include_bytes!("../../assets/graphiql/react-18.3.1.production.min.js"),
    ),
    (
        "react-dom-18.3.1.production.min.js",
        JS,
        IMMUTABLE,
        include_bytes!("../../assets/graphiql/react-dom-18.3.1.production.min.js"),
    ),
    ("graphql-ws-5.16.2.min.js", JS, IMMUTABLE, include_bytes!("../../assets/graphiql/graphql-ws-5.16.2.min.js")),
    ("eendracht.js", JS, REVALIDATE, include_str!("graphiql.js").as_bytes()),
];

/// The page (`GET /graphql` in development), with its own policy.
pub async fn page() -> impl IntoResponse {
    ([(header::CONTENT_SECURITY_POLICY, CSP.clone())], Html(include_str!("graphiql.html")))
}

/// `GET /graphiql/<file>`: one of [`ASSETS`], or 404.
pub async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, ..)| *name == file) {
        Some((_, content_type, cache, body)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_only_assets_the_binary_serves() {
        let page = include_str!("graphiql.html");
        let mut referenced = 0;
        for part in page.split("\"/graphiql/").skip(1) {
            let name = &part[..part.find('"').expect("a closing quote")];
            assert!(ASSETS.iter().any(|(served, ..)| *served == name), "{name} is not served");
            referenced += 1;
        }
        assert_eq!(referenced, ASSETS.len(), "every served file is used by the page");
        assert!(!page.contains("http:") && !page.contains("https:"), "the page names no other host");
    }
}
