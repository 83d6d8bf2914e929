//! The facts behind `Network.health`, aggregated in the database: counts,
//! maxima and bounded samples of ids, never every row. Each function issues a
//! fixed number of statements, whatever the size of the network.
//!
//! `as_of` reads the past from the recorded times: a commitment is open at T
//! when it was proposed by T and neither delivered nor dropped by T; an outcome
//! counts from when it was recorded. A ratification reopened after T is read
//! as open (its earlier outcome lives in `ratification_records`), and
//! `needsReplanning` is the current flag.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{
    BodyRight, CommitmentKind, CommitmentScope, ConditionStatus, PartnershipStatus, RatificationOutcome,
    alignment_round, charter_version, commitment, goal, meeting, partnership, ratification, ratification_condition,
    representation,
};
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
};
use uuid::Uuid;

use super::scope::TenantScoped;
use super::{Store, visibility};
use crate::domain::health::{
    HealthScope, PartnerBacking, QUICK_WIN_WINDOW_DAYS, RECENT_DAYS, SAMPLE, Sample, ScopeCounts,
};
use crate::domain::{AppError, AppResult};
use crate::errors::Context;

/// The rows of a health scope: all for the network, else the given organisations'.
pub(crate) trait ScopeCondition {
    fn condition(&self, column: impl ColumnTrait) -> Condition;
}

impl ScopeCondition for HealthScope {
    fn condition(&self, column: impl ColumnTrait) -> Condition {
        match self {
            HealthScope::Network => Condition::all(),
            HealthScope::Organisations(ids) => Condition::all().add(column.is_in(ids.iter().copied())),
        }
    }
}

/// `days` before `at`. `at` may be a client's `asOf`, which the service keeps
/// within the calendar's years; should one slip past, the subtraction is
/// refused as BAD_USER_INPUT rather than allowed to panic.
pub fn days_before(at: DateTime<Utc>, days: i64) -> AppResult<DateTime<Utc>> {
    Duration::try_days(days)
        .and_then(|days| at.checked_sub_signed(days))
        .ok_or_else(|| AppError::bad_input("asOf", "asOf is too far in the past"))
}

/// Open-ratification figures: how many, the median wait in days, the oldest.
pub struct Waiting {
    pub open: u64,
    pub median_days: Option<f64>,
    pub oldest: Option<(Uuid, DateTime<Utc>)>,
}

impl Store {
    /// A bounded sample of a query's ids and their exact count, in one
    /// statement: the window count is taken before the limit, so the number
    /// of statements does not depend on how many rows match.
    async fn sample<E, C>(&self, select: Select<E>, id: C) -> AppResult<Sample>
    where
        E: EntityTrait,
        E::Model: Sync,
        C: ColumnTrait,
    {
        let tx = self.tx()?;
        let rows: Vec<(Uuid, i64)> = select
            .select_only()
            .column(id)
            .column_as(Expr::cust("COUNT(*) OVER ()"), "total")
            .order_by_asc(id)
            .limit(SAMPLE)
            .into_tuple()
            .all(&*tx)
            .await
            .context("sampling health facts")?;
        let count = rows.first().map_or(0, |(_, total)| *total as u64);
        Ok(Sample { count, ids: rows.into_iter().map(|(id, _)| id).collect() })
    }

    fn in_network<E: TenantScoped>(&self, network: impl ColumnTrait, network_id: Uuid) -> Select<E> {
        // Health facts count everything in the network; who may see them is decided before (`domain::policy`).
        self.tenant_only::<E>().filter(network.eq(network_id))
    }

    /// Rounds closed by `as_of` (explicitly, or by passing their closing time),
    /// newest first.
    pub async fn closed_rounds_as_of(
        &self,
        network_id: Uuid,
        as_of: DateTime<Utc>,
        limit: u64,
    ) -> AppResult<Vec<alignment_round::Model>> {
        let tx = self.tx()?;
        use alignment_round::Column as R;
        self.in_network::<alignment_round::Entity>(R::NetworkId, network_id)
            .filter(
                Condition::any()
                    .add(R::ClosedAt.lte(as_of))
                    .add(Condition::all().add(R::ClosedAt.is_null()).add(R::ClosesAt.lte(as_of))),
            )
            .order_by_desc(R::Id)
            .limit(limit)
            .all(&*tx)
            .await
            .context("loading closed rounds")
    }

    /// The charter version in force at `as_of`.
    pub async fn charter_version_as_of(&self, network_id: Uuid, as_of: DateTime<Utc>) -> AppResult<Option<i32>> {
        let tx = self.tx()?;
        use charter_version::Column as V;
        Ok(self
            .in_network::<charter_version::Entity>(V::NetworkId, network_id)
            .select_only()
            .column_as(Expr::col(V::Version).max(), "v")
            .filter(V::AdoptedAt.lte(as_of))
            .into_tuple::<Option<i32>>()
            .one(&*tx)
            .await
            .context("loading the charter version")?
            .flatten())
    }

    /// Partnerships ACTIVE at `as_of`.
    fn active_partnerships(
        &self,
        network_id: Uuid,
        day: NaiveDate,
        scope: &HealthScope,
    ) -> Select<partnership::Entity> {
        use partnership::Column as P;
        self.in_network::<partnership::Entity>(P::NetworkId, network_id)
            .filter(P::Status.is_in([PartnershipStatus::Active, PartnershipStatus::Left]))
            .filter(P::JoinedOn.lte(day))
            .filter(Condition::any().add(P::LeftOn.is_null()).add(P::LeftOn.gt(day)))
            .filter(scope.condition(P::OrganisationId))
    }

    /// Representations current at `as_of`.
    fn representations_at(
        &self,
        network_id: Uuid,
        day: NaiveDate,
        scope: &HealthScope,
    ) -> Select<representation::Entity> {
        use representation::Column as R;
        self.in_network::<representation::Entity>(R::NetworkId, network_id)
            .filter(visibility::representation_current(day))
            .filter(scope.condition(R::OrganisationId))
    }

    /// ACTIVE partners and current representatives that had not acknowledged
    /// `version` by `as_of`.
    pub async fn not_acknowledged(
        &self,
        network_id: Uuid,
        as_of: DateTime<Utc>,
        version: i32,
        scope: &HealthScope,
    ) -> AppResult<(Sample, Sample)> {
        let day = as_of.date_naive();
        fn missing(
            acknowledged: impl ColumnTrait,
            at: impl ColumnTrait,
            version: i32,
            as_of: DateTime<Utc>,
        ) -> Condition {
            Condition::any().add(acknowledged.is_null()).add(acknowledged.lt(version)).add(at.gt(as_of))
        }
        use partnership::Column as P;
        use representation::Column as R;
        let partners = self.active_partnerships(network_id, day, scope).filter(missing(
            P::AcknowledgedCharterVersion,
            P::AcknowledgedAt,
            version,
            as_of,
        ));
        let representatives = self.representations_at(network_id, day, scope).filter(missing(
            R::AcknowledgedCharterVersion,
            R::AcknowledgedAt,
            version,
            as_of,
        ));
        Ok((self.sample(partners, P::Id).await?, self.sample(representatives, R::Id).await?))
    }

    /// Partners that joined and representatives that started after `since`.
    pub async fn newcomers(
        &self,
        network_id: Uuid,
        as_of: DateTime<Utc>,
        since: DateTime<Utc>,
        scope: &HealthScope,
    ) -> AppResult<(Sample, Sample)> {
        let (day, since) = (as_of.date_naive(), since.date_naive());
        let partners = self.active_partnerships(network_id, day, scope).filter(partnership::Column::JoinedOn.gt(since));
        let representatives =
            self.representations_at(network_id, day, scope).filter(representation::Column::StartedOn.gt(since));
        Ok((
            self.sample(partners, partnership::Column::Id).await?,
            self.sample(representatives, representation::Column::Id).await?,
        ))
    }

    pub async fn last_meeting_on(&self, network_id: Uuid, as_of: DateTime<Utc>) -> AppResult<Option<NaiveDate>> {
        let tx = self.tx()?;
        use meeting::Column as M;
        Ok(self
            .in_network::<meeting::Entity>(M::NetworkId, network_id)
            .select_only()
            .column_as(Expr::col(M::HeldOn).max(), "d")
            .filter(M::HeldOn.lte(as_of.date_naive()))
            .into_tuple::<Option<NaiveDate>>()
            .one(&*tx)
            .await
            .context("loading the last meeting")?
            .flatten())
    }

    /// Commitments open at `as_of`: proposed by then, neither delivered nor
    /// dropped by then.
    fn open_commitments(&self, network_id: Uuid, as_of: DateTime<Utc>) -> Select<commitment::Entity> {
        use commitment::Column as C;
        self.in_network::<commitment::Entity>(C::NetworkId, network_id)
            .filter(C::ProposedAt.lte(as_of))
            .filter(Condition::any().add(C::DeliveredAt.is_null()).add(C::DeliveredAt.gt(as_of)))
            .filter(Condition::any().add(C::DroppedAt.is_null()).add(C::DroppedAt.gt(as_of)))
    }

    /// Ratifications in play at `as_of`: created by then and not withdrawn.
    fn ratifications_in_play(
        &self,
        network_id: Uuid,
        as_of: DateTime<Utc>,
        scope: &HealthScope,
    ) -> Select<ratification::Entity> {
        use ratification::Column as R;
        self.in_network::<ratification::Entity>(R::NetworkId, network_id)
            .filter(R::CreatedAt.lte(as_of))
            .filter(Condition::any().add(R::WithdrawnAt.is_null()).add(R::WithdrawnAt.gt(as_of)))
            .filter(scope.condition(R::OrganisationId))
    }

    /// Waiting for an outcome at `as_of`: in play, its commitment agreed and
    /// still open, and no outcome recorded by then.
    fn waiting_ratifications(
        &self,
        network_id: Uuid,
        as_of: DateTime<Utc>,
        scope: &HealthScope,
    ) -> Select<ratification::Entity> {
        use ratification::Column as R;
        let agreed_and_open = self
            .open_commitments(network_id, as_of)
            .select_only()
            .column(commitment::Column::Id)
            .filter(commitment::Column::AgreedAt.lte(as_of))
            .into_query();
        self.ratifications_in_play(network_id, as_of, scope)
            .filter(Condition::any().add(R::RecordedAt.is_null()).add(R::RecordedAt.gt(as_of)))
            .filter(R::CommitmentId.in_subquery(agreed_and_open))
    }

    /// How many ratifications wait, the median wait in days (computed portably:
    /// the middle row(s) by due date — every waiting one got the same window,
    /// so the due date orders them by when they started waiting) and the oldest.
    pub async fn waiting(&self, network_id: Uuid, as_of: DateTime<Utc>, scope: &HealthScope) -> AppResult<Waiting> {
        let tx = self.tx()?;
        use ratification::Column as R;
        let waiting = self.waiting_ratifications(network_id, as_of, scope);
        let open = waiting.clone().count(&*tx).await.context("counting waiting ratifications")?;
        if open == 0 {
            return Ok(Waiting { open, median_days: None, oldest: None });
        }
        // The wait starts when the commitment was agreed: read it through the commitment.
        let agreed_at = |offset: u64, limit: u64| {
            waiting
                .clone()
                .select_only()
                .column(R::Id)
                .column_as(Expr::col((commitment::Entity, commitment::Column::AgreedAt)), "agreed_at")
                .join(
                    JoinType::InnerJoin,
                    ratification::Entity::belongs_to(commitment::Entity)
                        .from(R::CommitmentId)
                        .to(commitment::Column::Id)
                        .into(),
                )
                .order_by_asc(commitment::Column::AgreedAt)
                .order_by_asc(R::Id)
                .offset(offset)
                .limit(limit)
                .into_tuple::<(Uuid, DateTime<Utc>)>()
        };
        let oldest = agreed_at(0, 1).one(&*tx).await.context("finding the oldest wait")?;
        let middle = agreed_at((open - 1) / 2, if open % 2 == 0 { 2 } else { 1 })
            .all(&*tx)
            .await
            .context("finding the median wait")?;
        let days: Vec<f64> = middle.iter().map(|(_, at)| (as_of - *at).num_seconds() as f64 / 86_400.0).collect();
        let median_days = (!days.is_empty()).then(|| days.iter().sum::<f64>() / days.len() as f64);
        Ok(Waiting { open, median_days, oldest })
    }

    pub async fn overdue_ratifications(
        &self,
        network_id: Uuid,
        as_of: DateTime<Utc>,
        scope: &HealthScope,
    ) -> AppResult<Sample> {
        let overdue = self
            .waiting_ratifications(network_id, as_of, scope)
            .filter(ratification::Column::DueOn.lt(as_of.date_naive()));
        self.sample(overdue, ratification::Column::Id).await
    }

    /// Commitments agreed by `as_of` of which at least one party (in scope)
    /// never started consulting its constituency.
    pub async fn agreed_without_consultation(
        &self,
        network_id: Uuid,
        as_of: DateTime<Utc>,
        scope: &HealthScope,
    ) -> AppResult<Sample> {
        use ratification::Column as R;
        let unconsulted = self
            .ratifications_in_play(network_id, as_of, scope)
            .select_only()
            .column(R::CommitmentId)
            .filter(Condition::any().add(R::ConsultationStartedAt.is_null()).add(R::ConsultationStartedAt.gt(as_of)))
            .into_query();
        let commitments = self
            .in_network::<commitment::Entity>(commitment::Column::NetworkId, network_id)
            .filter(commitment::Column::AgreedAt.lte(as_of))
            .filter(commitment::Column::Id.in_subquery(unconsulted));
        self.sample(commitments, commitment::Column::Id).await
    }

    /// Negative advice whose party's deciding body approved the commitment anyway.
    pub async fn advice_overridden(
        &self,
        network_id: Uuid,
        as_of: DateTime<Utc>,
        scope: &HealthScope,
    ) -> AppResult<Sample> {
        use ratification::Column as R;
        // The same party's deciding (or approving) body, in a correlated subquery.
        let approval = Alias::new("approval");
        let approvals = Query::select()
            .expr(Expr::col((approval.clone(), R::Id)))
            .from_as(ratification::Entity, approval.clone())
            .and_where(Expr::col((approval.clone(), R::TenantId)).equals((ratification::Entity, R::TenantId)))
            .and_where(Expr::col((approval.clone(), R::CommitmentId)).equals((ratification::Entity, R::CommitmentId)))
            .and_where(
                Expr::col((approval.clone(), R::OrganisationId)).equals((ratification::Entity, R::OrganisationId)),
            )
            .and_where(Expr::col((approval.clone(), R::Right)).is_in([BodyRight::Decides, BodyRight::Approves]))
            .and_where(
                Expr::col((approval.clone(), R::Outcome))
                    .is_in([RatificationOutcome::Approved, RatificationOutcome::ApprovedWithConditions]),
            )
            .and_where(Expr::col((approval.clone(), R::RecordedAt)).lte(as_of))
            .and_where(Expr::col((approval.clone(), R::WithdrawnAt)).is_null())
            .to_owned();
        let overridden = self
            .ratifications_in_play(network_id, as_of, scope)
            .filter(R::Right.eq(BodyRight::Advises))
            .filter(R::Outcome.eq(RatificationOutcome::Negative))
            .filter(R::RecordedAt.lte(as_of))
            .filter(Expr::exists(approvals));
        self.sample(overridden, R::Id).await
    }

    /// Outcomes recorded by `as_of` on a decision dossier whose terms the
    /// commitment, open at `as_of`, has left behind: the terms as the
    /// commitment stands now, on the charter version adopted by `as_of` (a
    /// commitment's earlier texts are not kept; at the present moment this is
    /// exactly what the maintained facts name). Reads only the decisions taken
    /// on dossiers.
    pub async fn decided_on_stale_dossier(
        &self,
        network_id: Uuid,
        as_of: DateTime<Utc>,
        scope: &HealthScope,
    ) -> AppResult<Sample> {
        use ratification::Column as R;
        let tx = self.tx()?;
        let open = self.open_commitments(network_id, as_of).select_only().column(commitment::Column::Id).into_query();
        let decided = self
            .ratifications_in_play(network_id, as_of, scope)
            .filter(R::DossierHash.is_not_null())
            .filter(R::Outcome.is_not_null())
            .filter(R::RecordedAt.lte(as_of))
            .filter(R::CommitmentId.in_subquery(open))
            .all(&*tx)
            .await
            .context("loading decisions taken on dossiers")?;
        if decided.is_empty() {
            return Ok(Sample::default());
        }
        let ids: Vec<Uuid> = decided.iter().map(|r| r.commitment_id).collect();
        let commitments = self
            .tenant_only::<commitment::Entity>()
            .filter(commitment::Column::Id.is_in(ids))
            .all(&*tx)
            .await
            .context("loading commitments decided on dossiers")?;
        let pairs: Vec<(Uuid, Uuid)> = decided.iter().map(|r| (r.commitment_id, r.organisation_id)).collect();
        let hashes = self.terms_hashes(&commitments, &pairs, Some(as_of)).await?;
        let mut stale: Vec<Uuid> = decided
            .iter()
            .filter(|r| hashes.get(&r.commitment_id).and_then(|h| h.get(&r.organisation_id)) != r.dossier_hash.as_ref())
            .map(|r| r.id)
            .collect();
        stale.sort_unstable();
        Ok(Sample { count: stale.len() as u64, ids: stale.into_iter().take(SAMPLE as usize).collect() })
    }

    pub async fn rejections_since(
        &self,
        network_id: Uuid,
        as_of: DateTime<Utc>,
        scope: &HealthScope,
    ) -> AppResult<Sample> {
        use ratification::Column as R;
        let since = days_before(as_of, RECENT_DAYS)?.date_naive();
        let rejected = self
            .ratifications_in_play(network_id, as_of, scope)
            .filter(R::Outcome.eq(RatificationOutcome::Rejected))
            .filter(R::RecordedAt.lte(as_of))
            .filter(R::DecidedOn.gt(since));
        self.sample(rejected, R::Id).await
    }

    /// Conditions attached by `as_of` and not met by then.
    pub async fn open_conditions(
        &self,
        network_id: Uuid,
        as_of: DateTime<Utc>,
        scope: &HealthScope,
    ) -> AppResult<Sample> {
        self.sample(self.open_conditions_query(network_id, as_of, scope), ratification_condition::Column::Id).await
    }

    fn open_conditions_query(
        &self,
        network_id: Uuid,
        as_of: DateTime<Utc>,
        scope: &HealthScope,
    ) -> Select<ratification_condition::Entity> {
        use ratification_condition::Column as C;
        let decided = self
            .ratifications_in_play(network_id, as_of, scope)
            .select_only()
            .column(ratification::Column::Id)
            .filter(ratification::Column::RecordedAt.lte(as_of))
            .into_query();
        self.scoped::<ratification_condition::Entity>().filter(C::RatificationId.in_subquery(decided)).filter(
            Condition::any()
                .add(C::Status.eq(ConditionStatus::Open))
                .add(Condition::all().add(C::MetAt.is_not_null()).add(C::MetAt.gt(as_of))),
        )
    }

    /// Each partner's follow-through, counted per organisation in the database.
    pub async fn partner_backing(
        &self,
        network_id: Uuid,
        as_of: DateTime<Utc>,
        scope: &HealthScope,
    ) -> AppResult<Vec<PartnerBacking>> {
        use ratification::Column as R;
        let tx = self.tx()?;
        let in_play = self.ratifications_in_play(network_id, as_of, scope);
        let per_organisation = |select: Select<ratification::Entity>| {
            select
                .select_only()
                .column(R::OrganisationId)
                .column_as(Expr::col(R::Id).count(), "n")
                .group_by(R::OrganisationId)
                .into_tuple::<(Uuid, i64)>()
        };
        let involved = per_organisation(in_play.clone()).all(&*tx).await.context("counting involvement")?;
        let outcomes: Vec<(Uuid, Option<RatificationOutcome>, i64)> = in_play
            .clone()
            .select_only()
            .column(R::OrganisationId)
            .column(R::Outcome)
            .column_as(Expr::col(R::Id).count(), "n")
            .filter(R::RecordedAt.lte(as_of))
            .group_by(R::OrganisationId)
            .group_by(R::Outcome)
            .into_tuple()
            .all(&*tx)
            .await
            .context("counting outcomes")?;
        let recent_rejections = self.rejected_recently_by_organisation(network_id, as_of, scope).await?;
        let overdue = per_organisation(
            self.waiting_ratifications(network_id, as_of, scope).filter(R::DueOn.lt(as_of.date_naive())),
        )
        .all(&*tx)
        .await
        .context("counting overdue ratifications")?;
        let conditions: Vec<(Uuid, i64)> = self
            .open_conditions_query(network_id, as_of, scope)
            .select_only()
            .column(ratification_condition::Column::OrganisationId)
            .column_as(Expr::col(ratification_condition::Column::Id).count(), "n")
            .group_by(ratification_condition::Column::OrganisationId)
            .into_tuple()
            .all(&*tx)
            .await
            .context("counting open conditions")?;

        let of = |rows: &[(Uuid, i64)], organisation: Uuid| {
            rows.iter().find(|(o, _)| *o == organisation).map(|(_, n)| *n as u64).unwrap_or(0)
        };
        let outcome = |organisation: Uuid, wanted: &[RatificationOutcome]| -> u64 {
            outcomes
                .iter()
                .filter(|(o, out, _)| *o == organisation && out.is_some_and(|out| wanted.contains(&out)))
                .map(|(_, _, n)| *n as u64)
                .sum()
        };
        let mut partners: Vec<PartnerBacking> = involved
            .iter()
            .map(|(organisation_id, n)| PartnerBacking {
                organisation_id: *organisation_id,
                involved: *n as u64,
                answered: outcomes
                    .iter()
                    .filter(|(o, out, _)| o == organisation_id && out.is_some())
                    .map(|(_, _, n)| *n as u64)
                    .sum(),
                approved: outcome(
                    *organisation_id,
                    &[RatificationOutcome::Approved, RatificationOutcome::ApprovedWithConditions],
                ),
                rejected: outcome(*organisation_id, &[RatificationOutcome::Rejected]),
                rejected_recently: of(&recent_rejections, *organisation_id),
                overdue: of(&overdue, *organisation_id),
                open_conditions: of(&conditions, *organisation_id),
            })
            .collect();
        partners.sort_by_key(|p| p.organisation_id);
        Ok(partners)
    }

    /// Each organisation's rejections in the look-back window (read from
    /// history: the window holds months, not the whole record).
    pub async fn rejected_recently_by_organisation(
        &self,
        network_id: Uuid,
        as_of: DateTime<Utc>,
        scope: &HealthScope,
    ) -> AppResult<Vec<(Uuid, i64)>> {
        use ratification::Column as R;
        let tx = self.tx()?;
        let since = days_before(as_of, RECENT_DAYS)?.date_naive();
        self.ratifications_in_play(network_id, as_of, scope)
            .select_only()
            .column(R::OrganisationId)
            .column_as(Expr::col(R::Id).count(), "n")
            .filter(R::Outcome.eq(RatificationOutcome::Rejected))
            .filter(R::RecordedAt.lte(as_of))
            .filter(R::DecidedOn.gt(since))
            .group_by(R::OrganisationId)
            .into_tuple::<(Uuid, i64)>()
            .all(&*tx)
            .await
            .context("counting recent rejections")
    }

    /// Open commitments by scope at `as_of`.
    pub async fn open_by_scope(&self, network_id: Uuid, as_of: DateTime<Utc>) -> AppResult<ScopeCounts> {
        let tx = self.tx()?;
        use commitment::Column as C;
        let by_scope: Vec<(CommitmentScope, i64)> = self
            .open_commitments(network_id, as_of)
            .select_only()
            .column(C::Scope)
            .column_as(Expr::col(C::Id).count(), "n")
            .group_by(C::Scope)
            .into_tuple()
            .all(&*tx)
            .await
            .context("counting open commitments by scope")?;
        let mut scopes = ScopeCounts::default();
        for (scope, n) in by_scope {
            let n = n as u64;
            match scope {
                CommitmentScope::Organisation => scopes.organisation = n,
                CommitmentScope::Coalition => scopes.coalition = n,
                CommitmentScope::Network => scopes.network = n,
            }
        }
        Ok(scopes)
    }

    /// Quick wins delivered in the window, and the last quick win delivered:
    /// the newest delivery and the window's, read by delivery time.
    pub async fn quick_wins(&self, network_id: Uuid, as_of: DateTime<Utc>) -> AppResult<(u64, Option<DateTime<Utc>>)> {
        let tx = self.tx()?;
        use commitment::Column as C;
        let delivered_quick_wins = self
            .in_network::<commitment::Entity>(C::NetworkId, network_id)
            .filter(C::Kind.eq(CommitmentKind::QuickWin))
            .filter(C::DeliveredAt.lte(as_of));
        let window_start = days_before(as_of, QUICK_WIN_WINDOW_DAYS)?;
        let last = self.last_quick_win(network_id, as_of).await?;
        let recent = match last {
            Some(last) if last > window_start => delivered_quick_wins
                .filter(C::DeliveredAt.gt(window_start))
                .count(&*tx)
                .await
                .context("counting recent quick wins")?,
            _ => 0,
        };
        Ok((recent, last))
    }

    pub async fn open_without_goal(&self, network_id: Uuid, as_of: DateTime<Utc>) -> AppResult<Sample> {
        let open = self.open_commitments(network_id, as_of).filter(commitment::Column::GoalId.is_null());
        self.sample(open, commitment::Column::Id).await
    }

    pub async fn needing_replanning(&self, network_id: Uuid, as_of: DateTime<Utc>) -> AppResult<Sample> {
        let open = self.open_commitments(network_id, as_of).filter(commitment::Column::NeedsReplanning.eq(true));
        self.sample(open, commitment::Column::Id).await
    }

    /// The goals that existed for the whole look-back window, in id order.
    pub async fn goals_created_by(&self, network_id: Uuid, since: DateTime<Utc>) -> AppResult<Vec<Uuid>> {
        let tx = self.tx()?;
        self.in_network::<goal::Entity>(goal::Column::NetworkId, network_id)
            .select_only()
            .column(goal::Column::Id)
            .filter(goal::Column::CreatedAt.lte(since))
            .order_by_asc(goal::Column::Id)
            .into_tuple()
            .all(&*tx)
            .await
            .context("listing goals")
    }

    /// The last quick win delivered by `as_of`.
    pub async fn last_quick_win(&self, network_id: Uuid, as_of: DateTime<Utc>) -> AppResult<Option<DateTime<Utc>>> {
        let tx = self.tx()?;
        use commitment::Column as C;
        Ok(self
            .in_network::<commitment::Entity>(C::NetworkId, network_id)
            .select_only()
            .column(C::DeliveredAt)
            .filter(C::Kind.eq(CommitmentKind::QuickWin))
            .filter(C::DeliveredAt.lte(as_of))
            .order_by_desc(C::DeliveredAt)
            .limit(1)
            .into_tuple::<Option<DateTime<Utc>>>()
            .one(&*tx)
            .await
            .context("finding the last quick win")?
            .flatten())
    }

    /// Goals that existed for the whole look-back window without a commitment
    /// of theirs delivered in it.
    pub async fn goals_without_recent_result(&self, network_id: Uuid, as_of: DateTime<Utc>) -> AppResult<Sample> {
        let since = days_before(as_of, RECENT_DAYS)?;
        let with_result = self
            .in_network::<commitment::Entity>(commitment::Column::NetworkId, network_id)
            .select_only()
            .column(commitment::Column::GoalId)
            .filter(commitment::Column::GoalId.is_not_null())
            .filter(commitment::Column::DeliveredAt.gt(since))
            .filter(commitment::Column::DeliveredAt.lte(as_of))
            .into_query();
        let goals = self
            .in_network::<goal::Entity>(goal::Column::NetworkId, network_id)
            .filter(goal::Column::CreatedAt.lte(since))
            .filter(goal::Column::Id.not_in_subquery(with_result));
        self.sample(goals, goal::Column::Id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_look_back_from_the_first_moment_is_bad_input_not_a_panic() {
        let error = days_before(DateTime::<Utc>::MIN_UTC, RECENT_DAYS).expect_err("before the first moment");
        assert_eq!(error.code(), "BAD_USER_INPUT");
        let at = DateTime::<Utc>::MIN_UTC + Duration::days(RECENT_DAYS);
        assert_eq!(days_before(at, RECENT_DAYS).ok(), Some(DateTime::<Utc>::MIN_UTC));
    }
}
