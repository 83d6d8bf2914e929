//! The reads the collaboration graph is made from (docs/collaboration.md):
//! a network's partnerships, its commitments proposed by a moment and their
//! parties, each as few columns as the graph needs, in three statements
//! whatever the network's size. Every read starts in `Store::visible`.

use chrono::{DateTime, NaiveDate, Utc};
use entity::{CommitmentScope, commitment, commitment_party, partnership};
use sea_orm::{ColumnTrait, ExprTrait, QueryFilter, QuerySelect, QueryTrait};
use uuid::Uuid;

use super::Store;
use crate::domain::AppResult;
use crate::errors::Context;

/// A commitment as the graph reads it: id, scope, delivered and dropped.
pub type CommitmentMoments = (Uuid, CommitmentScope, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// What the graph of a network at a moment is made from.
#[derive(Debug, Default)]
pub struct GraphFacts {
    /// The organisations that were ACTIVE partners on the moment's day.
    pub partners: Vec<Uuid>,
    pub commitments: Vec<CommitmentMoments>,
    /// (commitment, organisation) of the parties at the moment.
    pub parties: Vec<(Uuid, Uuid)>,
}

impl Store {
    pub async fn collaboration_facts(
        &self,
        network_id: Uuid,
        at: DateTime<Utc>,
        day: NaiveDate,
    ) -> AppResult<GraphFacts> {
        let tx = self.tx()?;
        let partners = self
            .visible::<partnership::Entity>()
            .filter(partnership::Column::NetworkId.eq(network_id))
            .filter(partnership::Column::JoinedOn.lte(day))
            .filter(partnership::Column::LeftOn.is_null().or(partnership::Column::LeftOn.gt(day)))
            .select_only()
            .column(partnership::Column::OrganisationId)
            .into_tuple::<Uuid>()
            .all(&*tx)
            .await
            .context("loading the graph's partners")?;
        let proposed = self
            .visible::<commitment::Entity>()
            .filter(commitment::Column::NetworkId.eq(network_id))
            .filter(commitment::Column::ProposedAt.lte(at));
        let commitments = proposed
            .clone()
            .select_only()
            .column(commitment::Column::Id)
            .column(commitment::Column::Scope)
            .column(commitment::Column::DeliveredAt)
            .column(commitment::Column::DroppedAt)
            .into_tuple::<CommitmentMoments>()
            .all(&*tx)
            .await
            .context("loading the graph's commitments")?;
        let ids = proposed.select_only().column(commitment::Column::Id).into_query();
        let parties = self
            .scoped::<commitment_party::Entity>()
            .filter(commitment_party::Column::CommitmentId.in_subquery(ids))
            .filter(commitment_party::Column::RemovedAt.is_null().or(commitment_party::Column::RemovedAt.gt(at)))
            .select_only()
            .column(commitment_party::Column::CommitmentId)
            .column(commitment_party::Column::OrganisationId)
            .into_tuple::<(Uuid, Uuid)>()
            .all(&*tx)
            .await
            .context("loading the graph's parties")?;
        Ok(GraphFacts { partners, commitments, parties })
    }
}
