//! `eendracht serve`.

use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::config::{ServeSettings, Settings};
use crate::startup::{Application, shutdown_signal};

pub async fn run(settings: &Settings, serve: &ServeSettings) -> anyhow::Result<()> {
    let app = Application::build(settings, serve, Arc::new(SystemClock)).await?;
    // Before the address is announced: from then on a signal drains gracefully.
    let stop = shutdown_signal();
    let addr = app.local_addr();
    if serve.demo {
        let summary = crate::demo::load(app.db(), SystemClock.now()).await?;
        let summary = super::demo::with_feeds(settings, app.db(), summary).await?;
        super::demo::print_summary(settings, &summary, &format!("http://{addr}/graphql"))?;
    }
    tracing::info!(%addr, environment = ?settings.environment, "Eendracht is listening");
    println!("Eendracht GraphQL API: http://{addr}/graphql");
    app.run_until_stopped(stop).await
}
