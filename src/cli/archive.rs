//! `eendracht archive`: a network's archive (docs/archive.md) written to a
//! file or standard output by an operator, with progress on standard error.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use uuid::Uuid;

use crate::clock::SystemClock;
use crate::config::Settings;
use crate::service::archive as service;
use crate::startup::open_database;
use crate::store::{Access, Store, transfer};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The tenant's slug.
    #[arg(long)]
    pub tenant: String,
    /// The network: its global id (as the API writes it) or its UUID.
    #[arg(long)]
    pub network: String,
    /// Where to write the archive; standard output when left out.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

pub async fn run(settings: &Settings, args: &Args) -> anyhow::Result<()> {
    let network_id = crate::graphql::network_id(&args.network)
        .or_else(|| args.network.parse::<Uuid>().ok())
        .with_context(|| format!("{:?} is no network id", args.network))?;
    let db = open_database(settings).await?;
    let tenants = transfer::tenants(&db).await?;
    let Some(tenant) = tenants.iter().find(|t| t.slug == args.tenant) else {
        db.close().await;
        bail!("no tenant {:?}", args.tenant);
    };
    // The operator's own tool: the tenant's system actor, who sees it all.
    let store = Store::system(&db, tenant.id, Access::Read, Arc::new(SystemClock)).await?;
    let network =
        store.network(network_id).await.with_context(|| format!("no network {network_id} in {}", tenant.slug))?;
    let mut out: Box<dyn Write + Send> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let (lines, mut receiver) = tokio::sync::mpsc::channel::<String>(256);
    let writer = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        while let Some(line) = receiver.blocking_recv() {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
        }
        out.flush()
    });
    let written = service::write(&store, &network, &lines, |table, done, total| {
        eprintln!("{table:<24} {done:>10} / {total}");
    })
    .await;
    drop(lines);
    store.rollback().await;
    db.close().await;
    writer.await.context("the writer stopped")?.context("writing the archive")?;
    let written = written?;
    let rows: u64 = written.values().sum();
    eprintln!("archived network {} ({}): {rows} rows", network.name, network.id);
    Ok(())
}
