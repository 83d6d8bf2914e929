//! Reading keys: the HS256 secret (generated once in development) and public
//! keys from a PEM file or a JWKS file.

use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey};
use rand::RngCore;
use secrecy::SecretString;

use super::VerificationKey;

/// Reads the development secret beside the database, creating it (mode 0600)
/// on first use so that `serve` and `token` agree without configuration.
pub fn dev_secret(path: &Path) -> anyhow::Result<SecretString> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim().to_owned();
        if !existing.is_empty() {
            return Ok(SecretString::from(existing));
        }
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    write_private(path, &secret).with_context(|| format!("writing the development secret to {}", path.display()))?;
    Ok(SecretString::from(secret))
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

/// Reads public keys: a PEM file with one RSA (RS256) or EC P-256 (ES256) key,
/// or a JWKS file whose RSA and EC keys become RS256 and ES256 keys.
pub fn load_public_keys(path: &Path) -> anyhow::Result<Vec<VerificationKey>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading public keys from {}", path.display()))?;
    if text.trim_start().starts_with('{') {
        let set: JwkSet = serde_json::from_str(&text).context("parsing the JWKS file")?;
        return keys_from_jwks(&set);
    }
    if let Ok(key) = DecodingKey::from_rsa_pem(text.as_bytes()) {
        return Ok(vec![VerificationKey { kid: None, algorithm: Algorithm::RS256, key }]);
    }
    if let Ok(key) = DecodingKey::from_ec_pem(text.as_bytes()) {
        return Ok(vec![VerificationKey { kid: None, algorithm: Algorithm::ES256, key }]);
    }
    bail!("{} holds neither an RSA nor an EC public key in PEM form, nor a JWKS", path.display())
}

/// Turns a JWKS into verification keys; keys of other types are skipped.
pub fn keys_from_jwks(set: &JwkSet) -> anyhow::Result<Vec<VerificationKey>> {
    let mut keys = Vec::new();
    for jwk in &set.keys {
        let algorithm = match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => Algorithm::RS256,
            AlgorithmParameters::EllipticCurve(_) => Algorithm::ES256,
            _ => continue,
        };
        let key = DecodingKey::from_jwk(jwk).context("reading a key of the JWKS")?;
        keys.push(VerificationKey { kid: jwk.common.key_id.clone(), algorithm, key });
    }
    if keys.is_empty() {
        bail!("the JWKS holds no RSA or EC keys");
    }
    Ok(keys)
}
