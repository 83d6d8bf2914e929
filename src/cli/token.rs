//! `eendracht token`: a token signed with the deployment's HS256 secret.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::config::Settings;
use crate::startup::minter;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tenant slug to put in `tid`.
    #[arg(long)]
    pub tenant: String,
    /// The person's `sub`.
    #[arg(long)]
    pub subject: String,
    /// How long the token is valid, e.g. `8h`, `30m`.
    #[arg(long, default_value = "8h", value_parser = humantime::parse_duration)]
    pub ttl: Duration,
}

pub fn run(settings: &Settings, args: &Args) -> anyhow::Result<()> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    println!("{}", minter(settings)?.mint(&args.tenant, &args.subject, args.ttl, now)?);
    Ok(())
}
