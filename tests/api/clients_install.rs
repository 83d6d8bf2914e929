//! The real clients some tests drive (`tests/clients`: graphql-ws and ical.js
//! on Node),
//! installed on first use with `npm ci` from the committed lockfile, so that
//! `cargo test --workspace` passes on a fresh clone with nothing run first and
//! every machine drives the same pinned versions.
//!
//! The install runs at most once per test process (a `OnceLock`) and, across
//! processes, under a file lock in Cargo's target directory, so parallel tests
//! and test binaries never run two `npm ci` in the same directory. Without
//! Node.js or npm the tests that need them are skipped with a message outside
//! CI and fail under `CI=true`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

enum Install {
    Ready(PathBuf),
    /// Node.js or npm is not on this machine.
    Missing(String),
    /// They are, but the install failed: always a failure.
    Failed(String),
}

/// `tests/clients` with its packages installed, or `None` when the caller
/// must skip (no Node.js or npm, outside CI).
pub fn graphql_ws() -> Option<PathBuf> {
    static INSTALL: OnceLock<Install> = OnceLock::new();
    match INSTALL.get_or_init(install) {
        Install::Ready(clients) => Some(clients.clone()),
        Install::Missing(why) if !under_ci() => {
            eprintln!("skipped: {why}; install Node.js (with npm) to run the graphql-ws client tests");
            None
        }
        Install::Missing(why) => panic!("CI=true but {why}: the graphql-ws client tests must run in CI"),
        Install::Failed(why) => panic!("{why}"),
    }
}

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn installed(clients: &Path) -> bool {
    clients.join("node_modules/graphql-ws/package.json").exists()
        && clients.join("node_modules/ws/package.json").exists()
        && clients.join("node_modules/ical.js/package.json").exists()
}

fn runs(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|out| out.status.success())
}

fn install() -> Install {
    let clients = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients");
    if !runs("node") {
        return Install::Missing("Node.js (`node`) is not installed".into());
    }
    if installed(&clients) {
        return Install::Ready(clients);
    }
    if !runs("npm") {
        return Install::Missing("npm is not installed, so the graphql-ws client cannot be".into());
    }
    // Another test binary may be installing at this moment: wait for it, then
    // look again before installing.
    let lock_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tests-clients-npm-ci.lock");
    let lock = match File::create(&lock_path) {
        Ok(file) => file,
        Err(e) => return Install::Failed(format!("create {}: {e}", lock_path.display())),
    };
    if let Err(e) = lock.lock() {
        return Install::Failed(format!("lock {}: {e}", lock_path.display()));
    }
    if installed(&clients) {
        return Install::Ready(clients);
    }
    eprintln!("installing the graphql-ws client: npm ci --prefix tests/clients");
    let output = Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--prefix"]).arg(&clients).output();
    match output {
        Ok(out) if out.status.success() && installed(&clients) => Install::Ready(clients),
        Ok(out) => Install::Failed(format!(
            "`npm ci --prefix tests/clients` failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )),
        Err(e) => Install::Failed(format!("run `npm ci --prefix tests/clients`: {e}")),
    }
}
