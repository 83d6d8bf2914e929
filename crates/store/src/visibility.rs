//! What a viewer may see, as SQL conditions: the one enforcement point for reads.
//! Lists, loaders and `node` lookups all filter with these, so an object the
//! viewer may not see is, to them, an object that does not exist.
//!
//! - ADMIN sees the whole tenant.
//! - Networks: those the viewer facilitates, those where one of their
//!   organisations is an ACTIVE partner, and (for a DIRECTOR) those their
//!   organisation is invited to. Everything inside a network (charter,
//!   partnerships, representations, expectations, rounds) follows its network.
//! - Organisations: the viewer's own, and every partner of a visible network.
//! - People: the viewer, their colleagues (current positions in their own
//!   organisations), the current representatives and the facilitators of
//!   visible networks, and for a facilitator the people of the partners of
//!   their networks.
//! - Positions: in the viewer's own organisations, and for a facilitator in the
//!   partners of their networks.

use chrono::NaiveDate;
use entity::{
    PartnershipStatus, alignment_round, charter_version, expectation, governing_body, network, network_facilitator,
    organisation, partnership, person, position, representation,
};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use crate::domain::Actor;

/// A position holds on `day` when it has started and not yet ended.
pub fn position_current(day: NaiveDate) -> Condition {
    Condition::all()
        .add(position::Column::StartedOn.lte(day))
        .add(Condition::any().add(position::Column::EndedOn.is_null()).add(position::Column::EndedOn.gt(day)))
}

/// A representation holds on `day` when it has started and not yet ended.
pub fn representation_current(day: NaiveDate) -> Condition {
    Condition::all().add(representation::Column::StartedOn.lte(day)).add(
        Condition::any().add(representation::Column::EndedOn.is_null()).add(representation::Column::EndedOn.gt(day)),
    )
}

/// `SELECT organisation_id FROM partnerships WHERE network_id IN (…)`, limited to
/// the given statuses (all when empty).
fn partners_of(actor: &Actor, network_ids: Vec<Uuid>, statuses: &[PartnershipStatus]) -> SelectStatement {
    let mut query = Query::select();
    query
        .column(partnership::Column::OrganisationId)
        .from(partnership::Entity)
        .and_where(partnership::Column::TenantId.eq(actor.tenant_id))
        .and_where(partnership::Column::NetworkId.is_in(network_ids));
    if !statuses.is_empty() {
        query.and_where(partnership::Column::Status.is_in(statuses.iter().copied()));
    }
    query.to_owned()
}

pub fn networks(actor: &Actor) -> Condition {
    if actor.is_admin() {
        return Condition::all();
    }
    Condition::all().add(network::Column::Id.is_in(actor.visible_network_ids()))
}

/// For tables that belong to a network through a `network_id` column.
pub fn in_network_column<C: ColumnTrait>(actor: &Actor, network_column: C) -> Condition {
    if actor.is_admin() {
        return Condition::all();
    }
    Condition::all().add(network_column.is_in(actor.visible_network_ids()))
}

pub fn charter_versions(actor: &Actor) -> Condition {
    in_network_column(actor, charter_version::Column::NetworkId)
}

pub fn expectations(actor: &Actor) -> Condition {
    in_network_column(actor, expectation::Column::NetworkId)
}

pub fn alignment_rounds(actor: &Actor) -> Condition {
    in_network_column(actor, alignment_round::Column::NetworkId)
}

pub fn representations(actor: &Actor) -> Condition {
    in_network_column(actor, representation::Column::NetworkId)
}

/// Partnerships of visible networks, and every partnership of the viewer's own
/// organisations (their history stays theirs after they leave).
pub fn partnerships(actor: &Actor) -> Condition {
    if actor.is_admin() {
        return Condition::all();
    }
    Condition::any()
        .add(partnership::Column::NetworkId.is_in(actor.visible_network_ids()))
        .add(partnership::Column::OrganisationId.is_in(actor.organisation_ids()))
}

fn organisation_ids_condition<C: ColumnTrait>(actor: &Actor, column: C) -> Condition {
    if actor.is_admin() {
        return Condition::all();
    }
    Condition::any().add(column.is_in(actor.organisation_ids())).add(column.in_subquery(partners_of(
        actor,
        actor.visible_network_ids(),
        &[],
    )))
}

pub fn organisations(actor: &Actor) -> Condition {
    organisation_ids_condition(actor, organisation::Column::Id)
}

/// Governing bodies are visible with their organisation.
pub fn governing_bodies(actor: &Actor) -> Condition {
    organisation_ids_condition(actor, governing_body::Column::OrganisationId)
}

/// Organisations whose staff the viewer may see: their own, and for a
/// facilitator the INVITED and ACTIVE partners of their networks.
fn staff_organisations<C: ColumnTrait>(actor: &Actor, column: C) -> Condition {
    let mut condition = Condition::any().add(column.is_in(actor.organisation_ids()));
    if !actor.facilitated_network_ids.is_empty() {
        condition = condition.add(column.in_subquery(partners_of(
            actor,
            actor.facilitated_network_ids.clone(),
            &[PartnershipStatus::Invited, PartnershipStatus::Active],
        )));
    }
    condition
}

pub fn positions(actor: &Actor) -> Condition {
    if actor.is_admin() {
        return Condition::all();
    }
    staff_organisations(actor, position::Column::OrganisationId)
}

pub fn people(actor: &Actor) -> Condition {
    if actor.is_admin() {
        return Condition::all();
    }
    let staff = Query::select()
        .column(position::Column::PersonId)
        .from(position::Entity)
        .and_where(position::Column::TenantId.eq(actor.tenant_id))
        .cond_where(staff_organisations(actor, position::Column::OrganisationId))
        .cond_where(position_current(actor.today))
        .to_owned();
    // Who facilitates a network is part of the network: its partners' people
    // see them as they see its representatives.
    let facilitators = Query::select()
        .column(network_facilitator::Column::PersonId)
        .from(network_facilitator::Entity)
        .and_where(network_facilitator::Column::TenantId.eq(actor.tenant_id))
        .and_where(network_facilitator::Column::NetworkId.is_in(actor.visible_network_ids()))
        .to_owned();
    let representatives = Query::select()
        .column(representation::Column::PersonId)
        .from(representation::Entity)
        .and_where(representation::Column::TenantId.eq(actor.tenant_id))
        .and_where(representation::Column::NetworkId.is_in(actor.visible_network_ids()))
        .cond_where(representation_current(actor.today))
        .to_owned();
    Condition::any()
        .add(person::Column::Id.eq(actor.person_id))
        .add(person::Column::Id.in_subquery(staff))
        .add(person::Column::Id.in_subquery(facilitators))
        .add(person::Column::Id.in_subquery(representatives))
}

/// The organisations the actor sees as a DIRECTOR (an API client included).
fn directed_organisations(actor: &Actor) -> Vec<Uuid> {
    actor.directed_organisation_ids()
}

/// API clients: an admin sees all; a DIRECTOR (or API client) those of its
/// organisations.
pub fn api_clients(actor: &Actor) -> Condition {
    if actor.is_admin() {
        return Condition::all();
    }
    Condition::all().add(entity::api_client::Column::OrganisationId.is_in(directed_organisations(actor)))
}

/// A calendar feed is seen by its owner, and by an admin, who may revoke it
/// (someone who left, a URL that leaked). Its secret is never readable.
pub fn calendar_feeds(actor: &Actor) -> Condition {
    own(actor, entity::calendar_feed::Column::PersonId)
}

/// A reminder and a mail are seen by the person they went to, and by an
/// admin (who answers for what the deployment sends).
pub fn reminders(actor: &Actor) -> Condition {
    own(actor, entity::reminder::Column::PersonId)
}

/// See [`reminders`].
pub fn mails(actor: &Actor) -> Condition {
    own(actor, entity::mail::Column::PersonId)
}

/// Rows of the actor as a person, or every row for an admin.
fn own(actor: &Actor, person_column: impl ColumnTrait) -> Condition {
    if actor.is_admin() {
        return Condition::all();
    }
    // No person (an API client): nothing, as an empty IN matches nothing.
    Condition::all().add(person_column.is_in(actor.person_id))
}

/// Webhooks are seen by whoever manages them: an admin; the DIRECTORs and API
/// clients of the organisation; the facilitators of the network.
pub fn webhooks(actor: &Actor) -> Condition {
    if actor.is_admin() {
        return Condition::all();
    }
    Condition::any()
        .add(entity::webhook::Column::OrganisationId.is_in(directed_organisations(actor)))
        .add(entity::webhook::Column::NetworkId.is_in(actor.facilitated_network_ids.clone()))
}
