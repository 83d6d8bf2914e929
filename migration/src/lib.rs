//! Schema migrations of Eendracht. Each migration explains why the schema is the
//! way it is; they run in order at start-up (`eendracht migrate`, or any
//! subcommand that touches the database) and are never edited once released.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_foundation;
mod m20261127_000002_networks;
mod m20261127_000003_work;
mod m20261127_000004_ratification;
mod m20261127_000005_row_level_security;
mod m20261127_000006_privacy;
mod m20261128_000007_integration;
mod m20261201_000008_identity_provider_pairs;
mod m20261207_000009_languages;
mod m20261207_000010_health_facts;
mod m20261207_000011_dossiers;
mod m20261207_000012_planned_meetings;
mod m20261207_000013_calendar_feeds;
mod m20261208_000014_mail;
mod m20261208_000015_indicators;
mod support;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_foundation::Migration),
            Box::new(m20261127_000002_networks::Migration),
            Box::new(m20261127_000003_work::Migration),
            Box::new(m20261127_000004_ratification::Migration),
            Box::new(m20261127_000005_row_level_security::Migration),
            Box::new(m20261127_000006_privacy::Migration),
            Box::new(m20261128_000007_integration::Migration),
            Box::new(m20261201_000008_identity_provider_pairs::Migration),
            Box::new(m20261207_000009_languages::Migration),
            Box::new(m20261207_000010_health_facts::Migration),
            Box::new(m20261207_000011_dossiers::Migration),
            Box::new(m20261207_000012_planned_meetings::Migration),
            Box::new(m20261207_000013_calendar_feeds::Migration),
            Box::new(m20261208_000014_mail::Migration),
            Box::new(m20261208_000015_indicators::Migration),
        ]
    }
}
