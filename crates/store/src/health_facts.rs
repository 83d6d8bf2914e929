//! Health's maintained facts (docs/health.md): tallies and named rows kept in
//! the transaction of every change that moves them, so `Network.health` read
//! now costs the same whatever the history holds.
//!
//! A write that changes a commitment, one of its ratifications or conditions
//! calls [`Store::touch`]; [`Store::commit`] then refreshes each touched
//! commitment once, just before the commit: it derives the commitment's
//! contribution (`domain::health_facts`), applies the difference to the
//! tallies and replaces the named rows that changed. On PostgreSQL the
//! commitments' contribution rows are locked first, in id order, so two
//! transactions that touch the same commitment refresh it one after the
//! other, the second from what the first committed. Only the refresh takes
//! these locks, and after them only tally rows (in key order): it adds no
//! deadlock to the mutations' own. Tallies are added to (`n = n + delta`), never
//! overwritten, on one of a few shards per network so that concurrent writers
//! do not queue on one row.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    commitment, commitment_party, health_contribution, health_fact, health_tally, network, ratification,
    ratification_condition,
};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use super::Store;
use super::health::{ScopeCondition, days_before};
use crate::domain::dossier::Terms;
use crate::domain::health::{
    HealthScope, PartnerBacking, QUICK_WIN_WINDOW_DAYS, RECENT_DAYS, SAMPLE, Sample, ScopeCounts,
};
use crate::domain::health_facts::{Contribution, Fact, Kind, Tally, WHOLE, contribution, difference, no_day};
use crate::domain::{AppError, AppResult};
use crate::errors::Context;

/// Shards per count on PostgreSQL (SQLite has one writer: one shard).
const SHARDS: u128 = 8;

/// Commitments refreshed per round trip.
const BATCH: usize = 500;

/// Commitments read per batch when rebuilding: fewer, larger round trips
/// (a million commitments is 250 batches).
const REBUILD_BATCH: u64 = 4_000;

/// Health's figures about the work: read from the maintained facts
/// ([`Store::maintained`]) or recounted from history (the service's recount
/// for `asOf`), the same figures either way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkFacts {
    pub open_ratifications: u64,
    pub median_days_waiting: Option<f64>,
    pub oldest_open_ratification: Option<(Uuid, DateTime<Utc>)>,
    pub overdue_ratifications: Sample,
    pub agreed_without_consultation: Sample,
    pub advice_overridden: Sample,
    pub decided_on_stale_dossier: Sample,
    pub open_conditions: Sample,
    pub partners: Vec<PartnerBacking>,
    pub open_by_scope: ScopeCounts,
    pub quick_wins_delivered_recently: u64,
    pub last_quick_win_delivered_at: Option<DateTime<Utc>>,
    pub without_goal: Sample,
    pub goals_without_recent_result: Sample,
    pub needs_replanning: Sample,
}

/// `scope`'s rows of a tally or fact, and the network-wide ones ([`WHOLE`]).
fn in_scope(scope: &HealthScope, column: impl ColumnTrait) -> sea_orm::Condition {
    sea_orm::Condition::any().add(column.eq(WHOLE)).add(scope.condition(column))
}

/// A fact's key within its network: kind, subject, organisation.
type FactKey = (Kind, Uuid, Uuid);

/// A summed count as a count (a sum over no rows is NULL).
fn non_negative(n: Option<i64>) -> u64 {
    u64::try_from(n.unwrap_or(0)).unwrap_or(0)
}

/// The look-back windows, from the day tallies.
#[derive(Debug, Clone, Default, PartialEq)]
struct Windows {
    quick_wins_delivered: u64,
    /// Goals with a commitment delivered in the window.
    goals_with_result: BTreeSet<Uuid>,
}

/// A fact as its row.
fn row(tenant_id: Uuid, network_id: Uuid, commitment_id: Uuid, fact: &Fact) -> health_fact::ActiveModel {
    health_fact::ActiveModel {
        tenant_id: Set(tenant_id),
        network_id: Set(network_id),
        kind: Set(fact.kind.as_str().to_owned()),
        subject_id: Set(fact.subject_id),
        organisation_id: Set(fact.organisation_id),
        commitment_id: Set(commitment_id),
        at: Set(fact.at),
        due_on: Set(fact.due_on),
    }
}

fn fact_of(row: &health_fact::Model) -> AppResult<Fact> {
    let kind = Kind::parse(&row.kind)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown health fact {:?}", row.kind)))?;
    Ok(Fact { kind, subject_id: row.subject_id, organisation_id: row.organisation_id, at: row.at, due_on: row.due_on })
}

impl Store {
    /// Marks a commitment whose health this transaction changes; the commit
    /// refreshes it.
    pub(crate) fn touch(&self, commitment_id: Uuid) {
        self.inner.touched.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(commitment_id);
    }

    /// Refreshes the touched commitments (called by `commit`).
    pub(crate) async fn refresh_touched(&self) -> AppResult<()> {
        let touched = std::mem::take(&mut *self.inner.touched.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        let touched: Vec<Uuid> = touched.into_iter().collect();
        for batch in touched.chunks(BATCH) {
            self.refresh(batch).await?;
        }
        Ok(())
    }

    /// The shard this transaction adds to.
    fn shard(&self) -> i16 {
        if self.backend() == DbBackend::Postgres { (Uuid::now_v7().as_u128() % SHARDS) as i16 } else { 0 }
    }

    /// A batch of commitments, their ratifications and conditions, each
    /// commitment's contribution now.
    async fn contributions(&self, ids: &[Uuid]) -> AppResult<Vec<(commitment::Model, Contribution)>> {
        let tx = self.tx()?;
        let commitments = self
            .tenant_only::<commitment::Entity>()
            .filter(commitment::Column::Id.is_in(ids.iter().copied()))
            .order_by_asc(commitment::Column::Id)
            .all(&*tx)
            .await
            .context("loading commitments for health")?;
        let ratifications = self
            .tenant_only::<ratification::Entity>()
            .filter(ratification::Column::CommitmentId.is_in(ids.iter().copied()))
            .all(&*tx)
            .await
            .context("loading ratifications for health")?;
        let of_batch = self
            .tenant_only::<ratification::Entity>()
            .select_only()
            .column(ratification::Column::Id)
            .filter(ratification::Column::CommitmentId.is_in(ids.iter().copied()))
            .into_query();
        let conditions = self
            .scoped::<ratification_condition::Entity>()
            .filter(ratification_condition::Column::RatificationId.in_subquery(of_batch))
            .all(&*tx)
            .await
            .context("loading conditions for health")?;
        let commitment_of: BTreeMap<Uuid, Uuid> = ratifications.iter().map(|r| (r.id, r.commitment_id)).collect();
        let mut conditions_of: BTreeMap<Uuid, Vec<ratification_condition::Model>> = BTreeMap::new();
        for condition in conditions {
            if let Some(commitment_id) = commitment_of.get(&condition.ratification_id) {
                conditions_of.entry(*commitment_id).or_default().push(condition);
            }
        }
        let mut ratifications_of: BTreeMap<Uuid, Vec<ratification::Model>> = BTreeMap::new();
        for r in ratifications {
            ratifications_of.entry(r.commitment_id).or_default().push(r);
        }
        // The parties that decided on a dossier: their terms as they stand,
        // hashed, tell whether those decisions still hold.
        let decided_on_dossiers: Vec<(Uuid, Uuid)> = ratifications_of
            .values()
            .flatten()
            .filter(|r| r.dossier_hash.is_some() && r.withdrawn_at.is_none())
            .map(|r| (r.commitment_id, r.organisation_id))
            .collect();
        let mut hashes = self.terms_hashes(&commitments, &decided_on_dossiers, None).await?;
        Ok(commitments
            .into_iter()
            .map(|c| {
                let rs = ratifications_of.remove(&c.id).unwrap_or_default();
                let cs = conditions_of.remove(&c.id).unwrap_or_default();
                let current = hashes.remove(&c.id).unwrap_or_default();
                let contribution = contribution(&c, &rs, &cs, &current);
                (c, contribution)
            })
            .collect())
    }

    /// The content hash of the terms of each `(commitment, party)` among
    /// `commitments` as they stand (`domain::dossier::Terms`), on the
    /// network's current charter version or, given `as_of`, the one adopted
    /// by then. Reads nothing when there is nothing to hash.
    pub(crate) async fn terms_hashes(
        &self,
        commitments: &[commitment::Model],
        pairs: &[(Uuid, Uuid)],
        as_of: Option<DateTime<Utc>>,
    ) -> AppResult<BTreeMap<Uuid, BTreeMap<Uuid, String>>> {
        let mut out: BTreeMap<Uuid, BTreeMap<Uuid, String>> = BTreeMap::new();
        if pairs.is_empty() {
            return Ok(out);
        }
        let tx = self.tx()?;
        let ids: BTreeSet<Uuid> = pairs.iter().map(|(c, _)| *c).collect();
        let parties = self
            .scoped::<commitment_party::Entity>()
            .filter(commitment_party::Column::CommitmentId.is_in(ids.iter().copied()))
            .all(&*tx)
            .await
            .context("loading parties for health")?;
        let mut charters: BTreeMap<Uuid, Option<i32>> = BTreeMap::new();
        for commitment in commitments.iter().filter(|c| ids.contains(&c.id)) {
            if let std::collections::btree_map::Entry::Vacant(slot) = charters.entry(commitment.network_id) {
                slot.insert(match as_of {
                    Some(as_of) => self.charter_version_as_of(commitment.network_id, as_of).await?,
                    None => self.current_charter_version(commitment.network_id).await?,
                });
            }
        }
        for (commitment_id, organisation_id) in pairs {
            let Some(commitment) = commitments.iter().find(|c| c.id == *commitment_id) else { continue };
            let charter = charters.get(&commitment.network_id).copied().flatten();
            let hash = Terms::from_rows(commitment, &parties, *organisation_id, charter).content_hash();
            out.entry(*commitment_id).or_default().insert(*organisation_id, hash);
        }
        Ok(out)
    }

    /// Refreshes, with the next commit, every open commitment of the network
    /// that a body decided on a dossier of: a new charter version changes the
    /// terms those decisions were taken on.
    pub(crate) async fn touch_decided_on_dossiers(&self, network_id: Uuid) -> AppResult<()> {
        let tx = self.tx()?;
        if self.backend() == DbBackend::Postgres {
            // Waits for every transaction refreshing this network's
            // commitments (they hold it shared, `refresh`), so their
            // decisions are seen below; those that come after wait for this
            // one and hash on the new charter.
            self.tenant_only::<network::Entity>()
                .select_only()
                .column(network::Column::Id)
                .filter(network::Column::Id.eq(network_id))
                .lock_exclusive()
                .into_tuple::<Uuid>()
                .all(&*tx)
                .await
                .context("locking the network for its new charter")?;
        }
        let ids: Vec<Uuid> = self
            .tenant_only::<ratification::Entity>()
            .select_only()
            .column(ratification::Column::CommitmentId)
            .distinct()
            .filter(ratification::Column::NetworkId.eq(network_id))
            .filter(ratification::Column::DossierHash.is_not_null())
            .filter(ratification::Column::WithdrawnAt.is_null())
            .into_tuple()
            .all(&*tx)
            .await
            .context("finding decisions taken on dossiers")?;
        ids.into_iter().for_each(|id| self.touch(id));
        Ok(())
    }

    /// Brings the facts of `ids` (one batch) up to date.
    async fn refresh(&self, ids: &[Uuid]) -> AppResult<()> {
        let tx = self.tx()?;
        let tenant_id = self.tenant_id();
        if self.backend() == DbBackend::Postgres {
            // The networks first, shared: a charter adoption locks its network
            // for update before it looks for the decisions taken on dossiers
            // (`touch_decided_on_dossiers`). So a decision recorded at the same
            // moment is either seen by the adoption, or hashed here on the new
            // charter once the adoption commits; without the lock each missed
            // the other and the decision was not seen to be stale. Always in
            // this order (network, then contributions), so the two never
            // deadlock.
            let networks = self
                .tenant_only::<commitment::Entity>()
                .select_only()
                .column(commitment::Column::NetworkId)
                .filter(commitment::Column::Id.is_in(ids.iter().copied()))
                .into_query();
            self.tenant_only::<network::Entity>()
                .select_only()
                .column(network::Column::Id)
                .filter(network::Column::Id.in_subquery(networks))
                .lock_shared()
                .into_tuple::<Uuid>()
                .all(&*tx)
                .await
                .context("locking the networks of refreshed commitments")?;
        }
        // Locked first: a second transaction refreshing one of these waits
        // here, then reads what the first committed.
        let mut before = self
            .scoped::<health_contribution::Entity>()
            .filter(health_contribution::Column::CommitmentId.is_in(ids.iter().copied()))
            .order_by_asc(health_contribution::Column::CommitmentId);
        if self.backend() == DbBackend::Postgres {
            before = before.lock_exclusive();
        }
        let before: BTreeMap<Uuid, String> = before
            .all(&*tx)
            .await
            .context("loading health contributions")?
            .into_iter()
            .map(|c| (c.commitment_id, c.tallies))
            .collect();
        let now = self.contributions(ids).await?;
        let mut old_facts: BTreeMap<(Uuid, FactKey), Fact> = BTreeMap::new();
        for row in self
            .scoped::<health_fact::Entity>()
            .filter(health_fact::Column::CommitmentId.is_in(ids.iter().copied()))
            .all(&*tx)
            .await
            .context("loading health facts")?
        {
            let fact = fact_of(&row)?;
            old_facts.insert((row.network_id, fact.key()), fact);
        }

        let mut delta: BTreeMap<(Uuid, Tally), i64> = BTreeMap::new();
        let mut contributions = Vec::new();
        let mut inserts = Vec::new();
        // Facts that no longer hold, or hold with another due date or agreed
        // time, per network: deleted in one statement each, before the inserts.
        let mut gone: BTreeMap<Uuid, Vec<Fact>> = BTreeMap::new();
        for (commitment, contribution) in &now {
            let json = contribution.tallies_json();
            let previous = match before.get(&commitment.id) {
                Some(stored) if *stored == json => None,
                Some(stored) => Some(Contribution::parse_tallies(stored).map_err(AppError::Internal)?),
                None => Some(BTreeMap::new()),
            };
            if let Some(previous) = previous {
                for (tally, n) in difference(&previous, &contribution.tallies) {
                    *delta.entry((commitment.network_id, tally)).or_default() += n;
                }
                contributions.push(health_contribution::ActiveModel {
                    tenant_id: Set(tenant_id),
                    commitment_id: Set(commitment.id),
                    network_id: Set(commitment.network_id),
                    tallies: Set(json),
                });
            }
            for fact in &contribution.facts {
                match old_facts.remove(&(commitment.network_id, fact.key())) {
                    Some(old) if old == *fact => {}
                    changed => {
                        gone.entry(commitment.network_id).or_default().extend(changed);
                        inserts.push(row(tenant_id, commitment.network_id, commitment.id, fact));
                    }
                }
            }
        }
        for ((network_id, _), fact) in old_facts {
            gone.entry(network_id).or_default().push(fact);
        }
        for (network_id, facts) in gone {
            self.delete_facts(network_id, &facts).await?;
        }
        if !inserts.is_empty() {
            health_fact::Entity::insert_many(inserts)
                .exec_without_returning(&*tx)
                .await
                .context("adding health facts")?;
        }
        if !contributions.is_empty() {
            health_contribution::Entity::insert_many(contributions)
                .on_conflict(
                    OnConflict::columns([
                        health_contribution::Column::TenantId,
                        health_contribution::Column::CommitmentId,
                    ])
                    .update_column(health_contribution::Column::Tallies)
                    .to_owned(),
                )
                .exec_without_returning(&*tx)
                .await
                .context("keeping health contributions")?;
        }
        self.add_to_tallies(delta, self.shard()).await
    }

    async fn delete_facts(&self, network_id: Uuid, facts: &[Fact]) -> AppResult<()> {
        let tx = self.tx()?;
        let mut any = sea_orm::Condition::any();
        for fact in facts {
            any = any.add(
                sea_orm::Condition::all()
                    .add(health_fact::Column::Kind.eq(fact.kind.as_str()))
                    .add(health_fact::Column::SubjectId.eq(fact.subject_id))
                    .add(health_fact::Column::OrganisationId.eq(fact.organisation_id)),
            );
        }
        health_fact::Entity::delete_many()
            .filter(health_fact::Column::TenantId.eq(self.tenant_id()))
            .filter(health_fact::Column::NetworkId.eq(network_id))
            .filter(any)
            .exec(&*tx)
            .await
            .context("removing health facts")?;
        Ok(())
    }

    /// Adds `delta` to the tallies in key order (so two writers lock shared
    /// rows in the same order and never deadlock).
    async fn add_to_tallies(&self, delta: BTreeMap<(Uuid, Tally), i64>, shard: i16) -> AppResult<()> {
        if delta.is_empty() {
            return Ok(());
        }
        let tx = self.tx()?;
        let tenant_id = self.tenant_id();
        let rows = delta.into_iter().map(|((network_id, tally), n)| health_tally::ActiveModel {
            tenant_id: Set(tenant_id),
            network_id: Set(network_id),
            kind: Set(tally.kind.as_str().to_owned()),
            organisation_id: Set(tally.organisation_id),
            day: Set(tally.day),
            shard: Set(shard),
            n: Set(n),
        });
        use health_tally::Column as T;
        health_tally::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([T::TenantId, T::NetworkId, T::Kind, T::OrganisationId, T::Day, T::Shard])
                    .value(T::N, Expr::col((health_tally::Entity, T::N)).add(Expr::cust("excluded.n")))
                    .to_owned(),
            )
            .exec_without_returning(&*tx)
            .await
            .context("adding to health tallies")?;
        Ok(())
    }

    /// A new network's facts: nothing yet, counted from now on.
    pub(crate) async fn mark_health_built(&self, network_id: Uuid) -> AppResult<()> {
        let built = Tally { kind: Kind::Built, organisation_id: WHOLE, day: no_day() };
        self.add_to_tallies(BTreeMap::from([((network_id, built), 1)]), 0).await
    }

    /// Counts a network's facts again from its rows, replacing what was kept.
    /// Returns how many commitments it read.
    pub async fn rebuild_health(&self, network_id: Uuid) -> AppResult<u64> {
        let tx = self.tx()?;
        let tenant_id = self.tenant_id();
        health_tally::Entity::delete_many()
            .filter(health_tally::Column::TenantId.eq(tenant_id))
            .filter(health_tally::Column::NetworkId.eq(network_id))
            .exec(&*tx)
            .await
            .context("clearing health tallies")?;
        health_fact::Entity::delete_many()
            .filter(health_fact::Column::TenantId.eq(tenant_id))
            .filter(health_fact::Column::NetworkId.eq(network_id))
            .exec(&*tx)
            .await
            .context("clearing health facts")?;
        health_contribution::Entity::delete_many()
            .filter(health_contribution::Column::TenantId.eq(tenant_id))
            .filter(health_contribution::Column::NetworkId.eq(network_id))
            .exec(&*tx)
            .await
            .context("clearing health contributions")?;

        let mut tallies: BTreeMap<(Uuid, Tally), i64> = BTreeMap::new();
        let (mut after, mut read) = (None::<Uuid>, 0u64);
        loop {
            let mut page = self
                .tenant_only::<commitment::Entity>()
                .select_only()
                .column(commitment::Column::Id)
                .filter(commitment::Column::NetworkId.eq(network_id))
                .order_by_asc(commitment::Column::Id)
                .limit(REBUILD_BATCH);
            if let Some(after) = after {
                page = page.filter(commitment::Column::Id.gt(after));
            }
            let ids: Vec<Uuid> = page.into_tuple().all(&*tx).await.context("listing commitments for health")?;
            let Some(last) = ids.last() else { break };
            after = Some(*last);
            read += ids.len() as u64;
            let mut facts = Vec::new();
            let mut contributions = Vec::new();
            for (commitment, contribution) in self.contributions(&ids).await? {
                for (tally, n) in &contribution.tallies {
                    *tallies.entry((network_id, *tally)).or_default() += n;
                }
                facts.extend(contribution.facts.iter().map(|fact| row(tenant_id, network_id, commitment.id, fact)));
                contributions.push(health_contribution::ActiveModel {
                    tenant_id: Set(tenant_id),
                    commitment_id: Set(commitment.id),
                    network_id: Set(network_id),
                    tallies: Set(contribution.tallies_json()),
                });
            }
            // Bound each statement's parameters (SQLite allows 32,766).
            for chunk in facts.chunks(2_000) {
                health_fact::Entity::insert_many(chunk.to_vec())
                    .exec_without_returning(&*tx)
                    .await
                    .context("adding health facts")?;
            }
            health_contribution::Entity::insert_many(contributions)
                .exec_without_returning(&*tx)
                .await
                .context("keeping health contributions")?;
        }
        tallies.insert((network_id, Tally { kind: Kind::Built, organisation_id: WHOLE, day: no_day() }), 1);
        let tallies: Vec<_> = tallies.into_iter().collect();
        for chunk in tallies.chunks(2_000) {
            self.add_to_tallies(chunk.iter().copied().collect(), 0).await?;
        }
        Ok(read)
    }

    /// Builds the facts of every network of the tenant that has none (a
    /// database from before they were kept). Returns the networks built.
    pub async fn build_missing_health(&self) -> AppResult<Vec<Uuid>> {
        let tx = self.tx()?;
        let built = self
            .scoped::<health_tally::Entity>()
            .select_only()
            .column(health_tally::Column::NetworkId)
            .filter(health_tally::Column::Kind.eq(Kind::Built.as_str()))
            .into_query();
        let missing: Vec<Uuid> = self
            .tenant_only::<entity::network::Entity>()
            .select_only()
            .column(entity::network::Column::Id)
            .filter(entity::network::Column::Id.not_in_subquery(built))
            .order_by_asc(entity::network::Column::Id)
            .into_tuple()
            .all(&*tx)
            .await
            .context("finding networks without health facts")?;
        for network_id in &missing {
            let commitments = self.rebuild_health(*network_id).await?;
            tracing::info!(%network_id, commitments, "built the network's health facts");
        }
        Ok(missing)
    }

    /// Health's figures about the work from the maintained facts, or `None`
    /// while the network has none (health then recounts).
    pub async fn maintained(
        &self,
        network_id: Uuid,
        now: DateTime<Utc>,
        scope: &HealthScope,
    ) -> AppResult<Option<WorkFacts>> {
        let tx = self.tx()?;
        let today = now.date_naive();
        use health_tally::Column as T;
        let rows: Vec<(String, Uuid, Option<i64>)> = self
            .scoped::<health_tally::Entity>()
            .select_only()
            .column(T::Kind)
            .column(T::OrganisationId)
            .column_as(Expr::cust("CAST(SUM(n) AS BIGINT)"), "n")
            .filter(T::NetworkId.eq(network_id))
            // Counts by day are read where they are walked (`waits`, `windows`).
            .filter(T::Day.eq(no_day()))
            .filter(in_scope(scope, T::OrganisationId))
            .group_by(T::Kind)
            .group_by(T::OrganisationId)
            .into_tuple()
            .all(&*tx)
            .await
            .context("reading health tallies")?;
        let mut tallies: BTreeMap<(Kind, Uuid), u64> = BTreeMap::new();
        for (kind, organisation, n) in rows {
            if let Some(kind) = Kind::parse(&kind) {
                tallies.insert((kind, organisation), non_negative(n));
            }
        }
        if tallies.get(&(Kind::Built, WHOLE)).copied().unwrap_or(0) == 0 {
            return Ok(None);
        }
        let whole = |kind| tallies.get(&(kind, WHOLE)).copied().unwrap_or(0);
        let of = |kind, organisation| tallies.get(&(kind, organisation)).copied().unwrap_or(0);
        let across =
            |kind| -> u64 { tallies.iter().filter(|((k, o), _)| *k == kind && *o != WHOLE).map(|(_, n)| *n).sum() };

        use health_fact::Column as F;
        let facts = |kind: Kind| {
            self.scoped::<health_fact::Entity>()
                .filter(F::NetworkId.eq(network_id))
                .filter(F::Kind.eq(kind.as_str()))
                .filter(in_scope(scope, F::OrganisationId))
        };
        // Waiting ratifications past their due date, per party: the due days before today.
        let overdue: BTreeMap<Uuid, u64> = self
            .scoped::<health_tally::Entity>()
            .select_only()
            .column(T::OrganisationId)
            .column_as(Expr::cust("CAST(SUM(n) AS BIGINT)"), "n")
            .filter(T::NetworkId.eq(network_id))
            .filter(T::Kind.eq(Kind::WaitingDue.as_str()))
            .filter(T::Day.lt(today))
            .filter(in_scope(scope, T::OrganisationId))
            .group_by(T::OrganisationId)
            .into_tuple::<(Uuid, Option<i64>)>()
            .all(&*tx)
            .await
            .context("counting overdue ratifications")?
            .into_iter()
            .map(|(organisation, n)| (organisation, non_negative(n)))
            .collect();

        // Rejections of the look-back window are rare: read from history.
        let rejected_recently: BTreeMap<Uuid, i64> =
            self.rejected_recently_by_organisation(network_id, now, scope).await?.into_iter().collect();
        let mut partners: Vec<PartnerBacking> = tallies
            .iter()
            .filter(|((kind, organisation), n)| *kind == Kind::Involved && *organisation != WHOLE && **n > 0)
            .map(|((_, organisation), involved)| PartnerBacking {
                organisation_id: *organisation,
                involved: *involved,
                answered: of(Kind::Answered, *organisation),
                approved: of(Kind::Approved, *organisation),
                rejected: of(Kind::Rejected, *organisation),
                rejected_recently: non_negative(rejected_recently.get(organisation).copied()),
                overdue: overdue.get(organisation).copied().unwrap_or(0),
                open_conditions: of(Kind::OpenCondition, *organisation),
            })
            .collect();
        partners.sort_by_key(|p| p.organisation_id);

        let open_ratifications = across(Kind::Waiting);
        let overdue_count: u64 = overdue.values().sum();
        let sample = |kind: Kind, count: u64| self.sample_of(facts(kind), count);
        let unconsulted = match scope {
            HealthScope::Network => sample(Kind::UnconsultedCommitment, whole(Kind::UnconsultedCommitment)).await?,
            HealthScope::Organisations(ids) if ids.len() == 1 => {
                sample(Kind::Unconsulted, of(Kind::Unconsulted, ids[0])).await?
            }
            // Several organisations: a commitment counts once, whichever of them left it unconsulted.
            HealthScope::Organisations(_) => self.distinct_sample(facts(Kind::Unconsulted)).await?,
        };
        let (median_days_waiting, oldest_open_ratification) = if open_ratifications == 0 {
            (None, None)
        } else {
            self.waits(network_id, now, scope, open_ratifications).await?
        };
        let quick_since = days_before(now, QUICK_WIN_WINDOW_DAYS)?;
        let goal_since = days_before(now, RECENT_DAYS)?;
        let windows = self.windows(network_id, quick_since, goal_since).await?;
        let goals = self.goals_created_by(network_id, goal_since).await?;
        let without_result: Vec<Uuid> =
            goals.into_iter().filter(|goal| !windows.goals_with_result.contains(goal)).collect();
        Ok(Some(WorkFacts {
            open_ratifications,
            median_days_waiting,
            oldest_open_ratification,
            overdue_ratifications: self
                .sample_of(facts(Kind::Waiting).filter(F::DueOn.lt(today)), overdue_count)
                .await?,
            agreed_without_consultation: unconsulted,
            advice_overridden: sample(Kind::Overridden, across(Kind::Overridden)).await?,
            decided_on_stale_dossier: sample(Kind::StaleDecision, across(Kind::StaleDecision)).await?,
            open_conditions: sample(Kind::OpenCondition, across(Kind::OpenCondition)).await?,
            partners,
            open_by_scope: ScopeCounts {
                organisation: whole(Kind::OpenOrganisation),
                coalition: whole(Kind::OpenCoalition),
                network: whole(Kind::OpenNetwork),
            },
            quick_wins_delivered_recently: windows.quick_wins_delivered,
            last_quick_win_delivered_at: self.last_quick_win(network_id, now).await?,
            without_goal: sample(Kind::WithoutGoal, whole(Kind::WithoutGoal)).await?,
            goals_without_recent_result: Sample {
                count: without_result.len() as u64,
                ids: without_result.into_iter().take(SAMPLE as usize).collect(),
            },
            needs_replanning: sample(Kind::NeedsReplanning, whole(Kind::NeedsReplanning)).await?,
        }))
    }

    /// The look-back windows from the day tallies: quick wins delivered after
    /// `quick_since`, and the goals with a commitment delivered after
    /// `goal_since`. Whole days are summed from the tallies; the window's
    /// first, partial day is read from its rows (one day's deliveries).
    async fn windows(
        &self,
        network_id: Uuid,
        quick_since: DateTime<Utc>,
        goal_since: DateTime<Utc>,
    ) -> AppResult<Windows> {
        let tx = self.tx()?;
        use health_tally::Column as T;
        let (quick_day, goal_day) = (quick_since.date_naive(), goal_since.date_naive());
        let days: Vec<(String, Uuid, Option<i64>)> = self
            .scoped::<health_tally::Entity>()
            .select_only()
            .column(T::Kind)
            .column(T::OrganisationId)
            .column_as(Expr::cust("CAST(SUM(n) AS BIGINT)"), "n")
            .filter(T::NetworkId.eq(network_id))
            .filter(
                sea_orm::Condition::any()
                    .add(T::Kind.eq(Kind::QuickWinDelivered.as_str()).and(T::Day.gt(quick_day)))
                    .add(T::Kind.eq(Kind::GoalDelivered.as_str()).and(T::Day.gt(goal_day))),
            )
            .group_by(T::Kind)
            .group_by(T::OrganisationId)
            .into_tuple()
            .all(&*tx)
            .await
            .context("reading deliveries by day")?;
        let mut windows = Windows::default();
        for (kind, organisation, n) in days {
            match Kind::parse(&kind) {
                Some(Kind::QuickWinDelivered) => windows.quick_wins_delivered += non_negative(n),
                Some(Kind::GoalDelivered) if non_negative(n) > 0 => {
                    windows.goals_with_result.insert(organisation);
                }
                _ => {}
            }
        }
        let midnight_after = |day: NaiveDate| {
            day.succ_opt()
                .and_then(|next| next.and_hms_opt(0, 0, 0))
                .map(|at| at.and_utc())
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
        };
        use commitment::Column as C;
        let delivered_on_first_day = |since: DateTime<Utc>, day: NaiveDate| {
            self.tenant_only::<commitment::Entity>()
                .filter(C::NetworkId.eq(network_id))
                .filter(C::DeliveredAt.gt(since))
                .filter(C::DeliveredAt.lt(midnight_after(day)))
        };
        windows.quick_wins_delivered += delivered_on_first_day(quick_since, quick_day)
            .filter(C::Kind.eq(entity::CommitmentKind::QuickWin))
            .count(&*tx)
            .await
            .context("counting the first day's quick wins")?;
        let goals: Vec<Option<Uuid>> = delivered_on_first_day(goal_since, goal_day)
            .select_only()
            .column(C::GoalId)
            .filter(C::GoalId.is_not_null())
            .distinct()
            .into_tuple()
            .all(&*tx)
            .await
            .context("finding the first day's goal results")?;
        windows.goals_with_result.extend(goals.into_iter().flatten());
        Ok(windows)
    }

    /// The first ids of a kind of fact, with the count the tallies keep.
    async fn sample_of(&self, select: sea_orm::Select<health_fact::Entity>, count: u64) -> AppResult<Sample> {
        if count == 0 {
            return Ok(Sample::default());
        }
        let tx = self.tx()?;
        let ids = select
            .select_only()
            .column(health_fact::Column::SubjectId)
            .order_by_asc(health_fact::Column::SubjectId)
            .limit(SAMPLE)
            .into_tuple()
            .all(&*tx)
            .await
            .context("sampling health facts")?;
        Ok(Sample { count, ids })
    }

    /// Distinct subjects and their count (a commitment several of the
    /// viewer's organisations share counts once).
    async fn distinct_sample(&self, select: sea_orm::Select<health_fact::Entity>) -> AppResult<Sample> {
        let tx = self.tx()?;
        let count: Option<i64> = select
            .clone()
            .select_only()
            .column_as(Expr::cust("COUNT(DISTINCT subject_id)"), "n")
            .into_tuple()
            .one(&*tx)
            .await
            .context("counting health facts")?;
        let ids = select
            .select_only()
            .column(health_fact::Column::SubjectId)
            .distinct()
            .order_by_asc(health_fact::Column::SubjectId)
            .limit(SAMPLE)
            .into_tuple()
            .all(&*tx)
            .await
            .context("sampling health facts")?;
        Ok(Sample { count: non_negative(count), ids })
    }

    /// The median wait in days and the oldest waiting ratification. The
    /// tallies count waiting ratifications per day their commitment was
    /// agreed, so the middle one is found by walking days; only that day's
    /// rows are read.
    async fn waits(
        &self,
        network_id: Uuid,
        now: DateTime<Utc>,
        scope: &HealthScope,
        open: u64,
    ) -> AppResult<(Option<f64>, Option<(Uuid, DateTime<Utc>)>)> {
        let tx = self.tx()?;
        use health_fact::Column as F;
        use health_tally::Column as T;
        let days: Vec<(NaiveDate, Option<i64>)> = self
            .scoped::<health_tally::Entity>()
            .select_only()
            .column(T::Day)
            .column_as(Expr::cust("CAST(SUM(n) AS BIGINT)"), "n")
            .filter(T::NetworkId.eq(network_id))
            .filter(T::Kind.eq(Kind::WaitingDay.as_str()))
            .filter(in_scope(scope, T::OrganisationId))
            .group_by(T::Day)
            .order_by_asc(T::Day)
            .into_tuple()
            .all(&*tx)
            .await
            .context("reading waits by day")?;
        let waiting = || {
            self.scoped::<health_fact::Entity>()
                .select_only()
                .filter(F::NetworkId.eq(network_id))
                .filter(F::Kind.eq(Kind::Waiting.as_str()))
                .filter(in_scope(scope, F::OrganisationId))
                .order_by_asc(F::At)
                .order_by_asc(F::SubjectId)
        };
        let oldest: Option<(Uuid, Option<DateTime<Utc>>)> = waiting()
            .column(F::SubjectId)
            .column(F::At)
            .limit(1)
            .into_tuple()
            .one(&*tx)
            .await
            .context("finding the oldest wait")?;
        let oldest = oldest.and_then(|(id, at)| at.map(|at| (id, at)));

        let middle = (open - 1) / 2;
        let take = if open.is_multiple_of(2) { 2 } else { 1 };
        let mut before = 0u64;
        let mut median = None;
        for (day, n) in days {
            let n = non_negative(n);
            if middle < before + n {
                let start = day.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
                let ats: Vec<Option<DateTime<Utc>>> = waiting()
                    .column(F::At)
                    .filter(F::At.gte(start))
                    .offset(middle - before)
                    .limit(take)
                    .into_tuple()
                    .all(&*tx)
                    .await
                    .context("finding the median wait")?;
                let waits: Vec<f64> =
                    ats.into_iter().flatten().map(|at| (now - at).num_seconds() as f64 / 86_400.0).collect();
                median = (!waits.is_empty()).then(|| waits.iter().sum::<f64>() / waits.len() as f64);
                break;
            }
            before += n;
        }
        Ok((median, oldest))
    }
}

/// Builds the health facts of every network that has none, tenant by tenant
/// (at start-up: a database from before they were kept, or one filled by
/// `eendracht seed`). Returns how many networks it built.
pub async fn build_missing(db: &super::Db, clock: std::sync::Arc<dyn crate::clock::Clock>) -> anyhow::Result<usize> {
    let mut built = 0;
    for tenant in super::transfer::tenants(db).await? {
        let store = Store::system(db, tenant.id, super::Access::Write, clock.clone()).await?;
        built += store.build_missing_health().await?.len();
        store.commit().await?;
    }
    Ok(built)
}
