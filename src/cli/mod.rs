//! The command line: one file per subcommand.

mod archive;
mod backup;
mod bootstrap;
mod copy;
mod delete_tenant;
mod demo;
mod migrate;
mod schema;
mod seed;
mod serve;
mod token;

use clap::{Parser, Subcommand};

use crate::config::{Environment, ServeSettings, Settings};

/// Eendracht: a multi-tenant GraphQL backend for networks of organisations
/// that work together.
#[derive(Debug, Parser)]
#[command(name = "eendracht", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the HTTP server (migrations are applied first).
    // Boxed: the serve settings are many times the size of the other commands.
    Serve(Box<ServeSettings>),
    /// Apply pending migrations and exit.
    Migrate,
    /// Copy the embedded SQLite database to a new file while the server runs.
    Backup(backup::Args),
    /// Copy every tenant (or one, with --tenant) into an empty database, then
    /// verify both equal: SQLite to PostgreSQL, or a tenant's export.
    Copy(copy::Args),
    /// Write one network's archive (JSON Lines) to a file or standard output.
    Archive(archive::Args),
    /// Delete one tenant and everything it owns (export it first with copy).
    DeleteTenant(delete_tenant::Args),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Create a tenant and its first ADMIN; running it again changes nothing.
    Bootstrap(bootstrap::Args),
    /// Mint an HS256 token for local use and tests.
    Token(token::Args),
    /// Load a realistic demo network (idempotent).
    Demo(demo::Args),
    /// Write deterministic bulk data for benchmarks into a new tenant.
    Seed(crate::seed::SeedSize),
}

/// Parses the command line and runs the subcommand.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing(cli.settings.environment);
    match cli.command {
        Command::Serve(serve) => serve::run(&cli.settings, &serve).await,
        Command::Migrate => migrate::run(&cli.settings).await,
        Command::Backup(args) => backup::run(&cli.settings, &args).await,
        Command::Copy(args) => copy::run(&cli.settings, &args).await,
        Command::Archive(args) => archive::run(&cli.settings, &args).await,
        Command::DeleteTenant(args) => delete_tenant::run(&cli.settings, &args).await,
        Command::Schema => schema::run(),
        Command::Bootstrap(args) => bootstrap::run(&cli.settings, &args).await,
        Command::Token(args) => token::run(&cli.settings, &args),
        Command::Demo(args) => demo::run(&cli.settings, &args).await,
        Command::Seed(size) => seed::run(&cli.settings, &size).await,
    }
}

/// Logs go to stderr (stdout is for `schema` and `token` output): readable in
/// development, one JSON object per line in production. `RUST_LOG` filters.
fn init_tracing(environment: Environment) {
    // async-graphql's resolver spans stay below the default level: at INFO they
    // would add a line per resolver error and record query variables, which may
    // hold personal data. `RUST_LOG=async_graphql=info` turns them on for export.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm_migration=warn,async_graphql=warn")
    });
    // Colour only for a person at a terminal: redirected to a file or a log
    // collector, escape codes are noise.
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(colour);
    let _ = match environment {
        Environment::Production => builder.json().flatten_event(true).try_init(),
        Environment::Development => builder.compact().try_init(),
    };
}
