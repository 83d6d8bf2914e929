//! `eendracht copy --to URL`: moves a whole deployment (or, with `--tenant`,
//! one tenant) into an empty database, then proves the two equal.
//!
//! The way from the embedded SQLite default to PostgreSQL, and a tenant's
//! export: `--tenant acme --to sqlite://acme.db?mode=rwc` writes that tenant,
//! and only it, into a database file of its own that `eendracht serve` can
//! open. Ids, history and events travel unchanged (see `store::transfer`).

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use secrecy::{ExposeSecret, SecretString};

use crate::config::Settings;
use crate::startup::open_database;
use crate::store::redact;
use crate::store::transfer::{self, Progress};
use crate::store::{self, Db};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database to fill (`postgres://…` or `sqlite://…?mode=rwc`). It is
    /// migrated first and must hold no tenant. On PostgreSQL, connect as the
    /// tables' owner.
    #[arg(long, value_name = "URL")]
    to: SecretString,
    /// Copy only this tenant (its slug): a tenant's export.
    #[arg(long, value_name = "SLUG")]
    tenant: Option<String>,
}

pub async fn run(settings: &Settings, args: &Args) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let source = open_database(settings).await?;
    let target_url = args.to.expose_secret();
    let target = Db::connect(target_url).await?;
    store::migrate(&target).await.context("migrating the target")?;

    let all = transfer::tenants(&source).await?;
    let tenants = match &args.tenant {
        Some(slug) => {
            let Some(one) = all.iter().find(|t| &t.slug == slug) else {
                bail!("no tenant {slug:?} in the source (it has: {})", slugs(&all));
            };
            vec![one.clone()]
        }
        None => all,
    };
    eprintln!(
        "copying {} tenant(s) from {} to {}",
        tenants.len(),
        redact(settings.database_url.expose_secret()),
        redact(target_url)
    );

    // With --tenant, that one; otherwise the copy lists the tenants itself,
    // inside its snapshot of the source.
    let only = if args.tenant.is_some() { tenants.first() } else { None };
    let bar = progress_bar();
    let copied = transfer::copy(&source, &target, only, &mut |event| match event {
        Progress::Tenant { slug, rows } => {
            bar.set_length(rows);
            bar.set_position(0);
            bar.set_prefix(slug.to_owned());
            if bar.is_hidden() {
                eprintln!("tenant {slug}: {rows} rows");
            }
        }
        Progress::Rows { table, rows } => {
            bar.set_message(table);
            bar.inc(rows);
        }
    })
    .await;
    bar.finish_and_clear();
    let copied = copied?;
    let rows: u64 = copied.values().sum();
    eprintln!("copied {rows} rows in {} tables; verifying", copied.len());

    let differences = transfer::differences(&source, &target, &tenants).await?;
    source.close().await;
    target.close().await;
    if !differences.is_empty() {
        for d in &differences {
            eprintln!("  {} / {}: {} rows in the source, {} in the target", d.tenant, d.table, d.rows.0, d.rows.1);
        }
        bail!("the copy differs from the source in {} table(s); do not use it", differences.len());
    }
    println!(
        "copied and verified {} tenant(s), {rows} rows in {} tables, checksums equal ({:.1} s)",
        tenants.len(),
        copied.len(),
        started.elapsed().as_secs_f64()
    );
    for (table, n) in copied.iter().filter(|(_, n)| **n > 0) {
        println!("  {table:<24} {n:>10}");
    }
    Ok(())
}

fn slugs(tenants: &[transfer::TenantRef]) -> String {
    tenants.iter().map(|t| t.slug.as_str()).collect::<Vec<_>>().join(", ")
}

/// A bar at a terminal; elsewhere (a log, a script) a line per tenant.
fn progress_bar() -> ProgressBar {
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{prefix} {msg:24} {human_pos}/{human_len} {wide_bar} {per_sec} eta {eta}")
            .expect("a valid template"),
    );
    bar
}
