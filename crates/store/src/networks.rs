//! Networks, facilitators, charter versions, partnerships, representations and
//! expectations.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{
    ExpectationKind, NetworkStatus, PartnershipStatus, charter_version, expectation, network, network_facilitator,
    organisation, partnership, position, representation,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, SqlErr};
use uuid::Uuid;

use super::{Page, PageRequest, Store, visibility};
use crate::domain::values::{Name, Text};
use crate::domain::{AppError, AppResult};
use crate::errors::Context;

/// Changes to a network's own fields; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct NetworkChanges {
    pub name: Option<Name>,
    pub purpose: Option<Text>,
    pub status: Option<NetworkStatus>,
    pub settings: Option<serde_json::Value>,
}

impl Store {
    pub async fn networks_page(
        &self,
        status: Option<NetworkStatus>,
        page: PageRequest,
    ) -> AppResult<Page<network::Model>> {
        let mut query = self.visible::<network::Entity>();
        if let Some(status) = status {
            query = query.filter(network::Column::Status.eq(status));
        }
        self.keyset_page(query, network::Column::Id, page).await
    }

    pub async fn networks_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<network::Model>> {
        self.fetch_by_ids::<network::Entity>(ids).await
    }

    /// One visible network, or NOT_FOUND.
    pub async fn network(&self, id: Uuid) -> AppResult<network::Model> {
        self.fetch_one::<network::Entity>(id).await
    }

    pub async fn insert_network(
        &self,
        name: Name,
        purpose: Text,
        settings: serde_json::Value,
    ) -> AppResult<network::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let model = network::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            name: name.into_inner(),
            purpose: purpose.into_inner(),
            status: NetworkStatus::Active,
            settings,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        network::Entity::insert(network::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("inserting a network")?;
        self.mark_health_built(model.id).await?;
        Ok(model)
    }

    /// Applies `changes` if `expected_version` is current; CONFLICT otherwise.
    pub async fn update_network(
        &self,
        id: Uuid,
        expected_version: Option<i32>,
        changes: NetworkChanges,
    ) -> AppResult<network::Model> {
        let tx = self.tx()?;
        let mut update = network::Entity::update_many()
            .col_expr(network::Column::Version, Expr::col(network::Column::Version).add(1))
            .col_expr(network::Column::UpdatedAt, Expr::value(self.now()));
        if let Some(name) = changes.name {
            update = update.col_expr(network::Column::Name, Expr::value(name.into_inner()));
        }
        if let Some(purpose) = changes.purpose {
            update = update.col_expr(network::Column::Purpose, Expr::value(purpose.into_inner()));
        }
        if let Some(status) = changes.status {
            update = update.col_expr(network::Column::Status, Expr::value(status));
        }
        if let Some(settings) = changes.settings {
            update = update.col_expr(network::Column::Settings, Expr::value(settings));
        }
        let mut update =
            update.filter(network::Column::TenantId.eq(self.tenant_id())).filter(network::Column::Id.eq(id));
        if let Some(expected) = expected_version {
            update = update.filter(network::Column::Version.eq(expected));
        }
        let result = update.exec(&*tx).await.context("updating a network")?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict(
                "the network was changed by someone else since you read it; reload and try again",
            ));
        }
        self.network(id).await
    }

    pub async fn add_facilitator(&self, network_id: Uuid, person_id: Uuid) -> AppResult<()> {
        let tx = self.tx()?;
        let inserted = network_facilitator::Entity::insert(network_facilitator::ActiveModel {
            network_id: Set(network_id),
            person_id: Set(person_id),
            tenant_id: Set(self.tenant_id()),
            assigned_at: Set(self.now()),
        })
        .exec_without_returning(&*tx)
        .await;
        match inserted {
            Ok(_) => self.actor_changed(self.actor().person_id == Some(person_id)).await,
            Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                Err(AppError::conflict("this person already facilitates the network"))
            }
            Err(error) => Err(AppError::Internal(anyhow::Error::new(error).context("adding a facilitator"))),
        }
    }

    /// (network id, person id) of the facilitators of the given networks.
    pub async fn facilitators_of(&self, network_ids: &[Uuid]) -> AppResult<Vec<(Uuid, Uuid)>> {
        let tx = self.tx()?;
        self.scoped::<network_facilitator::Entity>()
            .select_only()
            .column(network_facilitator::Column::NetworkId)
            .column(network_facilitator::Column::PersonId)
            .filter(network_facilitator::Column::NetworkId.is_in(network_ids.iter().copied()))
            .filter(visibility::in_network_column(&self.actor(), network_facilitator::Column::NetworkId))
            .order_by_asc(network_facilitator::Column::AssignedAt)
            .into_tuple()
            .all(&*tx)
            .await
            .context("loading facilitators")
    }

    /// All charter versions of the given networks, oldest first.
    pub async fn charter_versions_of(&self, network_ids: &[Uuid]) -> AppResult<Vec<charter_version::Model>> {
        let tx = self.tx()?;
        self.visible::<charter_version::Entity>()
            .filter(charter_version::Column::NetworkId.is_in(network_ids.iter().copied()))
            .order_by_asc(charter_version::Column::Version)
            .all(&*tx)
            .await
            .context("loading charter versions")
    }

    pub async fn charter_versions_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<charter_version::Model>> {
        self.fetch_by_ids::<charter_version::Entity>(ids).await
    }

    /// The number of the network's current charter version, if it has one.
    pub async fn current_charter_version(&self, network_id: Uuid) -> AppResult<Option<i32>> {
        let tx = self.tx()?;
        // A rule's check: the version the next one follows.
        Ok(self
            .tenant_only::<charter_version::Entity>()
            .select_only()
            .column_as(charter_version::Column::Version.max(), "version")
            .filter(charter_version::Column::NetworkId.eq(network_id))
            .into_tuple::<Option<i32>>()
            .one(&*tx)
            .await
            .context("reading the current charter version")?
            .flatten())
    }

    pub async fn insert_charter_version(
        &self,
        network_id: Uuid,
        version: i32,
        goals: Text,
        working_agreements: Text,
    ) -> AppResult<charter_version::Model> {
        let tx = self.tx()?;
        let model = charter_version::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            network_id,
            version,
            goals: goals.into_inner(),
            working_agreements: working_agreements.into_inner(),
            adopted_at: self.now(),
            adopted_by: Some(self.actor().person()?),
        };
        let inserted = charter_version::Entity::insert(charter_version::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await;
        match inserted {
            Ok(_) => {
                // The charter version is a term of every dossier: decisions
                // taken on the previous one no longer cover what the
                // commitment now rests on.
                self.touch_decided_on_dossiers(network_id).await?;
                Ok(model)
            }
            Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                Err(AppError::conflict("another charter version was adopted at the same time; reload and try again"))
            }
            Err(error) => Err(AppError::Internal(anyhow::Error::new(error).context("inserting a charter version"))),
        }
    }

    pub async fn partnerships_page_of_network(
        &self,
        network_id: Uuid,
        statuses: &[PartnershipStatus],
        page: PageRequest,
    ) -> AppResult<Page<partnership::Model>> {
        self.keyset_page(self.partnerships_of_network(network_id, statuses), partnership::Column::Id, page).await
    }

    /// A network's visible partnerships in the given statuses (all when empty).
    fn partnerships_of_network(
        &self,
        network_id: Uuid,
        statuses: &[PartnershipStatus],
    ) -> sea_orm::Select<partnership::Entity> {
        self.partnerships_in(statuses).filter(partnership::Column::NetworkId.eq(network_id))
    }

    /// Visible partnerships in the given statuses (all when empty).
    fn partnerships_in(&self, statuses: &[PartnershipStatus]) -> sea_orm::Select<partnership::Entity> {
        let query = self.visible::<partnership::Entity>();
        if statuses.is_empty() {
            return query;
        }
        query.filter(partnership::Column::Status.is_in(statuses.iter().copied()))
    }

    /// The first page of partnerships of each of several networks, in one statement.
    pub async fn partnerships_first_pages(
        &self,
        network_ids: &[Uuid],
        statuses: &[PartnershipStatus],
        first: u64,
    ) -> AppResult<HashMap<Uuid, Page<partnership::Model>>> {
        let query = self.partnerships_in(statuses);
        self.keyset_first_pages(
            query,
            partnership::Column::NetworkId,
            partnership::Column::Id,
            network_ids,
            first,
            |p| p.network_id,
        )
        .await
    }

    /// [`Self::partnerships_page_of_network`] with each partner organisation,
    /// in one statement (`None` where it may not be seen).
    pub async fn partnerships_page_with_organisations(
        &self,
        network_id: Uuid,
        statuses: &[PartnershipStatus],
        page: PageRequest,
    ) -> AppResult<Page<(partnership::Model, Option<organisation::Model>)>> {
        let query = self.partnerships_of_network(network_id, statuses);
        self.keyset_page_joined(query, partnership::Column::Id, page, |query| {
            self.join_scoped::<_, organisation::Entity>(
                query,
                partnership::Column::OrganisationId,
                organisation::Column::Id,
                visibility::organisations(&self.actor()),
            )
        })
        .await
    }

    /// Every partnership of one organisation, as far as visible, oldest first.
    pub async fn partnerships_of_organisations(&self, organisation_ids: &[Uuid]) -> AppResult<Vec<partnership::Model>> {
        let tx = self.tx()?;
        self.visible::<partnership::Entity>()
            .filter(partnership::Column::OrganisationId.is_in(organisation_ids.iter().copied()))
            .order_by_asc(partnership::Column::Id)
            .all(&*tx)
            .await
            .context("loading partnerships of organisations")
    }

    pub async fn partnerships_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<partnership::Model>> {
        self.fetch_by_ids::<partnership::Entity>(ids).await
    }

    pub async fn partnership(&self, id: Uuid) -> AppResult<partnership::Model> {
        self.fetch_one::<partnership::Entity>(id).await
    }

    /// The organisation's INVITED or ACTIVE partnership in the network, if any.
    pub async fn open_partnership(
        &self,
        network_id: Uuid,
        organisation_id: Uuid,
    ) -> AppResult<Option<partnership::Model>> {
        let tx = self.tx()?;
        // A rule's check: one open partnership per organisation and network.
        self.tenant_only::<partnership::Entity>()
            .filter(partnership::Column::NetworkId.eq(network_id))
            .filter(partnership::Column::OrganisationId.eq(organisation_id))
            .filter(partnership::Column::Status.is_in([PartnershipStatus::Invited, PartnershipStatus::Active]))
            .one(&*tx)
            .await
            .context("looking up an open partnership")
    }

    /// Organisation ids of the network's partners in the given statuses.
    pub async fn partner_organisation_ids(
        &self,
        network_id: Uuid,
        statuses: &[PartnershipStatus],
    ) -> AppResult<Vec<(Uuid, Uuid)>> {
        let tx = self.tx()?;
        // For the rules (parties, invitees), not shown as such.
        self.tenant_only::<partnership::Entity>()
            .select_only()
            .column(partnership::Column::Id)
            .column(partnership::Column::OrganisationId)
            .filter(partnership::Column::NetworkId.eq(network_id))
            .filter(partnership::Column::Status.is_in(statuses.iter().copied()))
            .order_by_asc(partnership::Column::Id)
            .into_tuple()
            .all(&*tx)
            .await
            .context("loading a network's partners")
    }

    pub async fn insert_partnership(&self, network_id: Uuid, organisation_id: Uuid) -> AppResult<partnership::Model> {
        let tx = self.tx()?;
        let model = partnership::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            network_id,
            organisation_id,
            status: PartnershipStatus::Invited,
            invited_at: self.now(),
            joined_on: None,
            left_on: None,
            left_reason: None,
            acknowledged_charter_version: None,
            acknowledged_at: None,
        };
        partnership::Entity::insert(partnership::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("inserting a partnership")?;
        self.actor_changed(self.actor().organisation_ids().contains(&organisation_id)).await?;
        Ok(model)
    }

    /// Moves a partnership from one of `from` to `to`, as one compare-and-set:
    /// two concurrent accepts cannot both succeed.
    pub async fn transition_partnership(
        &self,
        id: Uuid,
        from: &[PartnershipStatus],
        to: PartnershipStatus,
        day: NaiveDate,
        reason: Option<Text>,
    ) -> AppResult<partnership::Model> {
        let tx = self.tx()?;
        let mut update = partnership::Entity::update_many().col_expr(partnership::Column::Status, Expr::value(to));
        update = match to {
            PartnershipStatus::Active => update.col_expr(partnership::Column::JoinedOn, Expr::value(day)),
            PartnershipStatus::Left => update
                .col_expr(partnership::Column::LeftOn, Expr::value(day))
                .col_expr(partnership::Column::LeftReason, Expr::value(reason.map(Text::into_inner))),
            PartnershipStatus::Invited => update,
        };
        let result = update
            .filter(partnership::Column::TenantId.eq(self.tenant_id()))
            .filter(partnership::Column::Id.eq(id))
            .filter(partnership::Column::Status.is_in(from.iter().copied()))
            .exec(&*tx)
            .await
            .context("changing a partnership's status")?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict("the partnership is not in a state that allows this"));
        }
        let partnership = self.partnership(id).await?;
        let own = self.actor().organisation_ids().contains(&partnership.organisation_id);
        self.actor_changed(own && to != PartnershipStatus::Left).await?;
        Ok(partnership)
    }

    pub async fn acknowledge_for_partner(&self, partnership_id: Uuid, version: i32) -> AppResult<()> {
        let tx = self.tx()?;
        partnership::Entity::update_many()
            .col_expr(partnership::Column::AcknowledgedCharterVersion, Expr::value(version))
            .col_expr(partnership::Column::AcknowledgedAt, Expr::value(self.now()))
            .filter(partnership::Column::TenantId.eq(self.tenant_id()))
            .filter(partnership::Column::Id.eq(partnership_id))
            .exec(&*tx)
            .await
            .context("acknowledging the charter for a partner")?;
        Ok(())
    }

    pub async fn acknowledge_personally(&self, representation_id: Uuid, version: i32) -> AppResult<()> {
        let tx = self.tx()?;
        representation::Entity::update_many()
            .col_expr(representation::Column::AcknowledgedCharterVersion, Expr::value(version))
            .col_expr(representation::Column::AcknowledgedAt, Expr::value(self.now()))
            .filter(representation::Column::TenantId.eq(self.tenant_id()))
            .filter(representation::Column::Id.eq(representation_id))
            .exec(&*tx)
            .await
            .context("acknowledging the charter personally")?;
        Ok(())
    }

    /// Representations of the given partnerships, as far as visible, oldest first.
    pub async fn representations_of(
        &self,
        partnership_ids: &[Uuid],
        current_only: bool,
    ) -> AppResult<Vec<representation::Model>> {
        let tx = self.tx()?;
        let mut query = self
            .visible::<representation::Entity>()
            .filter(representation::Column::PartnershipId.is_in(partnership_ids.iter().copied()));
        if current_only {
            query = query.filter(visibility::representation_current(self.actor().today));
        }
        query.order_by_asc(representation::Column::Id).all(&*tx).await.context("loading representations")
    }

    pub async fn representations_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<representation::Model>> {
        self.fetch_by_ids::<representation::Entity>(ids).await
    }

    /// Current representations of a partnership, whatever the viewer may see
    /// (used by the rules, not returned as such).
    pub async fn current_representations(&self, partnership_id: Uuid) -> AppResult<Vec<representation::Model>> {
        let tx = self.tx()?;
        self.tenant_only::<representation::Entity>()
            .filter(representation::Column::PartnershipId.eq(partnership_id))
            .filter(visibility::representation_current(self.actor().today))
            .all(&*tx)
            .await
            .context("loading current representations")
    }

    pub async fn end_representations(&self, ids: &[Uuid], ended_on: NaiveDate) -> AppResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let tx = self.tx()?;
        representation::Entity::update_many()
            .col_expr(representation::Column::EndedOn, Expr::value(ended_on))
            .filter(representation::Column::TenantId.eq(self.tenant_id()))
            .filter(representation::Column::Id.is_in(ids.iter().copied()))
            .exec(&*tx)
            .await
            .context("ending representations")?;
        Ok(())
    }

    pub async fn insert_representations(
        &self,
        partnership: &partnership::Model,
        person_ids: &[Uuid],
        started_on: NaiveDate,
    ) -> AppResult<()> {
        if person_ids.is_empty() {
            return Ok(());
        }
        let tx = self.tx()?;
        representation::Entity::insert_many(person_ids.iter().map(|person_id| representation::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(self.tenant_id()),
            network_id: Set(partnership.network_id),
            partnership_id: Set(partnership.id),
            organisation_id: Set(partnership.organisation_id),
            person_id: Set(*person_id),
            started_on: Set(started_on),
            ended_on: Set(None),
            acknowledged_charter_version: Set(None),
            acknowledged_at: Set(None),
        }))
        .exec_without_returning(&*tx)
        .await
        .context("inserting representations")?;
        self.actor_changed(self.actor().person_id.is_some_and(|me| person_ids.contains(&me))).await
    }

    /// Which of `person_ids` hold a current position in the organisation.
    pub async fn people_with_current_position(
        &self,
        organisation_id: Uuid,
        person_ids: &[Uuid],
    ) -> AppResult<Vec<Uuid>> {
        let tx = self.tx()?;
        // A rule's check: attendees and representatives hold a position.
        self.tenant_only::<position::Entity>()
            .select_only()
            .column(position::Column::PersonId)
            .distinct()
            .filter(position::Column::OrganisationId.eq(organisation_id))
            .filter(position::Column::PersonId.is_in(person_ids.iter().copied()))
            .filter(visibility::position_current(self.actor().today))
            .into_tuple::<Uuid>()
            .all(&*tx)
            .await
            .context("checking current positions")
    }

    pub async fn insert_expectation(
        &self,
        partnership: &partnership::Model,
        kind: ExpectationKind,
        text: Text,
    ) -> AppResult<expectation::Model> {
        let tx = self.tx()?;
        let model = expectation::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            network_id: partnership.network_id,
            partnership_id: partnership.id,
            organisation_id: partnership.organisation_id,
            kind,
            text: text.into_inner(),
            recorded_by: Some(self.actor().person()?),
            recorded_at: self.now(),
        };
        expectation::Entity::insert(expectation::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("inserting an expectation")?;
        Ok(model)
    }

    pub async fn expectations_of(&self, partnership_ids: &[Uuid]) -> AppResult<Vec<expectation::Model>> {
        let tx = self.tx()?;
        self.visible::<expectation::Entity>()
            .filter(expectation::Column::PartnershipId.is_in(partnership_ids.iter().copied()))
            .order_by_asc(expectation::Column::Id)
            .all(&*tx)
            .await
            .context("loading expectations")
    }

    pub async fn expectations_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<expectation::Model>> {
        self.fetch_by_ids::<expectation::Entity>(ids).await
    }
}
