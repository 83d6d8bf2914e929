//! `/mail/unsubscribe/<token>`: the one-click unsubscribe link of every mail
//! (RFC 8058; docs/mail.md). The link is the credential, as a calendar
//! feed's URL is: the tenant and a secret whose hash names one mail, which
//! says whose mail and of which kind.
//!
//! - `POST` (what a mail client sends for `List-Unsubscribe-Post`, and what
//!   the page's button sends) stops that kind of mail for that person at
//!   once, with no sign-in, and answers a short page saying so.
//! - `GET` (a person following the link in the text) only shows that page's
//!   question and its button: link checkers and mail scanners fetch links,
//!   and a fetch must not unsubscribe anyone.
//!
//! An unknown or malformed token is 404 and counts as a failed
//! authentication of the source, as at `/calendar` and `/oauth/token`. A
//! live link costs [`LINK_POINTS`] of its own budget and its tenant's, and
//! takes a share of the database like any request.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use entity::MailKind;

use super::AppState;
use super::calendar::{too_many, unavailable};
use crate::auth::feeds::FeedToken;
use crate::auth::{Identity, Principal, TenantRef};
use crate::domain::AppError;
use crate::i18n::text;
use crate::service::mail::{self as service, Unsubscribed};
use crate::store::{Access, Store};

/// `GET`: the page with its question and button; changes nothing.
pub async fn show(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    Path(token): Path<String>,
) -> Response {
    answer(&state, peer, &token, Access::Read, |store, token| Box::pin(service::unsubscribe_target(store, token))).await
}

/// `POST`: one click stops that kind of mail.
pub async fn unsubscribe(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    Path(token): Path<String>,
) -> Response {
    answer(&state, peer, &token, Access::Write, |store, token| Box::pin(service::unsubscribe(store, token))).await
}

/// The page for `token` after `step`, guarded as a secret URL is.
async fn answer(
    state: &AppState,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    token: &str,
    access: Access,
    step: impl for<'a> FnOnce(&'a Store, &'a FeedToken) -> Step<'a>,
) -> Response {
    let source = peer.map(|peer| peer.0.0.ip());
    let answer = async {
        let Some(token) = FeedToken::parse(token) else { return not_found() };
        // The link's own budget and share of the database, and its tenant's,
        // as for any request: a link used in a loop slows only itself. The
        // principal only keys them; it is never resolved.
        let principal = Principal {
            tenant: TenantRef::Id(token.tenant()),
            identity: Identity::Subject(format!("unsubscribe-link:{}", token.hash())),
        };
        if let Some(decision) = state.rate_limiter.charge(&principal, LINK_POINTS).await
            && decision.throttled
        {
            return too_many(decision.reset_secs);
        }
        let Ok(_admitted) = state.admission.admit(&principal).await else { return unavailable() };
        match run(state, &token, access, step).await {
            Ok(Some(target)) => page(target, access == Access::Write),
            Ok(None) => not_found(),
            Err(response) => response,
        }
    };
    state.rate_limiter.guarding_secrets(source, StatusCode::NOT_FOUND, too_many, answer).await
}

/// What one use of a link costs, in rate-limit points: a small page.
const LINK_POINTS: u64 = 5;

type Step<'a> = std::pin::Pin<Box<dyn Future<Output = Result<Option<Unsubscribed>, AppError>> + Send + 'a>>;

/// Runs `step` in the token's tenant as its system actor, committing a write.
async fn run(
    state: &AppState,
    token: &FeedToken,
    access: Access,
    step: impl for<'a> FnOnce(&'a Store, &'a FeedToken) -> Step<'a>,
) -> Result<Option<Unsubscribed>, Response> {
    let work = async {
        let store = Store::system(&state.db, token.tenant(), access, state.clock.clone()).await?;
        match step(&store, token).await {
            Ok(result) => {
                match access {
                    Access::Write => store.commit().await?,
                    Access::Read => store.rollback().await,
                }
                Ok(result)
            }
            Err(error) => {
                store.rollback().await;
                Err(error)
            }
        }
    };
    match tokio::time::timeout(state.request_timeout, work).await {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(AppError::NotFound(_))) => Ok(None),
        Ok(Err(AppError::Busy | AppError::Unavailable)) | Err(_) => Err(unavailable()),
        Ok(Err(error)) => {
            tracing::error!(%error, "an unsubscribe link failed");
            Err((StatusCode::INTERNAL_SERVER_ERROR, "something went wrong; try again later\n").into_response())
        }
    }
}

/// The page: the question with its button, or what was done.
fn page(target: Unsubscribed, done: bool) -> Response {
    let locale = target.locale;
    let t = |id: &str| escape(&text(locale, id, &[]));
    let list = match target.kind {
        MailKind::Digest => "digest",
        MailKind::Reminder => "reminders",
    };
    let body = if done {
        format!("<p>{}</p>\n<p>{}</p>", t(&format!("unsubscribe-done-{list}")), t("unsubscribe-again"))
    } else {
        // The form posts to this same URL, as a mail client's one click does.
        format!(
            "<p>{}</p>\n<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
             <button type=\"submit\">{}</button></form>",
            t(&format!("unsubscribe-question-{list}")),
            t("unsubscribe-button")
        )
    };
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n\
         <style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}\
         button{{font-size:1rem;padding:.5rem 1.2rem}}</style>\n</head>\n<body>\n<h1>{title}</h1>\n{body}\n</body>\n</html>\n",
        lang = locale.tag(),
        title = t("unsubscribe-title"),
    );
    let mut response = (StatusCode::OK, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")], "no such link\n").into_response()
}
