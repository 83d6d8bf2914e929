//! The network's timeline: its events, newest first.

use entity::{event, event_organisation};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::{Direction, Page, PageRequest, Store, visibility};
use crate::domain::AppResult;
use crate::domain::events::EventKind;
use crate::errors::Context;

/// Kinds whose mere existence is internal to the organisation concerned:
/// a consultation input is for the organisation's own people (and the
/// network's facilitators, who see counts).
const INTERNAL_KINDS: [EventKind; 1] = [EventKind::ConsultationInputAdded];

impl Store {
    pub async fn timeline_page(
        &self,
        network_id: Uuid,
        kinds: &[String],
        organisation_id: Option<Uuid>,
        page: PageRequest,
    ) -> AppResult<Page<event::Model>> {
        let mut query = self.visible_network_events(network_id);
        if !kinds.is_empty() {
            query = query.filter(event::Column::Kind.is_in(kinds.iter().cloned()));
        }
        if let Some(organisation_id) = organisation_id {
            query = query.filter(event::Column::Id.in_subquery(self.events_of_organisations(vec![organisation_id])));
        }
        self.keyset_page_in(query, event::Column::Id, page, Direction::NewestFirst).await
    }

    /// One event of a network, if the actor may see it on the network's
    /// timeline: what subscriptions and webhooks deliver is decided here, by
    /// the timeline's own rule.
    pub async fn visible_network_event(&self, network_id: Uuid, event_id: Uuid) -> AppResult<Option<event::Model>> {
        let tx = self.tx()?;
        self.visible_network_events(network_id)
            .filter(event::Column::Id.eq(event_id))
            .one(&*tx)
            .await
            .context("loading an event")
    }

    /// An event by its id alone, if it is a network event the actor may see
    /// on that network's timeline (`node(id:)`); any other event is `None`.
    pub async fn visible_event(&self, event_id: Uuid) -> AppResult<Option<event::Model>> {
        let tx = self.tx()?;
        let found = self
            .scoped::<event::Entity>()
            .filter(event::Column::Id.eq(event_id))
            .one(&*tx)
            .await
            .context("looking up an event")?;
        match found.and_then(|event| event.network_id) {
            Some(network_id) => self.visible_network_event(network_id, event_id).await,
            None => Ok(None),
        }
    }

    /// The events of a network the actor may see: the network's own
    /// visibility, and internal kinds only for the organisations concerned,
    /// the network's facilitators and admins.
    fn visible_network_events(&self, network_id: Uuid) -> sea_orm::Select<event::Entity> {
        let actor = self.actor();
        let mut query = self
            .scoped::<event::Entity>()
            .filter(event::Column::NetworkId.eq(network_id))
            .filter(visibility::in_network_column(&actor, event::Column::NetworkId));
        if !actor.is_admin() && !actor.facilitates(network_id) {
            let internal: Vec<&str> = INTERNAL_KINDS.iter().map(|k| k.wire_name()).collect();
            query = query.filter(
                Condition::any()
                    .add(event::Column::Kind.is_not_in(internal))
                    .add(event::Column::Id.in_subquery(self.events_of_organisations(actor.organisation_ids()))),
            );
        }
        query
    }

    fn events_of_organisations(&self, ids: Vec<Uuid>) -> sea_orm::sea_query::SelectStatement {
        Query::select()
            .column(event_organisation::Column::EventId)
            .from(event_organisation::Entity)
            .and_where(event_organisation::Column::TenantId.eq(self.tenant_id()))
            .and_where(event_organisation::Column::OrganisationId.is_in(ids))
            .to_owned()
    }

    /// The organisations the given events concern.
    pub async fn event_organisations(&self, event_ids: &[Uuid]) -> AppResult<Vec<event_organisation::Model>> {
        let tx = self.tx()?;
        self.scoped::<event_organisation::Entity>()
            .filter(event_organisation::Column::EventId.is_in(event_ids.iter().copied()))
            .order_by_asc(event_organisation::Column::OrganisationId)
            .all(&*tx)
            .await
            .context("loading events' organisations")
    }
}
