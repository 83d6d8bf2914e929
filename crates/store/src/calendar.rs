//! Calendar feeds: the feed rows themselves, and the reads a feed is built
//! from. Every read starts in `Store::visible`, as the feed's owner: a feed
//! holds nothing its owner could not read through the API at that moment.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    CommitmentStatus, RatificationStatus, alignment_invitee, alignment_round, calendar_feed, commitment,
    commitment_party, meeting, ratification,
};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use super::Store;
use crate::domain::AppResult;
use crate::errors::Context;

/// At most this many entries of each kind in one feed: a calendar shows the
/// near past and the future, and a feed that grew with the whole history
/// would slow every client that polls it.
pub const PER_KIND: u64 = 500;

impl Store {
    /// Keeps a new feed of `person_id`; only the hash of its secret.
    pub async fn insert_calendar_feed(
        &self,
        person_id: Uuid,
        name: &str,
        token_hash: &str,
    ) -> AppResult<calendar_feed::Model> {
        let tx = self.tx()?;
        calendar_feed::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(self.tenant_id()),
            person_id: Set(person_id),
            name: Set(name.to_owned()),
            token_hash: Set(token_hash.to_owned()),
            created_at: Set(self.now()),
            revoked_at: Set(None),
        }
        .insert(&*tx)
        .await
        .context("keeping the calendar feed")
    }

    /// The feeds of `person_id` the actor sees, newest first.
    pub async fn calendar_feeds_of(&self, person_id: Uuid) -> AppResult<Vec<calendar_feed::Model>> {
        let tx = self.tx()?;
        self.visible::<calendar_feed::Entity>()
            .filter(calendar_feed::Column::PersonId.eq(person_id))
            .order_by_desc(calendar_feed::Column::Id)
            .all(&*tx)
            .await
            .context("loading calendar feeds")
    }

    /// One feed the actor sees; NOT_FOUND otherwise.
    pub async fn calendar_feed(&self, id: Uuid) -> AppResult<calendar_feed::Model> {
        self.fetch_one::<calendar_feed::Entity>(id).await
    }

    /// Stamps a feed revoked.
    pub async fn revoke_calendar_feed(&self, feed: calendar_feed::Model) -> AppResult<calendar_feed::Model> {
        let tx = self.tx()?;
        let mut active: calendar_feed::ActiveModel = feed.into();
        active.revoked_at = Set(Some(self.now()));
        active.update(&*tx).await.context("revoking the calendar feed")
    }

    /// Revokes every live feed of `person_id`, whoever the actor sees:
    /// anonymising a person ends what their URLs show (tenant scope only).
    pub async fn revoke_calendar_feeds_of(&self, person_id: Uuid) -> AppResult<u64> {
        let tx = self.tx()?;
        let result = calendar_feed::Entity::update_many()
            .col_expr(calendar_feed::Column::RevokedAt, Expr::value(self.now()))
            .filter(calendar_feed::Column::TenantId.eq(self.tenant_id()))
            .filter(calendar_feed::Column::PersonId.eq(person_id))
            .filter(calendar_feed::Column::RevokedAt.is_null())
            .exec(&*tx)
            .await
            .context("revoking the person's calendar feeds")?;
        Ok(result.rows_affected)
    }

    /// Meetings of `network_ids` on or after `since`, whatever their status
    /// (planned, held or cancelled), soonest first.
    pub async fn calendar_meetings(&self, network_ids: &[Uuid], since: NaiveDate) -> AppResult<Vec<meeting::Model>> {
        let tx = self.tx()?;
        self.visible::<meeting::Entity>()
            .filter(meeting::Column::NetworkId.is_in(network_ids.iter().copied()))
            .filter(meeting::Column::HeldOn.gte(since))
            .order_by_asc(meeting::Column::HeldOn)
            .order_by_asc(meeting::Column::Id)
            .limit(PER_KIND)
            .all(&*tx)
            .await
            .context("loading the feed's meetings")
    }

    /// The ratifications of `organisation_ids` in consultation (the window in
    /// which the constituency is heard), oldest first.
    pub async fn consulting_ratifications_of(&self, organisation_ids: &[Uuid]) -> AppResult<Vec<ratification::Model>> {
        let tx = self.tx()?;
        self.visible::<ratification::Entity>()
            .filter(ratification::Column::WithdrawnAt.is_null())
            .filter(ratification::Column::OrganisationId.is_in(organisation_ids.iter().copied()))
            .filter(ratification::Column::Status.eq(RatificationStatus::Consulting))
            .filter(ratification::Column::ConsultationStartedAt.is_not_null())
            .order_by_asc(ratification::Column::Id)
            .limit(PER_KIND)
            .all(&*tx)
            .await
            .context("loading the feed's consultations")
    }

    /// Alignment rounds `person_id` is invited to that close at or after
    /// `since`, soonest first.
    pub async fn rounds_inviting(
        &self,
        person_id: Uuid,
        since: DateTime<Utc>,
    ) -> AppResult<Vec<alignment_round::Model>> {
        let tx = self.tx()?;
        let invited = Query::select()
            .column(alignment_invitee::Column::RoundId)
            .from(alignment_invitee::Entity)
            .and_where(alignment_invitee::Column::TenantId.eq(self.tenant_id()))
            .and_where(alignment_invitee::Column::PersonId.eq(person_id))
            .to_owned();
        self.visible::<alignment_round::Entity>()
            .filter(alignment_round::Column::Id.in_subquery(invited))
            .filter(alignment_round::Column::ClosesAt.gte(since))
            .order_by_asc(alignment_round::Column::ClosesAt)
            .limit(PER_KIND)
            .all(&*tx)
            .await
            .context("loading the feed's alignment rounds")
    }

    /// Commitments still to deliver in which one of `organisation_ids` is a
    /// party, soonest due first.
    pub async fn open_commitments_of(&self, organisation_ids: &[Uuid]) -> AppResult<Vec<commitment::Model>> {
        let tx = self.tx()?;
        let parties = Query::select()
            .column(commitment_party::Column::CommitmentId)
            .from(commitment_party::Entity)
            .and_where(commitment_party::Column::TenantId.eq(self.tenant_id()))
            .and_where(commitment_party::Column::OrganisationId.is_in(organisation_ids.iter().copied()))
            .and_where(commitment_party::Column::RemovedAt.is_null())
            .to_owned();
        self.visible::<commitment::Entity>()
            .filter(commitment::Column::Id.in_subquery(parties))
            .filter(commitment::Column::Status.is_in([
                CommitmentStatus::Proposed,
                CommitmentStatus::Agreed,
                CommitmentStatus::InProgress,
            ]))
            .order_by_asc(commitment::Column::DueOn)
            .order_by_asc(commitment::Column::Id)
            .limit(PER_KIND)
            .all(&*tx)
            .await
            .context("loading the feed's commitments")
    }
}

impl Store {
    /// Which of `round_ids` `person_id` has answered.
    pub async fn rounds_answered_by(&self, person_id: Uuid, round_ids: &[Uuid]) -> AppResult<Vec<Uuid>> {
        let tx = self.tx()?;
        self.scoped::<entity::alignment_response::Entity>()
            .select_only()
            .column(entity::alignment_response::Column::RoundId)
            .filter(entity::alignment_response::Column::PersonId.eq(person_id))
            .filter(entity::alignment_response::Column::RoundId.is_in(round_ids.iter().copied()))
            .into_tuple::<Uuid>()
            .all(&*tx)
            .await
            .context("loading the rounds the person answered")
    }
}
