//! What a viewer may see, as SQL conditions: the one enforcement point for reads.
//! Lists, loaders and `node` lookups all filter with these, so an object the
//! viewer may not see is, to them, an object that does not exist.
//!
//! Today (foundation): ADMIN sees the whole tenant; everyone else sees the
//! organisations they hold a current position in, and the people of those
//! organisations, and themself.

use chrono::NaiveDate;
use entity::{governing_body, organisation, person, position};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition};

use crate::domain::Actor;

/// A position holds on `day` when it has started and not yet ended.
pub fn position_current(day: NaiveDate) -> Condition {
    Condition::all()
        .add(position::Column::StartedOn.lte(day))
        .add(
            Condition::any()
                .add(position::Column::EndedOn.is_null())
                .add(position::Column::EndedOn.gt(day)),
        )
}

pub fn organisations(actor: &Actor) -> Condition {
    if actor.is_admin() {
        return Condition::all();
    }
    Condition::all().add(organisation::Column::Id.is_in(actor.organisation_ids()))
}

/// Governing bodies are visible with their organisation.
pub fn governing_bodies(actor: &Actor) -> Condition {
    if actor.is_admin() {
        return Condition::all();
    }
    Condition::all().add(governing_body::Column::OrganisationId.is_in(actor.organisation_ids()))
}

/// Positions are visible when their organisation is.
pub fn positions(actor: &Actor) -> Condition {
    if actor.is_admin() {
        return Condition::all();
    }
    Condition::all().add(position::Column::OrganisationId.is_in(actor.organisation_ids()))
}

pub fn people(actor: &Actor) -> Condition {
    if actor.is_admin() {
        return Condition::all();
    }
    let colleagues = Query::select()
        .column(position::Column::PersonId)
        .from(position::Entity)
        .and_where(position::Column::TenantId.eq(actor.tenant_id))
        .and_where(position::Column::OrganisationId.is_in(actor.organisation_ids()))
        .cond_where(position_current(actor.today))
        .to_owned();
    Condition::any()
        .add(person::Column::Id.eq(actor.person_id))
        .add(person::Column::Id.in_subquery(colleagues))
}
