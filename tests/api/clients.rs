//! API clients (OAuth 2.0 client credentials) and partner identity providers.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use p256::ecdsa::SigningKey;
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::both;
use crate::helpers::{TestApp, now_secs, world};

const CREATE_CLIENT: &str =
    "mutation($o: ID!, $n: String!) { createApiClient(input: { organisationId: $o, name: $n }) {
    apiClient { id name clientId revokedAt } clientId clientSecret } }";

async fn token_request(app: &TestApp, form: &[(&str, &str)]) -> reqwest::Response {
    app.client.post(format!("{}/oauth/token", app.address)).form(form).send().await.expect("token request")
}

async fn client_token(app: &TestApp, id: &str, secret: &str) -> String {
    let response =
        token_request(app, &[("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret)]).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    body["access_token"].as_str().expect("access_token").to_owned()
}

both!(an_api_client_reads_for_its_organisation_and_writes_no_business_data, |app| {
    let w = world(&app, "acme").await;
    let created = app.ok(&w.director_a_token, CREATE_CLIENT, json!({ "o": w.org_a, "n": "Board portal" })).await;
    let created = &created["createApiClient"];
    let (id, secret) = (created["clientId"].as_str().expect("id"), created["clientSecret"].as_str().expect("secret"));
    assert_eq!(created["apiClient"]["clientId"], created["clientId"]);

    // Only the hash of the secret is stored.
    let stored: Vec<String> = app.column("api_clients", "secret_hash").await;
    assert_eq!(stored, vec![hex::encode(Sha256::digest(secret.as_bytes()))]);
    assert!(!stored[0].contains(secret));

    // RFC 6749 §4.4: a form POST, the §5.1 answer, never cached.
    let response =
        token_request(&app, &[("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret)])
            .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 300);
    let token = body["access_token"].as_str().expect("token").to_owned();

    // The same with HTTP Basic (§2.3.1).
    let basic = app
        .client
        .post(format!("{}/oauth/token", app.address))
        .header("authorization", format!("Basic {}", STANDARD.encode(format!("{id}:{secret}"))))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("token request");
    assert_eq!(basic.status(), 200);

    // It reads what a DIRECTOR of its organisation reads.
    let seen = app
        .ok(
            &token,
            "query($o: ID!) { viewer { apiClient { name lastUsedAt organisation { id } } }
              node(id: $o) { ... on Organisation { name pendingRatifications { id } apiClients { name } webhooks { id } } } }",
            json!({ "o": w.org_a }),
        )
        .await;
    assert_eq!(seen["viewer"]["apiClient"]["name"], "Board portal");
    assert_eq!(seen["viewer"]["apiClient"]["organisation"]["id"], w.org_a);
    assert!(seen["viewer"]["apiClient"]["lastUsedAt"].is_string(), "{seen}");
    assert_eq!(seen["node"]["name"], "Woonstad Noord");
    assert_eq!(seen["node"]["pendingRatifications"], json!([]));
    // …and not the other organisation's clients.
    let other = app
        .ok(
            &token,
            "query($o: ID!) { node(id: $o) { ... on Organisation { apiClients { id } } } }",
            json!({ "o": w.org_b }),
        )
        .await;
    assert!(other["node"].is_null() || other["node"]["apiClients"] == json!([]), "{other}");

    // It writes no business data, not even where its DIRECTOR could.
    let events = app.count("events").await;
    let refused = app
        .gql(&token, "mutation($o: ID!) { updateOrganisation(input: { id: $o, expectedVersion: 1, name: \"Overgenomen\" }) { organisation { name } } }", json!({ "o": w.org_a }))
        .await;
    assert_eq!(refused.code(), "FORBIDDEN");
    let refused = app
        .gql(
            &token,
            "mutation { createOrganisation(input: { name: \"Nieuw\", kind: OTHER }) { organisation { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(refused.code(), "FORBIDDEN");
    let refused = app.gql(&token, CREATE_CLIENT, json!({ "o": w.org_a, "n": "Another" })).await;
    assert_eq!(refused.code(), "FORBIDDEN");
    assert_eq!(app.count("events").await, events);
    assert_eq!(app.gql(&token, "{ viewer { person { id } } }", json!({})).await.code(), "FORBIDDEN");

    // It manages its organisation's webhooks (its one write).
    let hook = app
        .ok(&token, "mutation($o: ID!) { createWebhook(input: { organisationId: $o, url: \"https://intranet.example/hooks\", eventKinds: [\"goal.created\"] }) { webhook { id enabled } secret } }", json!({ "o": w.org_a }))
        .await;
    assert_eq!(hook["createWebhook"]["webhook"]["enabled"], true);
    assert!(hook["createWebhook"]["secret"].as_str().expect("secret").starts_with("whsec_"));
});

both!(wrong_secrets_unknown_clients_and_revoked_clients_are_refused, |app| {
    let w = world(&app, "acme").await;
    let created = app.ok(&w.director_a_token, CREATE_CLIENT, json!({ "o": w.org_a, "n": "Intranet" })).await;
    let created = &created["createApiClient"];
    let (id, secret) = (created["clientId"].as_str().expect("id"), created["clientSecret"].as_str().expect("secret"));
    let client_node = created["apiClient"]["id"].as_str().expect("node id");

    let wrong =
        token_request(&app, &[("grant_type", "client_credentials"), ("client_id", id), ("client_secret", "ecs_guess")])
            .await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(wrong.json::<Value>().await.expect("json")["error"], "invalid_client");
    let unknown_id = format!("acme.{}", uuid::Uuid::now_v7().simple());
    let unknown = token_request(
        &app,
        &[("grant_type", "client_credentials"), ("client_id", &unknown_id), ("client_secret", secret)],
    )
    .await;
    assert_eq!(unknown.status(), 401);
    let other_tenant = id.replacen("acme.", "elsewhere.", 1);
    let unknown = token_request(
        &app,
        &[("grant_type", "client_credentials"), ("client_id", &other_tenant), ("client_secret", secret)],
    )
    .await;
    assert_eq!(unknown.status(), 401);
    let grant = token_request(&app, &[("grant_type", "password"), ("client_id", id), ("client_secret", secret)]).await;
    assert_eq!(grant.status(), 400);
    assert_eq!(grant.json::<Value>().await.expect("json")["error"], "unsupported_grant_type");

    // Staff may not make clients.
    assert_eq!(
        app.gql(&w.staff_a_token, CREATE_CLIENT, json!({ "o": w.org_a, "n": "Mine" })).await.code(),
        "FORBIDDEN"
    );

    // Revoking stops the token already issued at once, and any new one.
    let token = client_token(&app, id, secret).await;
    app.ok(&token, "{ viewer { apiClient { name } } }", json!({})).await;
    let revoked = app
        .ok(
            &w.director_a_token,
            "mutation($c: ID!) { revokeApiClient(input: { apiClientId: $c }) { apiClient { revokedAt } } }",
            json!({ "c": client_node }),
        )
        .await;
    assert!(revoked["revokeApiClient"]["apiClient"]["revokedAt"].is_string());
    let after =
        app.post(Some(&format!("Bearer {token}")), json!({ "query": "{ viewer { apiClient { name } } }" })).await;
    assert_eq!(after.status(), 401);
    let again =
        token_request(&app, &[("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret)])
            .await;
    assert_eq!(again.status(), 401);
});

/// A partner identity provider made in the test: an ES256 key pair and the
/// JWKS document of its public half.
struct Partner {
    issuer: String,
    audience: String,
    keys: Vec<(String, EncodingKey, Value)>,
}

impl Partner {
    fn new(issuer: &str) -> Self {
        let mut partner = Self { issuer: issuer.to_owned(), audience: "api://eendracht".to_owned(), keys: Vec::new() };
        partner.rotate();
        partner
    }

    /// A new key, named by a new `kid`; the old ones stay published.
    fn rotate(&mut self) {
        let kid = format!("key-{}", self.keys.len() + 1);
        let signing = SigningKey::from_slice(&rand::random::<[u8; 32]>()).expect("a P-256 key");
        let pem = signing.to_pkcs8_pem(LineEnding::LF).expect("pem");
        let point = signing.verifying_key().to_encoded_point(false);
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid,
            "x": URL_SAFE_NO_PAD.encode(point.x().expect("x")),
            "y": URL_SAFE_NO_PAD.encode(point.y().expect("y")),
        });
        self.keys.push((kid, EncodingKey::from_ec_pem(pem.as_bytes()).expect("key"), jwk));
    }

    fn jwks(&self) -> Value {
        json!({ "keys": self.keys.iter().map(|(_, _, jwk)| jwk.clone()).collect::<Vec<_>>() })
    }

    /// A token signed with the newest key.
    fn token(&self, claims: Value) -> String {
        let (kid, key, _) = self.keys.last().expect("a key");
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(kid.clone());
        let mut all = json!({ "iss": self.issuer, "aud": self.audience, "exp": now_secs() + 600, "iat": now_secs() });
        all.as_object_mut().expect("object").extend(claims.as_object().expect("claims").clone());
        jsonwebtoken::encode(&header, &all, key).expect("sign")
    }
}

/// Serves a JWKS document that the test may change, and counts fetches.
struct JwksServer {
    url: String,
    document: std::sync::Arc<std::sync::Mutex<Value>>,
}

async fn jwks_server(document: Value) -> JwksServer {
    let document = std::sync::Arc::new(std::sync::Mutex::new(document));
    let served = document.clone();
    let router = axum::Router::new().route(
        "/jwks.json",
        axum::routing::get(move || {
            let served = served.clone();
            async move { axum::Json(served.lock().expect("lock").clone()) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/jwks.json", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    JwksServer { url, document }
}

const ADD_PROVIDER: &str = "mutation($i: AddIdentityProviderInput!) { addIdentityProvider(input: $i) {
    identityProvider { id issuer audience matchBy emailDomains jwksUrl } } }";

async fn whoami(app: &TestApp, token: &str) -> reqwest::Response {
    app.post(Some(&format!("Bearer {token}")), json!({ "query": "{ viewer { person { name } tenant { slug } } }" }))
        .await
}

async fn name_of(app: &TestApp, token: &str) -> Value {
    let response = whoami(app, token).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["viewer"]["person"]["name"].clone()
}

both!(a_partner_identity_provider_signs_people_in_by_sub_oid_or_verified_email, |app| {
    let w = world(&app, "acme").await;
    let mut entra = Partner::new("https://login.microsoftonline.com/1f2e3d4c/v2.0");
    let server = jwks_server(entra.jwks()).await;

    // Matched by oid; keys by URL.
    let added = app
        .ok(&w.admin, ADD_PROVIDER, json!({ "i": { "name": "Woonstad Entra ID", "issuer": entra.issuer, "audience": entra.audience, "jwksUrl": server.url, "matchBy": "OID" } }))
        .await;
    assert_eq!(added["addIdentityProvider"]["identityProvider"]["matchBy"], "OID");
    // The director's subject is "acme-dir-a": Entra's `oid` names them; its `tid`
    // (a directory id, or even another tenant's slug) is ignored.
    let token = entra.token(json!({ "sub": "pairwise-xyz", "oid": "acme-dir-a", "tid": "elsewhere" }));
    assert_eq!(name_of(&app, &token).await, "Dirk Directeur");

    // A rotation: the provider signs with a new key; the unknown kid makes the
    // server fetch the key set again.
    entra.rotate();
    *server.document.lock().expect("lock") = entra.jwks();
    let rotated = entra.token(json!({ "sub": "pairwise-xyz", "oid": "acme-staff-a" }));
    assert_eq!(name_of(&app, &rotated).await, "Sanne Staf");

    // Wrong audience, unknown issuer, and a person the tenant does not know: 401.
    let (kid, key, _) = entra.keys.last().expect("key");
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(kid.clone());
    let claims =
        json!({ "iss": entra.issuer, "aud": "api://someone-else", "exp": now_secs() + 600, "oid": "acme-dir-a" });
    let token = jsonwebtoken::encode(&header, &claims, key).expect("sign");
    assert_eq!(whoami(&app, &token).await.status(), 401);
    let stranger = Partner::new("https://idp.stranger.example");
    assert_eq!(whoami(&app, &stranger.token(json!({ "sub": "acme-dir-a", "oid": "acme-dir-a" }))).await.status(), 401);
    assert_eq!(whoami(&app, &entra.token(json!({ "oid": "nobody-here" }))).await.status(), 401);
    // A token signed by a key the provider never published.
    let forged = Partner::new(&entra.issuer).token(json!({ "oid": "acme-dir-a" }));
    assert_eq!(whoami(&app, &forged).await.status(), 401);

    // Matched by a verified e-mail in the given domains; keys inline.
    let google = Partner::new("https://accounts.partner.example");
    app.ok(&w.admin, ADD_PROVIDER, json!({ "i": { "name": "Zuid accounts", "issuer": google.issuer, "audience": google.audience, "jwks": google.jwks(), "matchBy": "EMAIL", "emailDomains": ["zuid.nl"] } }))
        .await;
    let verified = google.token(json!({ "sub": "g-1", "email": "Bram@Zuid.nl", "email_verified": true }));
    assert_eq!(name_of(&app, &verified).await, "Bram Beleid");
    let unverified = google.token(json!({ "sub": "g-1", "email": "bram@zuid.nl", "email_verified": false }));
    assert_eq!(whoami(&app, &unverified).await.status(), 401);
    let other_domain = google.token(json!({ "sub": "g-2", "email": "dirk@noord.nl", "email_verified": true }));
    assert_eq!(whoami(&app, &other_domain).await.status(), 401);

    // Admins see the registrations; nobody else does.
    let listed = app.ok(&w.admin, "{ identityProviders { issuer matchBy emailDomains } }", json!({})).await;
    let issuers: Vec<&str> = listed["identityProviders"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| p["issuer"].as_str().expect("issuer"))
        .collect();
    assert_eq!(issuers, vec![entra.issuer.as_str(), google.issuer.as_str()]);
    assert_eq!(listed["identityProviders"][1]["emailDomains"], json!(["zuid.nl"]));
    let hidden = app.ok(&w.director_a_token, "{ identityProviders { issuer } }", json!({})).await;
    assert_eq!(hidden["identityProviders"], json!([]));

    // Only admins register providers; bad input is named.
    let refused = app.gql(&w.director_a_token, ADD_PROVIDER, json!({ "i": { "name": "x", "issuer": "https://x.example", "audience": "a", "jwks": google.jwks(), "matchBy": "SUB" } })).await;
    assert_eq!(refused.code(), "FORBIDDEN");
    let bad = app
        .gql(
            &w.admin,
            ADD_PROVIDER,
            json!({ "i": { "name": "x", "issuer": "https://x.example", "audience": "a", "matchBy": "SUB" } }),
        )
        .await;
    assert_eq!(bad.code(), "BAD_USER_INPUT");
    let bad = app.gql(&w.admin, ADD_PROVIDER, json!({ "i": { "name": "x", "issuer": "https://x.example", "audience": "a", "jwks": { "keys": [] }, "matchBy": "SUB" } })).await;
    assert_eq!(bad.code(), "BAD_USER_INPUT");
});

both!(a_partner_provider_of_one_tenant_signs_nobody_into_another, |app| {
    // Tenant A registers the provider; tenant B has a person with the same
    // subject. The provider's tokens are bound to A whatever they claim.
    let a = app.bootstrap("tenant-a", "a-admin").await;
    let b = app.bootstrap("tenant-b", "b-admin").await;
    app.create_person(&b, "shared-subject", "Bea van B", None).await;
    let partner = Partner::new("https://idp.partner-a.example");
    app.ok(&a, ADD_PROVIDER, json!({ "i": { "name": "A's partner", "issuer": partner.issuer, "audience": partner.audience, "jwks": partner.jwks(), "matchBy": "SUB" } }))
        .await;
    let token = partner.token(json!({ "sub": "shared-subject", "tid": "tenant-b" }));
    // Not in A: refused; never B's person.
    assert_eq!(whoami(&app, &token).await.status(), 401);
    // Once A has that person, the token is theirs, in A.
    app.create_person(&a, "shared-subject", "Anna van A", None).await;
    let response = whoami(&app, &token).await;
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["data"]["viewer"]["person"]["name"], "Anna van A");
    assert_eq!(body["data"]["viewer"]["tenant"]["slug"], "tenant-a");
});
