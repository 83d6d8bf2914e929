//! The reads behind a person's digest: what moved since a moment in the
//! networks they see, and the conditions their organisations must meet.
//! Every read starts in `Store::visible`, as the person.

use chrono::{DateTime, Utc};
use entity::{ConditionStatus, commitment, ratification, ratification_condition};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use uuid::Uuid;

use super::Store;
use crate::domain::AppResult;
use crate::errors::Context;

/// At most this many lines of each kind: a digest is read, not searched.
pub const PER_KIND: u64 = 200;

impl Store {
    /// Commitments of `network_ids` agreed, delivered or dropped after `since`.
    pub async fn commitments_moved_since(
        &self,
        network_ids: &[Uuid],
        since: DateTime<Utc>,
    ) -> AppResult<Vec<commitment::Model>> {
        use commitment::Column as C;
        let tx = self.tx()?;
        self.visible::<commitment::Entity>()
            .filter(C::NetworkId.is_in(network_ids.iter().copied()))
            .filter(
                Condition::any().add(C::AgreedAt.gt(since)).add(C::DeliveredAt.gt(since)).add(C::DroppedAt.gt(since)),
            )
            .order_by_asc(C::Id)
            .limit(PER_KIND)
            .all(&*tx)
            .await
            .context("loading the commitments that moved")
    }

    /// Outcomes recorded after `since` in `network_ids`, still in play.
    pub async fn outcomes_recorded_since(
        &self,
        network_ids: &[Uuid],
        since: DateTime<Utc>,
    ) -> AppResult<Vec<ratification::Model>> {
        use ratification::Column as R;
        let tx = self.tx()?;
        self.visible::<ratification::Entity>()
            .filter(R::NetworkId.is_in(network_ids.iter().copied()))
            .filter(R::WithdrawnAt.is_null())
            .filter(R::Outcome.is_not_null())
            .filter(R::RecordedAt.gt(since))
            .order_by_asc(R::Id)
            .limit(PER_KIND)
            .all(&*tx)
            .await
            .context("loading the outcomes recorded")
    }

    /// Open conditions that `organisation_ids` must meet, with the
    /// ratification each belongs to (recorded, in play, visible).
    pub async fn conditions_to_meet(
        &self,
        organisation_ids: &[Uuid],
    ) -> AppResult<Vec<(ratification_condition::Model, ratification::Model)>> {
        use ratification::Column as R;
        let tx = self.tx()?;
        let ratifications = self
            .visible::<ratification::Entity>()
            .filter(R::WithdrawnAt.is_null())
            .filter(R::RecordedAt.is_not_null())
            .filter(R::OrganisationId.is_in(organisation_ids.iter().copied()));
        let ids = ratifications.clone().select_only().column(R::Id).into_query();
        let conditions = self
            .scoped::<ratification_condition::Entity>()
            .filter(ratification_condition::Column::Status.eq(ConditionStatus::Open))
            .filter(ratification_condition::Column::RatificationId.in_subquery(ids))
            .order_by_asc(ratification_condition::Column::Id)
            .limit(PER_KIND)
            .all(&*tx)
            .await
            .context("loading the conditions to meet")?;
        let owners = ratifications
            .filter(R::Id.is_in(conditions.iter().map(|c| c.ratification_id)))
            .all(&*tx)
            .await
            .context("loading the conditions' ratifications")?;
        Ok(conditions
            .into_iter()
            .filter_map(|c| {
                let owner = owners.iter().find(|r| r.id == c.ratification_id)?.clone();
                Some((c, owner))
            })
            .collect())
    }
}
