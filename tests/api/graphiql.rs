//! GraphiQL (development only), served whole by the binary: its files, its
//! policy, its absence in production, and the page itself in a real headless
//! browser (`tests/browser/graphiql.mjs`: Debian's chromium driven by
//! puppeteer-core, installed with `npm ci --prefix tests/browser`), which
//! must load with no request leaving the host, show the schema in Docs, run a
//! query and receive a subscription's event.
//!
//! Without Node.js, npm or chromium the browser test is skipped with a
//! message outside CI and fails under `CI=true`.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use eendracht::clock::SystemClock;
use eendracht::startup::Application;
use serde_json::json;

use crate::both;
use crate::helpers::{Backend, Keys, NetWorld, net_world, spawn_app};

/// A browser test's whole budget; a stuck page fails it, never hangs it.
pub(crate) const BROWSER_BUDGET: Duration = Duration::from_secs(60);

/// The files the page loads, as it names them.
fn assets(page: &str) -> Vec<String> {
    page.split("\"/graphiql/").skip(1).map(|part| part[..part.find('"').expect("closing quote")].to_owned()).collect()
}

#[tokio::test]
async fn graphiql_and_its_files_come_from_the_server_itself_with_a_self_only_policy() {
    let app = spawn_app(Backend::Sqlite, Keys::Hs256).await.expect("SQLite app");
    let page = app.client.get(format!("{}/graphql", app.address)).send().await.expect("page");
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
    assert!(csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("http") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    let html = page.text().await.expect("html");
    assert!(!html.contains("http://") && !html.contains("https://"), "the page names no other host");
    assert!(!html.contains("<script>") && !html.contains("<style"), "no inline script or style");

    let files = assets(&html);
    assert!(files.len() >= 5, "{files:?}");
    for file in files {
        let response = app.client.get(format!("{}/graphiql/{file}", app.address)).send().await.expect("asset");
        assert_eq!(response.status(), 200, "{file}");
        let content_type = response.headers()["content-type"].to_str().expect("ascii").to_owned();
        let cache = response.headers()["cache-control"].to_str().expect("ascii").to_owned();
        let expected_type = if file.ends_with(".css") { "text/css" } else { "text/javascript" };
        assert!(content_type.starts_with(expected_type), "{file}: {content_type}");
        if file == "eendracht.js" {
            assert_eq!(cache, "no-cache", "our own script is asked for again");
        } else {
            assert!(cache.contains("immutable") && cache.contains("max-age=31536000"), "{file}: {cache}");
        }
        assert!(!response.bytes().await.expect("body").is_empty(), "{file}");
    }
    let missing = app.client.get(format!("{}/graphiql/nothing.js", app.address)).send().await.expect("missing");
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn production_serves_neither_graphiql_nor_its_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = crate::helpers::production_settings(crate::helpers::sqlite_in(dir.path(), "prod.db"));
    let app =
        Application::build(&settings, &crate::helpers::serve_settings(), Arc::new(SystemClock)).await.expect("build");
    let address = format!("http://{}", app.local_addr());
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let page = client.get(format!("{address}/graphql")).send().await.expect("page");
    assert_eq!(page.status(), 405);
    for file in assets(include_str!("../../src/http/graphiql.html")) {
        let response = client.get(format!("{address}/graphiql/{file}")).send().await.expect("asset");
        assert_eq!(response.status(), 404, "{file}");
    }
}

both!(graphiql_works_offline_in_a_real_browser_docs_queries_and_subscriptions, |app| {
    let Some(browser) = browser_install() else { return };
    let w: NetWorld = net_world(&app, "graphiql").await;
    let viewer = app.ok(&w.facilitator.token, "{ viewer { person { name } } }", json!({})).await;
    let name = viewer["viewer"]["person"]["name"].as_str().expect("a name").to_owned();
    let options = json!({
        "address": app.address, "token": w.facilitator.token, "network": w.network, "name": name,
        "timeoutMs": BROWSER_BUDGET.as_millis() as u64 - 5_000,
    });
    run_script(&browser, "graphiql.mjs", &options).await;
});

/// Runs `tests/browser/<script>` with `options` within [`BROWSER_BUDGET`];
/// fails the test unless it exits 0 having printed `passed`.
pub(crate) async fn run_script(browser: &Path, script: &str, options: &serde_json::Value) {
    let mut child = Command::new("node")
        .arg(browser.join(script))
        .arg(options.to_string())
        .current_dir(browser)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run node (the browser test)");
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let out = read(Box::new(child.stdout.take().expect("stdout")));
    let err = read(Box::new(child.stderr.take().expect("stderr")));
    let deadline = Instant::now() + BROWSER_BUDGET;
    let status = loop {
        if let Some(status) = child.try_wait().expect("node runs") {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let (out, err) = (out.join().expect("stdout"), err.join().expect("stderr"));
    let passed = status.is_some_and(|status| status.success()) && out.contains("passed");
    assert!(passed, "the browser test {script} failed ({status:?}):\n{out}\n{err}");
}

/// `tests/browser` with its packages installed and chromium present, or
/// `None` when the caller must skip (something missing, outside CI).
pub(crate) fn browser_install() -> Option<PathBuf> {
    static INSTALL: OnceLock<Result<PathBuf, (bool, String)>> = OnceLock::new();
    match INSTALL.get_or_init(install) {
        Ok(browser) => Some(browser.clone()),
        Err((true, why)) if !under_ci() => {
            eprintln!("skipped: {why}; install Node.js (with npm) and chromium to run the browser test");
            None
        }
        Err((true, why)) => panic!("CI=true but {why}: the browser test must run in CI"),
        Err((false, why)) => panic!("{why}"),
    }
}

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn runs(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|out| out.status.success())
}

fn installed(browser: &Path) -> bool {
    browser.join("node_modules/puppeteer-core/package.json").exists()
}

/// `Err((missing, why))`: `missing` when a tool is absent (a skip outside
/// CI), otherwise the install failed (always a failure).
fn install() -> Result<PathBuf, (bool, String)> {
    let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    if !Path::new(&chromium).exists() {
        return Err((true, format!("chromium ({chromium}) is not installed")));
    }
    if !runs("node") {
        return Err((true, "Node.js (`node`) is not installed".into()));
    }
    if installed(&browser) {
        return Ok(browser);
    }
    if !runs("npm") {
        return Err((true, "npm is not installed, so puppeteer-core cannot be".into()));
    }
    // Another test binary may be installing at this moment: wait for it.
    let lock_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tests-browser-npm-ci.lock");
    let lock = File::create(&lock_path).map_err(|e| (false, format!("create {}: {e}", lock_path.display())))?;
    lock.lock().map_err(|e| (false, format!("lock {}: {e}", lock_path.display())))?;
    if installed(&browser) {
        return Ok(browser);
    }
    eprintln!("installing the browser driver: npm ci --prefix tests/browser");
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(&browser)
        .output()
        .map_err(|e| (false, format!("run `npm ci --prefix tests/browser`: {e}")))?;
    if out.status.success() && installed(&browser) {
        Ok(browser)
    } else {
        Err((
            false,
            format!(
                "`npm ci --prefix tests/browser` failed ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        ))
    }
}
