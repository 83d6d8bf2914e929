//! `eendracht delete-tenant --slug S --confirm S`: removes one tenant and
//! everything it owns (people, networks, history, API clients, webhooks with
//! their outbox and deliveries) in one transaction. Every other tenant's rows
//! stay exactly as they were; the tests prove it with checksums.
//!
//! There is no undo. Export the tenant first: `eendracht copy --tenant S --to
//! sqlite://S.db?mode=rwc`.

use anyhow::bail;

use crate::config::Settings;
use crate::startup::open_database;
use crate::store::transfer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tenant to delete.
    #[arg(long, value_name = "SLUG")]
    slug: String,
    /// The same slug again: a deletion is never one typo away.
    #[arg(long, value_name = "SLUG")]
    confirm: String,
}

pub async fn run(settings: &Settings, args: &Args) -> anyhow::Result<()> {
    if args.slug != args.confirm {
        bail!("--confirm must repeat the slug ({:?}); nothing was deleted", args.slug);
    }
    let db = open_database(settings).await?;
    let tenants = transfer::tenants(&db).await?;
    let Some(tenant) = tenants.iter().find(|t| t.slug == args.slug) else {
        db.close().await;
        bail!("no tenant {:?}; nothing was deleted", args.slug);
    };
    let removed = transfer::delete_tenant(&db, tenant.id).await;
    db.close().await;
    let removed = removed?;
    let rows: u64 = removed.values().sum();
    // The deployment's record of the deletion: the tenant's own audit trail
    // went with it.
    tracing::warn!(tenant = %tenant.slug, tenant_id = %tenant.id, rows, tables = ?removed, "tenant deleted");
    println!("deleted tenant {} ({}): {rows} rows", tenant.slug, tenant.id);
    for (table, n) in removed.iter().filter(|(_, n)| **n > 0) {
        println!("  {table:<24} {n:>10}");
    }
    Ok(())
}
