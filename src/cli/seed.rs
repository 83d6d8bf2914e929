//! `eendracht seed`: bulk benchmark data; prints what it built as JSON on
//! stdout, so a script can pick up the tenant, subjects and network ids.

use crate::config::Settings;
use crate::seed::{self, SeedSize};
use crate::startup::open_database;

pub async fn run(settings: &Settings, size: &SeedSize) -> anyhow::Result<()> {
    let db = open_database(settings).await?;
    let summary = seed::seed(&db, size).await;
    db.close().await;
    let summary = summary?;
    tracing::info!(
        tenant = %summary.tenant,
        seconds = format!("{:.1}", summary.seconds),
        commitments = summary.rows.get("commitments").copied().unwrap_or(0),
        "seeded"
    );
    println!("{}", serde_json::to_string_pretty(&summary)?);
    Ok(())
}
