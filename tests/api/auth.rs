//! Authentication: every bad token is HTTP 401 UNAUTHENTICATED, and only the
//! right key of the right algorithm verifies a token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::both;
use crate::helpers::{AUDIENCE, ISSUER, Keys, SECRET, TestApp, fixture, now_secs, sign_hs};

const VIEWER: &str = "{ viewer { person { name } tenantRole } }";

fn claims(overrides: Value) -> Value {
    let mut claims = json!({ "sub": "admin", "tid": "acme", "iss": ISSUER, "aud": AUDIENCE, "exp": now_secs() + 600 });
    for (key, value) in overrides.as_object().expect("an object") {
        if value.is_null() {
            claims.as_object_mut().expect("an object").remove(key);
        } else {
            claims[key] = value.clone();
        }
    }
    claims
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("json"))
}

async fn assert_refused(app: &TestApp, case: &str, authorization: Option<String>) {
    let response = app.post(authorization.as_deref(), json!({ "query": VIEWER })).await;
    assert_eq!(response.status(), 401, "{case}: expected 401");
    assert_eq!(response.headers().get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Bearer"), "{case}");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "{case}: {body}");
    assert!(body["errors"][0]["extensions"]["requestId"].is_string(), "{case}: {body}");
    assert_eq!(body["errors"][0]["message"], "authentication required", "{case}: the reason is never told");
}

both!(every_bad_token_is_refused_with_401, |app| {
    let valid = app.bootstrap("acme", "admin").await;
    let response = app.gql(&valid, VIEWER, json!({})).await;
    assert_eq!(response["viewer"]["tenantRole"], "ADMIN");

    let alg_none = format!("{}.{}.", b64(&json!({ "alg": "none", "typ": "JWT" })), b64(&claims(json!({}))));
    let tampered = {
        let parts: Vec<&str> = valid.split('.').collect();
        format!("{}.{}.{}", parts[0], b64(&claims(json!({ "sub": "someone-else" }))), parts[2])
    };
    let cases: Vec<(&str, Option<String>)> = vec![
        ("no header", None),
        ("malformed header", Some("Token abc".into())),
        ("bearer without token", Some("Bearer ".into())),
        ("basic auth", Some("Basic YWRtaW46YWRtaW4=".into())),
        ("not a JWT", Some("Bearer not.a.jwt".into())),
        ("alg none", Some(format!("Bearer {alg_none}"))),
        (
            "wrong HS secret",
            Some(format!("Bearer {}", sign_hs("another-secret-that-is-long-enough-0123456789", claims(json!({}))))),
        ),
        ("expired", Some(format!("Bearer {}", sign_hs(SECRET, claims(json!({ "exp": now_secs() - 3600 })))))),
        ("not yet valid", Some(format!("Bearer {}", sign_hs(SECRET, claims(json!({ "nbf": now_secs() + 3600 })))))),
        ("no exp", Some(format!("Bearer {}", sign_hs(SECRET, claims(json!({ "exp": null })))))),
        ("wrong issuer", Some(format!("Bearer {}", sign_hs(SECRET, claims(json!({ "iss": "https://evil.test" })))))),
        ("no issuer", Some(format!("Bearer {}", sign_hs(SECRET, claims(json!({ "iss": null })))))),
        ("wrong audience", Some(format!("Bearer {}", sign_hs(SECRET, claims(json!({ "aud": "another-api" })))))),
        ("no tenant", Some(format!("Bearer {}", sign_hs(SECRET, claims(json!({ "tid": null })))))),
        ("unknown tenant", Some(format!("Bearer {}", sign_hs(SECRET, claims(json!({ "tid": "globex" })))))),
        ("unknown subject", Some(format!("Bearer {}", sign_hs(SECRET, claims(json!({ "sub": "nobody" })))))),
        ("tampered payload", Some(format!("Bearer {tampered}"))),
    ];
    for (case, authorization) in cases {
        assert_refused(&app, case, authorization).await;
    }
});

fn sign_with(algorithm: Algorithm, kid: Option<&str>, key: &EncodingKey, claims: Value) -> String {
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, &claims, key).expect("sign")
}

both!(public_keys_verify_only_their_own_algorithm, Keys::PublicOnly, |app| {
    // The HS token bootstrap returns is useless here: this app trusts public keys only.
    app.bootstrap("acme", "admin").await;
    let rsa = EncodingKey::from_rsa_pem(&std::fs::read(fixture("rs256-private.pem")).expect("key")).expect("rsa key");
    let ec = EncodingKey::from_ec_pem(&std::fs::read(fixture("es256-private.pem")).expect("key")).expect("ec key");

    for (case, token) in [
        ("RS256 with its kid", sign_with(Algorithm::RS256, Some("rs-1"), &rsa, claims(json!({})))),
        ("RS256 without a kid", sign_with(Algorithm::RS256, None, &rsa, claims(json!({})))),
        ("ES256 with its kid", sign_with(Algorithm::ES256, Some("es-1"), &ec, claims(json!({})))),
    ] {
        let response = app.post(Some(&format!("Bearer {token}")), json!({ "query": VIEWER })).await;
        assert_eq!(response.status(), 200, "{case}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["data"]["viewer"]["tenantRole"], "ADMIN", "{case}: {body}");
    }

    // The classic confusion attack: an HS256 token whose secret is the RSA
    // public key. Without an HS key configured it has nothing to verify against.
    let public_pem = std::fs::read_to_string(fixture("rs256-public.pem")).expect("public key");
    let hs_with_public_key = sign_hs(&public_pem, claims(json!({})));
    let rs_with_wrong_kid = sign_with(Algorithm::RS256, Some("es-1"), &rsa, claims(json!({})));
    let es_expired = sign_with(Algorithm::ES256, Some("es-1"), &ec, claims(json!({ "exp": now_secs() - 3600 })));
    let hs_with_secret = sign_hs(SECRET, claims(json!({})));
    for (case, token) in [
        ("HS256 signed with the RSA public key", hs_with_public_key),
        ("HS256 when only public keys are configured", hs_with_secret),
        ("RS256 naming the EC key's kid", rs_with_wrong_kid),
        ("expired ES256", es_expired),
    ] {
        assert_refused(&app, case, Some(format!("Bearer {token}"))).await;
    }
});
