//! `eendracht bootstrap`: a tenant and its first ADMIN.

use crate::clock::{Clock, SystemClock};

use crate::config::Settings;
use crate::domain::values::{Name, Slug, Subject};
use crate::startup::open_database;
use crate::store::tenants::{self, ExistingTenant};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tenant's slug: the `tid` claim of its tokens.
    #[arg(long)]
    pub tenant: String,
    /// The tenant's display name.
    #[arg(long)]
    pub tenant_name: String,
    /// The `sub` claim the first admin signs in with.
    #[arg(long)]
    pub admin_subject: String,
    /// The first admin's name.
    #[arg(long)]
    pub admin_name: String,
    /// Make the subject an ADMIN of the tenant even though it already exists
    /// (without it, an existing tenant is refused unless the subject is
    /// already its ADMIN).
    #[arg(long)]
    pub existing_tenant: bool,
}

pub async fn run(settings: &Settings, args: &Args) -> anyhow::Result<()> {
    let invalid = |e: crate::domain::AppError| anyhow::anyhow!("{e}");
    let slug = Slug::parse(&args.tenant).map_err(invalid)?;
    let tenant_name = Name::parse("tenant name", &args.tenant_name).map_err(invalid)?;
    let subject = Subject::parse("admin subject", &args.admin_subject).map_err(invalid)?;
    let admin_name = Name::parse("admin name", &args.admin_name).map_err(invalid)?;
    let db = open_database(settings).await?;
    let existing = if args.existing_tenant { ExistingTenant::AddAdmin } else { ExistingTenant::Refuse };
    let done =
        tenants::bootstrap_with(&db, &slug, &tenant_name, &subject, &admin_name, SystemClock.now(), existing).await;
    db.close().await;
    let done = done?;
    let verb = |created: bool| {
        if created { "created" } else { "already present" }
    };
    println!("tenant {} {}", slug.as_str(), verb(done.created_tenant));
    println!("admin {} {}", args.admin_subject, verb(done.created_admin));
    Ok(())
}
