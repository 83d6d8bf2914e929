//! `eendracht backup --to FILE`: a consistent copy of the embedded SQLite
//! database, taken while the server keeps serving.
//!
//! `VACUUM INTO` writes the copy from one read transaction, so it holds
//! exactly the writes committed when the copy began (under WAL, writers go on
//! meanwhile) and is a compact, valid database of its own, unlike a copy of
//! the file, which can catch a write half-way or miss what still sits in the
//! WAL. The copy is then opened and checked (`PRAGMA integrity_check`) before
//! the command reports success. PostgreSQL has its own tools for this
//! (`pg_dump`, README "Backups").

use std::path::PathBuf;

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use secrecy::ExposeSecret;

use crate::config::{Settings, sqlite_file};
use crate::store::Db;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the copy; must not exist yet.
    #[arg(long)]
    to: PathBuf,
}

pub async fn run(settings: &Settings, args: &Args) -> anyhow::Result<()> {
    let url = settings.database_url.expose_secret();
    if sqlite_file(url).is_none() {
        bail!("backup copies the embedded SQLite database; for PostgreSQL use pg_dump (README, \"Backups\")");
    }
    if args.to.exists() {
        bail!("{} already exists; a backup never overwrites a file", args.to.display());
    }
    let target = args.to.to_str().context("the backup's path is not valid UTF-8")?;
    // No migrations: a backup copies what is there, whatever its version.
    let db = Db::connect(url).await?;
    db.connection()
        .execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, "VACUUM INTO ?", [target.into()]))
        .await
        .with_context(|| format!("copying the database into {target}"))?;
    db.close().await;

    // As the server will open it (`mode=rw`: it must exist already).
    let copy = Db::connect(&format!("sqlite://{target}?mode=rw")).await?;
    let verdict = copy
        .connection()
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA integrity_check"))
        .await?
        .and_then(|row| row.try_get::<String>("", "integrity_check").ok())
        .unwrap_or_default();
    copy.close().await;
    if verdict != "ok" {
        bail!("the copy at {target} failed its integrity check: {verdict}");
    }
    let bytes = std::fs::metadata(&args.to).map(|m| m.len()).unwrap_or(0);
    println!("backed up to {target} ({bytes} bytes), integrity ok");
    Ok(())
}
