//! `eendracht migrate`.

use crate::config::Settings;
use crate::startup::open_database;

pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let db = open_database(settings).await?;
    db.close().await;
    println!("migrations applied");
    Ok(())
}
