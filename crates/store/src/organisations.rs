//! Organisations and their governing bodies.

use std::collections::HashSet;

use entity::{OrganisationKind, body_member, governing_body, organisation, position};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{Page, PageRequest, Store, visibility};
use crate::domain::governance::BodySpec;
use crate::domain::values::Name;
use crate::domain::{AppError, AppResult};
use crate::errors::Context;

/// A body in a `setGoverningBodies` request: an existing one (by id) to keep
/// and update, or a new one.
#[derive(Debug, Clone)]
pub struct BodyChange {
    pub id: Option<Uuid>,
    pub spec: BodySpec,
    pub member_ids: Vec<Uuid>,
}

impl Store {
    pub async fn organisations_page(&self, page: PageRequest) -> AppResult<Page<organisation::Model>> {
        self.keyset_page(self.visible::<organisation::Entity>(), organisation::Column::Id, page).await
    }

    pub async fn organisations_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<organisation::Model>> {
        self.fetch_by_ids::<organisation::Entity>(ids).await
    }

    /// One visible organisation, or NOT_FOUND (also when it exists but is hidden).
    pub async fn organisation(&self, id: Uuid) -> AppResult<organisation::Model> {
        self.fetch_one::<organisation::Entity>(id).await
    }

    /// An organisation of the tenant whether or not the viewer may see it yet:
    /// only for inviting it into a network, which is what makes it visible to
    /// the facilitator. Still tenant-scoped.
    pub async fn organisation_to_invite(&self, id: Uuid) -> AppResult<organisation::Model> {
        let tx = self.tx()?;
        self.tenant_only::<organisation::Entity>()
            .filter(organisation::Column::Id.eq(id))
            .one(&*tx)
            .await
            .context("looking up an organisation to invite")?
            .ok_or(AppError::NotFound("organisation"))
    }

    pub async fn insert_organisation(
        &self,
        name: Name,
        kind: OrganisationKind,
        bodies: &[BodySpec],
    ) -> AppResult<organisation::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let model = organisation::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            name: name.into_inner(),
            kind,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        organisation::Entity::insert(organisation::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("inserting an organisation")?;
        if !bodies.is_empty() {
            governing_body::Entity::insert_many(
                bodies.iter().map(|spec| self.new_body(Uuid::now_v7(), model.id, spec)),
            )
            .exec_without_returning(&*tx)
            .await
            .context("inserting default governing bodies")?;
        }
        Ok(model)
    }

    fn new_body(&self, id: Uuid, organisation_id: Uuid, spec: &BodySpec) -> governing_body::ActiveModel {
        governing_body::ActiveModel {
            id: Set(id),
            tenant_id: Set(self.tenant_id()),
            organisation_id: Set(organisation_id),
            name: Set(spec.name.clone()),
            kind: Set(spec.kind),
            right: Set(spec.right),
            response_days: Set(spec.response_days),
            retired_at: Set(None),
            created_at: Set(self.now()),
        }
    }

    /// Updates name and kind if `expected_version` is still current; CONFLICT
    /// otherwise, so concurrent edits never silently overwrite each other.
    pub async fn update_organisation(
        &self,
        id: Uuid,
        expected_version: i32,
        name: Option<Name>,
        kind: Option<OrganisationKind>,
    ) -> AppResult<organisation::Model> {
        let tx = self.tx()?;
        let mut update = organisation::Entity::update_many()
            .col_expr(organisation::Column::Version, Expr::col(organisation::Column::Version).add(1))
            .col_expr(organisation::Column::UpdatedAt, Expr::value(self.now()));
        if let Some(name) = name {
            update = update.col_expr(organisation::Column::Name, Expr::value(name.into_inner()));
        }
        if let Some(kind) = kind {
            update = update.col_expr(organisation::Column::Kind, Expr::value(kind));
        }
        let result = update
            .filter(organisation::Column::TenantId.eq(self.tenant_id()))
            .filter(organisation::Column::Id.eq(id))
            .filter(organisation::Column::Version.eq(expected_version))
            .exec(&*tx)
            .await
            .context("updating an organisation")?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict(format!(
                "the organisation was changed by someone else (expected version {expected_version}); reload and try again"
            )));
        }
        self.organisation(id).await
    }

    /// Active (not retired) bodies of the given organisations, as far as visible.
    pub async fn bodies_of(&self, organisation_ids: &[Uuid]) -> AppResult<Vec<governing_body::Model>> {
        let tx = self.tx()?;
        self.visible::<governing_body::Entity>()
            .filter(governing_body::Column::OrganisationId.is_in(organisation_ids.iter().copied()))
            .filter(governing_body::Column::RetiredAt.is_null())
            .order_by_asc(governing_body::Column::Id)
            .all(&*tx)
            .await
            .context("loading governing bodies")
    }

    /// Bodies by id, retired ones included (history refers to them).
    pub async fn bodies_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<governing_body::Model>> {
        self.fetch_by_ids::<governing_body::Entity>(ids).await
    }

    /// (body id, person id) for the members of the given bodies.
    pub async fn body_member_ids(&self, body_ids: &[Uuid]) -> AppResult<Vec<(Uuid, Uuid)>> {
        let tx = self.tx()?;
        self.scoped::<body_member::Entity>()
            .select_only()
            .column(body_member::Column::BodyId)
            .column(body_member::Column::PersonId)
            .filter(body_member::Column::BodyId.is_in(body_ids.iter().copied()))
            .order_by_asc(body_member::Column::PersonId)
            .into_tuple()
            .all(&*tx)
            .await
            .context("loading body members")
    }

    /// Makes the organisation's active bodies exactly `changes`: listed ids are
    /// updated, new ones created, unlisted ones retired (kept for history).
    /// Members are replaced per body.
    pub async fn replace_bodies(&self, organisation_id: Uuid, changes: Vec<BodyChange>) -> AppResult<()> {
        let tx = self.tx()?;
        let now = self.now();
        let current: HashSet<Uuid> = self.bodies_of(&[organisation_id]).await?.into_iter().map(|b| b.id).collect();

        let members: HashSet<Uuid> = changes.iter().flat_map(|c| c.member_ids.iter().copied()).collect();
        if !members.is_empty() {
            // A rule's check: a body's members work for its organisation.
            let staff: HashSet<Uuid> = self
                .tenant_only::<position::Entity>()
                .select_only()
                .column(position::Column::PersonId)
                .filter(position::Column::OrganisationId.eq(organisation_id))
                .filter(position::Column::PersonId.is_in(members.iter().copied()))
                .filter(visibility::position_current(self.actor().today))
                .into_tuple::<Uuid>()
                .all(&*tx)
                .await
                .context("checking body members' positions")?
                .into_iter()
                .collect();
            if let Some(outsider) = members.iter().find(|m| !staff.contains(m)) {
                return Err(AppError::bad_input(
                    "bodies.memberIds",
                    format!("person {outsider} has no current position in this organisation"),
                ));
            }
        }

        let mut kept = HashSet::new();
        let mut body_ids = Vec::with_capacity(changes.len());
        for change in &changes {
            match change.id {
                Some(id) => {
                    if !current.contains(&id) || !kept.insert(id) {
                        return Err(AppError::bad_input(
                            "bodies.id",
                            "an id names no active body of this organisation, or names one twice",
                        ));
                    }
                    governing_body::Entity::update_many()
                        .col_expr(governing_body::Column::Name, Expr::value(change.spec.name.clone()))
                        .col_expr(governing_body::Column::Kind, Expr::value(change.spec.kind))
                        .col_expr(governing_body::Column::Right, Expr::value(change.spec.right))
                        .col_expr(governing_body::Column::ResponseDays, Expr::value(change.spec.response_days))
                        .filter(governing_body::Column::TenantId.eq(self.tenant_id()))
                        .filter(governing_body::Column::Id.eq(id))
                        .exec(&*tx)
                        .await
                        .context("updating a governing body")?;
                    body_ids.push(id);
                }
                None => {
                    let id = Uuid::now_v7();
                    governing_body::Entity::insert(self.new_body(id, organisation_id, &change.spec))
                        .exec_without_returning(&*tx)
                        .await
                        .context("inserting a governing body")?;
                    body_ids.push(id);
                }
            }
        }
        let retired: Vec<Uuid> = current.difference(&kept).copied().collect();
        if !retired.is_empty() {
            governing_body::Entity::update_many()
                .col_expr(governing_body::Column::RetiredAt, Expr::value(now))
                .filter(governing_body::Column::TenantId.eq(self.tenant_id()))
                .filter(governing_body::Column::Id.is_in(retired.iter().copied()))
                .exec(&*tx)
                .await
                .context("retiring governing bodies")?;
        }

        let all_bodies: Vec<Uuid> = body_ids.iter().chain(retired.iter()).copied().collect();
        body_member::Entity::delete_many()
            .filter(body_member::Column::TenantId.eq(self.tenant_id()))
            .filter(body_member::Column::BodyId.is_in(all_bodies))
            .exec(&*tx)
            .await
            .context("clearing body members")?;
        let rows: Vec<body_member::ActiveModel> = changes
            .iter()
            .zip(&body_ids)
            .flat_map(|(change, body_id)| {
                let mut ids = change.member_ids.clone();
                ids.sort_unstable();
                ids.dedup();
                ids.into_iter().map(move |person_id| body_member::ActiveModel {
                    body_id: Set(*body_id),
                    person_id: Set(person_id),
                    tenant_id: Set(self.tenant_id()),
                    created_at: Set(now),
                })
            })
            .collect();
        if !rows.is_empty() {
            body_member::Entity::insert_many(rows)
                .exec_without_returning(&*tx)
                .await
                .context("inserting body members")?;
        }
        self.actor_changed(self.actor().person_id.is_some_and(|me| members.contains(&me))).await
    }
}
