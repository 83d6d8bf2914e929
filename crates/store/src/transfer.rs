//! Whole tenants between databases: the copy behind `eendracht copy` (SQLite
//! to PostgreSQL, or a tenant into a file of its own), the checksums that
//! prove a copy equal, and the removal of one tenant.
//!
//! Rows travel through the entities, never as SQL text: each engine's driver
//! encodes the typed value (a UUID, a timestamp, a JSON document) the way that
//! engine stores it, so what the application reads back is the same on both.
//! These are the operator's tools, not a request's: they read every row of a
//! tenant, which is why they do not go through the scoped read path.
//!
//! On PostgreSQL every tenant table has row-level security with `FORCE`, so
//! even the owner reads and writes a tenant's rows only under its
//! `app.tenant_id`: each tenant is copied, checked and deleted under its own.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use anyhow::{Context, bail};
use async_trait::async_trait;
use chrono::SubsecRound;
use futures_util::TryStreamExt;
use sea_orm::sea_query::Value;
use sea_orm::{
    AccessMode, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityName,
    EntityTrait, IdenStatic, IntoActiveModel, IsolationLevel, Iterable, ModelTrait, PaginatorTrait, PrimaryKeyToColumn,
    QueryFilter, QueryOrder, TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::Db;

/// Rows per statement: small enough for SQLite's limit on bound values at the
/// widest table, large enough that a round trip carries real work.
const BATCH: usize = 500;

/// One tenant table, whatever its entity: what the copy, the check and the
/// deletion need of it.
#[async_trait]
trait Table: Send + Sync {
    fn name(&self) -> &'static str;
    /// Copies the tenant's rows from `from` to `to`, reporting each batch.
    async fn copy(
        &self,
        from: &DatabaseTransaction,
        to: &DatabaseTransaction,
        tenant: Uuid,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> anyhow::Result<u64>;
    async fn checksum(&self, db: &DatabaseTransaction, tenant: Uuid) -> anyhow::Result<Checksum>;
    async fn delete(&self, db: &DatabaseTransaction, tenant: Uuid) -> anyhow::Result<u64>;
    async fn count(&self, db: &DatabaseTransaction, tenant: Uuid) -> anyhow::Result<u64>;
}

struct Of<E>(PhantomData<E>);

impl<E: EntityTrait> Of<E> {
    fn tenant_column() -> E::Column {
        E::Column::iter()
            .find(|column| column.as_str() == "tenant_id")
            .unwrap_or_else(|| panic!("{} has a tenant_id", E::default().table_name()))
    }

    fn primary_key() -> Vec<E::Column> {
        E::PrimaryKey::iter().map(|key| key.into_column()).collect()
    }

    /// The tenant's rows in primary-key order, as one query whose rows arrive
    /// as they are read: one sort, where pages by key would each search the
    /// tenant's index again (quadratic at a million rows).
    async fn rows<'a>(
        db: &'a DatabaseTransaction,
        tenant: Uuid,
    ) -> anyhow::Result<impl futures_util::Stream<Item = Result<E::Model, sea_orm::DbErr>> + Send + 'a>
    where
        E::Model: Send + Sync,
    {
        let mut select = E::find().filter(Self::tenant_column().eq(tenant));
        for column in Self::primary_key() {
            select = select.order_by_asc(column);
        }
        Ok(select.stream(db).await?)
    }
}

#[async_trait]
impl<E> Table for Of<E>
where
    E: EntityTrait + Sync,
    E::Model: IntoActiveModel<E::ActiveModel> + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
{
    fn name(&self) -> &'static str {
        E::default().table_name()
    }

    async fn copy(
        &self,
        from: &DatabaseTransaction,
        to: &DatabaseTransaction,
        tenant: Uuid,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> anyhow::Result<u64> {
        let mut rows = Self::rows(from, tenant).await.with_context(|| format!("reading {}", self.name()))?;
        let (mut copied, mut batch) = (0, Vec::with_capacity(BATCH));
        loop {
            let row = rows.try_next().await.with_context(|| format!("reading {}", self.name()))?;
            let end = row.is_none();
            batch.extend(row);
            if batch.len() == BATCH || (end && !batch.is_empty()) {
                let n = batch.len() as u64;
                E::insert_many(batch.drain(..).map(IntoActiveModel::into_active_model))
                    .exec_without_returning(to)
                    .await
                    .with_context(|| format!("writing {}", self.name()))?;
                copied += n;
                progress(n);
            }
            if end {
                return Ok(copied);
            }
        }
    }

    async fn checksum(&self, db: &DatabaseTransaction, tenant: Uuid) -> anyhow::Result<Checksum> {
        let mut sum = Checksum::default();
        let mut rows = Self::rows(db, tenant).await.with_context(|| format!("reading {}", self.name()))?;
        while let Some(row) = rows.try_next().await.with_context(|| format!("reading {}", self.name()))? {
            sum.add(E::Column::iter().map(|column| (column.as_str(), row.get(column))));
        }
        Ok(sum)
    }

    async fn delete(&self, db: &DatabaseTransaction, tenant: Uuid) -> anyhow::Result<u64> {
        let result = E::delete_many()
            .filter(Self::tenant_column().eq(tenant))
            .exec(db)
            .await
            .with_context(|| format!("deleting from {}", self.name()))?;
        Ok(result.rows_affected)
    }

    async fn count(&self, db: &DatabaseTransaction, tenant: Uuid) -> anyhow::Result<u64> {
        Ok(E::find().filter(Self::tenant_column().eq(tenant)).count(db).await?)
    }
}

macro_rules! tenant_tables {
    ($($module:ident),* $(,)?) => {
        /// Every table that holds a tenant's rows, parents before children: the
        /// order in which the migrations create them, so inserts never wait for
        /// a row they refer to (and deletion runs it backwards).
        fn tenant_tables() -> Vec<Box<dyn Table>> {
            vec![$(Box::new(Of::<entity::$module::Entity>(PhantomData))),*]
        }

        /// The names of [`tenant_tables`], for the test that finds a table the
        /// copy would leave behind.
        pub fn table_names() -> Vec<&'static str> {
            vec![$(entity::$module::Entity.table_name()),*]
        }
    };
}

tenant_tables![
    person,
    organisation,
    governing_body,
    body_member,
    position,
    event,
    event_organisation,
    network,
    network_facilitator,
    charter_version,
    partnership,
    representation,
    expectation,
    alignment_round,
    alignment_question,
    alignment_invitee,
    alignment_response,
    alignment_answer,
    goal,
    meeting,
    meeting_attendee,
    commitment,
    commitment_party,
    meeting_agenda_item,
    progress_update,
    mandate_rule,
    ratification,
    ratification_condition,
    ratification_record,
    consultation_input,
    health_tally,
    health_fact,
    health_contribution,
    dossier,
    api_client,
    identity_provider,
    webhook,
    webhook_outbox,
    webhook_delivery,
    webhook_attempt,
    calendar_feed,
    mail_preference,
    reminder,
    mail,
    indicator,
    indicator_target,
    indicator_reporter,
    measurement,
    commitment_indicator,
    cycle,
    cycle_commitment,
];

/// A table's rows of one tenant in one number: how many, and a SHA-256 over
/// each row's columns as the application reads them, in primary-key order.
#[derive(Clone, Debug, Default)]
pub struct Checksum {
    pub rows: u64,
    hasher: Sha256,
}

impl Checksum {
    fn add<'a>(&mut self, columns: impl Iterator<Item = (&'a str, Value)>) {
        self.rows += 1;
        for (name, value) in columns {
            self.hasher.update(name.as_bytes());
            self.hasher.update(b"=");
            self.hasher.update(canonical(&value).as_bytes());
            self.hasher.update(b"\x1f");
        }
        self.hasher.update(b"\x1e");
    }

    /// The hex digest.
    pub fn hex(&self) -> String {
        hex::encode(self.hasher.clone().finalize())
    }
}

/// Two checksums are equal when they counted as many rows and hashed the same.
impl PartialEq for Checksum {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows && self.hasher.clone().finalize() == other.hasher.clone().finalize()
    }
}

impl Eq for Checksum {}

/// A value as text that is the same whichever engine it was read from:
/// timestamps at microseconds (the precision PostgreSQL keeps) and JSON with
/// its keys sorted (PostgreSQL's `jsonb` keeps its own order).
fn canonical(value: &Value) -> String {
    match value {
        Value::ChronoDateTimeUtc(Some(at)) => at.trunc_subsecs(6).to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        Value::Json(Some(json)) => sorted(json).to_string(),
        other => format!("{other:?}"),
    }
}

fn sorted(json: &serde_json::Value) -> serde_json::Value {
    match json {
        serde_json::Value::Object(map) => {
            let ordered: BTreeMap<&String, serde_json::Value> = map.iter().map(|(k, v)| (k, sorted(v))).collect();
            serde_json::Value::Object(ordered.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// A tenant as the tools name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantRef {
    pub id: Uuid,
    pub slug: String,
}

/// The tenants in `db`, by slug.
pub async fn tenants(db: &Db) -> anyhow::Result<Vec<TenantRef>> {
    tenants_in(db.connection()).await
}

async fn tenants_in(db: &impl ConnectionTrait) -> anyhow::Result<Vec<TenantRef>> {
    let tenants = entity::tenant::Entity::find()
        .order_by_asc(entity::tenant::Column::Slug)
        .all(db)
        .await
        .context("reading the tenants")?;
    Ok(tenants.into_iter().map(|t| TenantRef { id: t.id, slug: t.slug }).collect())
}

/// What the copy reports as it goes.
#[derive(Clone, Debug)]
pub enum Progress<'a> {
    /// Starting a tenant: its slug, and the rows it holds in all.
    Tenant { slug: &'a str, rows: u64 },
    /// `rows` more rows of `table` written.
    Rows { table: &'static str, rows: u64 },
}

/// Copies `only` (or every tenant) from `from` into `to`, in one transaction
/// on each side: the source is read as one snapshot while it may keep
/// serving, and the target holds all of it or, on any error, none of it.
/// Both databases must be migrated to the same version; the target must hold
/// no tenant.
pub async fn copy(
    from: &Db,
    to: &Db,
    only: Option<&TenantRef>,
    progress: &mut (dyn FnMut(Progress<'_>) + Send),
) -> anyhow::Result<BTreeMap<&'static str, u64>> {
    let existing = entity::tenant::Entity::find().count(to.connection()).await.context("reading the target")?;
    if existing > 0 {
        bail!("the target already holds {existing} tenant(s); copy only fills an empty database");
    }
    let source = snapshot(from).await?;
    let tenants = match only {
        Some(tenant) => vec![tenant.clone()],
        None => tenants_in(&source).await?,
    };
    let target = to.connection().begin().await.context("starting the target's transaction")?;
    let mut copied: BTreeMap<&'static str, u64> = BTreeMap::new();
    for tenant in &tenants {
        let row = entity::tenant::Entity::find_by_id(tenant.id)
            .one(&source)
            .await?
            .with_context(|| format!("tenant {} is gone from the source", tenant.slug))?;
        entity::tenant::Entity::insert(row.into_active_model())
            .exec_without_returning(&target)
            .await
            .context("writing tenants")?;
        *copied.entry(entity::tenant::Entity.table_name()).or_default() += 1;
        enter(&source, tenant.id).await?;
        enter(&target, tenant.id).await?;
        let mut rows = 0;
        for table in tenant_tables() {
            rows += table.count(&source, tenant.id).await?;
        }
        progress(Progress::Tenant { slug: &tenant.slug, rows });
        for table in tenant_tables() {
            let name = table.name();
            let n = table
                .copy(&source, &target, tenant.id, &mut |rows| progress(Progress::Rows { table: name, rows }))
                .await?;
            *copied.entry(name).or_default() += n;
        }
    }
    target.commit().await.context("committing the copy")?;
    source.rollback().await.ok();
    Ok(copied)
}

/// The checksum of every table of one tenant (the tenant's own row included,
/// as the table `tenants`), read as one snapshot.
pub async fn checksums(db: &Db, tenant: Uuid) -> anyhow::Result<BTreeMap<&'static str, Checksum>> {
    let tx = snapshot(db).await?;
    let mut sums = BTreeMap::new();
    let mut own = Checksum::default();
    if let Some(row) = entity::tenant::Entity::find_by_id(tenant).one(&tx).await? {
        own.add(entity::tenant::Column::iter().map(|column| (column.as_str(), row.get(column))));
    }
    sums.insert(entity::tenant::Entity.table_name(), own);
    enter(&tx, tenant).await?;
    for table in tenant_tables() {
        sums.insert(table.name(), table.checksum(&tx, tenant).await?);
    }
    tx.rollback().await.ok();
    Ok(sums)
}

/// A table whose checksums differ between two databases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub tenant: String,
    pub table: &'static str,
    pub rows: (u64, u64),
}

/// Compares every table of the given tenants in two databases; empty when
/// they are equal.
pub async fn differences(a: &Db, b: &Db, tenants: &[TenantRef]) -> anyhow::Result<Vec<Difference>> {
    let mut found = Vec::new();
    for tenant in tenants {
        let (left, right) = (checksums(a, tenant.id).await?, checksums(b, tenant.id).await?);
        for (table, sum) in &left {
            let other = right.get(table).cloned().unwrap_or_default();
            if *sum != other {
                found.push(Difference { tenant: tenant.slug.clone(), table, rows: (sum.rows, other.rows) });
            }
        }
    }
    Ok(found)
}

/// Removes one tenant and every row it owns, in one transaction; the rows
/// removed per table.
pub async fn delete_tenant(db: &Db, tenant: Uuid) -> anyhow::Result<BTreeMap<&'static str, u64>> {
    let tx = db.connection().begin().await.context("starting the deletion")?;
    enter(&tx, tenant).await?;
    let mut removed = BTreeMap::new();
    for table in tenant_tables().iter().rev() {
        removed.insert(table.name(), table.delete(&tx, tenant).await?);
    }
    let own = entity::tenant::Entity::delete_by_id(tenant).exec(&tx).await.context("deleting the tenant")?;
    if own.rows_affected != 1 {
        bail!("no tenant {tenant}");
    }
    removed.insert(entity::tenant::Entity.table_name(), 1);
    tx.commit().await.context("committing the deletion")?;
    Ok(removed)
}

/// A read-only transaction that sees one moment of the database: PostgreSQL's
/// REPEATABLE READ; on SQLite every read transaction is a snapshot under WAL.
async fn snapshot(db: &Db) -> anyhow::Result<DatabaseTransaction> {
    let tx = match db.backend() {
        DbBackend::Postgres => {
            db.connection().begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await
        }
        _ => db.connection().begin().await,
    };
    tx.context("starting a read transaction")
}

/// Row-level security: the transaction works in `tenant` from here on.
async fn enter(tx: &DatabaseTransaction, tenant: Uuid) -> anyhow::Result<()> {
    if tx.get_database_backend() == DbBackend::Postgres {
        tx.execute_unprepared(&format!("SELECT set_config('app.tenant_id', '{tenant}', true)"))
            .await
            .context("setting the tenant")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn sum(rows: &[Vec<(&'static str, Value)>]) -> Checksum {
        let mut sum = Checksum::default();
        for row in rows {
            sum.add(row.iter().cloned());
        }
        sum
    }

    #[test]
    fn a_checksum_sees_every_value_and_where_it_stands() {
        let id = Uuid::from_u128(7);
        let row = |name: &str| vec![("id", Value::from(id)), ("name", Value::from(name.to_owned()))];
        let base = sum(&[row("Noord"), row("Zuid")]);
        assert_eq!(base, sum(&[row("Noord"), row("Zuid")]));
        assert_ne!(base, sum(&[row("Noord"), row("Zuid ")]), "one character");
        assert_ne!(base, sum(&[row("Zuid"), row("Noord")]), "the order of rows");
        assert_ne!(base, sum(&[row("Noord")]), "a missing row");
        // Column boundaries count: ("ab", "c") is not ("a", "bc").
        let split = |a: &str, b: &str| sum(&[vec![("x", Value::from(a.to_owned())), ("y", Value::from(b.to_owned()))]]);
        assert_ne!(split("ab", "c"), split("a", "bc"));
        assert_eq!(base.rows, 2);
        assert_eq!(base.hex().len(), 64);
    }

    #[test]
    fn a_checksum_reads_what_both_engines_keep_the_same() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).single().expect("a moment");
        let nanos = at + chrono::Duration::nanoseconds(123_456_789);
        let micros = at + chrono::Duration::nanoseconds(123_456_000);
        assert_eq!(canonical(&Value::from(nanos)), canonical(&Value::from(micros)), "PostgreSQL keeps microseconds");
        let millis = at + chrono::Duration::milliseconds(123);
        assert_ne!(canonical(&Value::from(nanos)), canonical(&Value::from(millis)), "but every one of them");
        let a = serde_json::json!({ "b": 1, "a": { "d": [1, 2], "c": null } });
        let b: serde_json::Value = serde_json::from_str(r#"{"a":{"c":null,"d":[1,2]},"b":1}"#).expect("JSON");
        assert_eq!(canonical(&Value::from(a.clone())), canonical(&Value::from(b)), "jsonb keeps its own key order");
        let reordered = serde_json::json!({ "b": 1, "a": { "d": [2, 1], "c": null } });
        assert_ne!(canonical(&Value::from(a)), canonical(&Value::from(reordered)), "array order is content");
    }
}
