//! Each person's language, and each tenant's default for people who chose
//! none (docs/i18n.md).
//! Decisions:
//! - `people.language` is null until the person (or an ADMIN) chooses: the
//!   tenant's default then applies, and a tenant that changes its default
//!   changes it for everyone who never chose.
//! - `tenants.language` is Dutch for every tenant, existing ones included:
//!   Eendracht's networks, their boards and councils read Dutch first.
//! - Tags are BCP 47 (`nl`, `en`); the application accepts only the languages
//!   its catalogue holds.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum People {
    Table,
    Language,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Language,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(People::Table)
                    .add_column(ColumnDef::new(People::Language).string_len(8).null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tenants::Table)
                    .add_column(ColumnDef::new(Tenants::Language).string_len(8).not_null().default("nl"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(People::Table).drop_column(People::Language).to_owned()).await?;
        manager.alter_table(Table::alter().table(Tenants::Table).drop_column(Tenants::Language).to_owned()).await
    }
}
