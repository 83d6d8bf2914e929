//! People and their positions.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{PositionRole, TenantRole, person, position};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, SqlErr};
use uuid::Uuid;

use super::{Page, PageRequest, Store, visibility};
use crate::domain::values::{Email, Name, Subject};
use crate::domain::{AppError, AppResult};
use crate::errors::Context;
use crate::i18n::Locale;

impl Store {
    pub async fn people_page(&self, page: PageRequest) -> AppResult<Page<person::Model>> {
        self.keyset_page(self.visible::<person::Entity>(), person::Column::Id, page).await
    }

    pub async fn people_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<person::Model>> {
        self.fetch_by_ids::<person::Entity>(ids).await
    }

    /// One visible person, or NOT_FOUND (also when they exist but are hidden).
    pub async fn person(&self, id: Uuid) -> AppResult<person::Model> {
        self.fetch_one::<person::Entity>(id).await
    }

    /// Sets a person's language; `None` follows the tenant's.
    pub async fn set_person_language(&self, id: Uuid, language: Option<Locale>) -> AppResult<person::Model> {
        let tx = self.tx()?;
        person::Entity::update_many()
            .col_expr(person::Column::Language, Expr::value(language.map(|language| language.tag().to_owned())))
            .col_expr(person::Column::UpdatedAt, Expr::value(self.now()))
            .filter(person::Column::TenantId.eq(self.tenant_id()))
            .filter(person::Column::Id.eq(id))
            .exec(&*tx)
            .await
            .context("setting a person's language")?;
        drop(tx);
        self.person(id).await
    }

    pub async fn insert_person(
        &self,
        subject: Subject,
        name: Name,
        email: Option<Email>,
        tenant_role: Option<TenantRole>,
    ) -> AppResult<person::Model> {
        let tx = self.tx()?;
        let now = self.now();
        let model = person::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            subject: subject.into_inner(),
            name: name.into_inner(),
            email: email.map(Email::into_inner),
            tenant_role,
            created_at: now,
            updated_at: now,
            anonymized_at: None,
            language: None,
        };
        let inserted =
            person::Entity::insert(person::ActiveModel::from(model.clone())).exec_without_returning(&*tx).await;
        match inserted {
            Ok(_) => Ok(model),
            Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                Err(AppError::conflict("a person with this subject already exists in the tenant"))
            }
            Err(error) => Err(AppError::Internal(anyhow::Error::new(error).context("inserting a person"))),
        }
    }

    /// Positions of the given people, ended ones included, in organisations the
    /// viewer may see.
    pub async fn positions_of_people(&self, person_ids: &[Uuid]) -> AppResult<Vec<position::Model>> {
        let tx = self.tx()?;
        self.visible::<position::Entity>()
            .filter(position::Column::PersonId.is_in(person_ids.iter().copied()))
            .order_by_asc(position::Column::Id)
            .all(&*tx)
            .await
            .context("loading positions of people")
    }

    pub async fn positions_by_ids(&self, ids: &[Uuid]) -> AppResult<Vec<position::Model>> {
        self.fetch_by_ids::<position::Entity>(ids).await
    }

    pub async fn position(&self, id: Uuid) -> AppResult<position::Model> {
        self.fetch_one::<position::Entity>(id).await
    }

    /// Visible positions, current ones only unless asked.
    fn positions_query(&self, include_ended: bool) -> sea_orm::Select<position::Entity> {
        let query = self.visible::<position::Entity>();
        if include_ended { query } else { query.filter(visibility::position_current(self.actor().today)) }
    }

    /// A page of an organisation's positions, current ones only unless asked.
    pub async fn positions_page_of_organisation(
        &self,
        organisation_id: Uuid,
        include_ended: bool,
        page: PageRequest,
    ) -> AppResult<Page<position::Model>> {
        let query = self.positions_query(include_ended).filter(position::Column::OrganisationId.eq(organisation_id));
        self.keyset_page(query, position::Column::Id, page).await
    }

    /// The first page of positions of each of several organisations, in one statement.
    pub async fn positions_first_pages(
        &self,
        organisation_ids: &[Uuid],
        include_ended: bool,
        first: u64,
    ) -> AppResult<HashMap<Uuid, Page<position::Model>>> {
        self.keyset_first_pages(
            self.positions_query(include_ended),
            position::Column::OrganisationId,
            position::Column::Id,
            organisation_ids,
            first,
            |row| row.organisation_id,
        )
        .await
    }

    pub async fn insert_position(
        &self,
        person_id: Uuid,
        organisation_id: Uuid,
        role: PositionRole,
        started_on: NaiveDate,
    ) -> AppResult<position::Model> {
        let tx = self.tx()?;
        let model = position::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            person_id,
            organisation_id,
            role,
            started_on,
            ended_on: None,
            created_at: self.now(),
        };
        position::Entity::insert(position::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("inserting a position")?;
        self.actor_changed(self.actor().person_id == Some(person_id)).await?;
        Ok(model)
    }

    /// Ends a running position; CONFLICT when it already ended.
    pub async fn end_position(&self, id: Uuid, ended_on: NaiveDate) -> AppResult<position::Model> {
        let tx = self.tx()?;
        let result = position::Entity::update_many()
            .col_expr(position::Column::EndedOn, Expr::value(ended_on))
            .filter(position::Column::TenantId.eq(self.tenant_id()))
            .filter(position::Column::Id.eq(id))
            .filter(position::Column::EndedOn.is_null())
            .exec(&*tx)
            .await
            .context("ending a position")?;
        if result.rows_affected == 0 {
            return Err(AppError::conflict("the position has already ended"));
        }
        self.position(id).await
    }
}
