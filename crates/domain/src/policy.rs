//! Who may do what: the access rules for actions, in one place. What a viewer
//! may *see* is enforced where rows are read (`store::visibility`); this module
//! answers "may this actor do this" and "may this actor see this field".

use uuid::Uuid;

use entity::PartnershipStatus;

use super::health::HealthScope;
use super::{Actor, AppError, AppResult};

/// Tenant administration: organisations, bodies, people, positions.
pub fn require_admin(actor: &Actor) -> AppResult<()> {
    if actor.is_admin() { Ok(()) } else { Err(AppError::forbidden("only a tenant administrator may do this")) }
}

/// Facilitator work on a network: charter, invitations, rounds, meetings.
pub fn require_facilitator(actor: &Actor, network_id: Uuid) -> AppResult<()> {
    if actor.facilitates(network_id) {
        Ok(())
    } else {
        Err(AppError::forbidden("only a facilitator of this network may do this"))
    }
}

/// Running a network (name, purpose, status, settings): its facilitators, and
/// tenant admins.
pub fn require_network_steward(actor: &Actor, network_id: Uuid) -> AppResult<()> {
    if actor.facilitates(network_id) || actor.is_admin() {
        Ok(())
    } else {
        Err(AppError::forbidden("only a facilitator of this network or an admin may do this"))
    }
}

/// Acting for an organisation: its DIRECTORs.
pub fn require_director(actor: &Actor, organisation_id: Uuid) -> AppResult<()> {
    if actor.acts_as_director_of(organisation_id) {
        Ok(())
    } else {
        Err(AppError::forbidden("only a director of this organisation may do this"))
    }
}

/// API clients of an organisation are made and revoked by a tenant admin or a
/// DIRECTOR of it (a person: a client does not make clients).
pub fn require_api_client_manager(actor: &Actor, organisation_id: Uuid) -> AppResult<()> {
    if actor.is_admin() || actor.acts_as_director_of(organisation_id) {
        Ok(())
    } else {
        Err(AppError::forbidden("only an admin or a director of the organisation manages its API clients"))
    }
}

/// Webhooks: an organisation's are managed by a tenant admin, its DIRECTORs and
/// its API clients (the one write an API client may make); a network's by its
/// facilitators and tenant admins.
pub fn require_webhook_manager(
    actor: &Actor,
    organisation_id: Option<Uuid>,
    network_id: Option<Uuid>,
) -> AppResult<()> {
    let manages = actor.is_admin()
        || organisation_id.is_some_and(|org| actor.is_director_of(org))
        || network_id.is_some_and(|network| actor.facilitates(network));
    if manages {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "only an admin, a director or API client of the organisation, or a facilitator of the network manages its webhooks",
        ))
    }
}

/// What is held about a person: the tenant's admins, and the person themself.
pub fn require_admin_or_self(actor: &Actor, person_id: Uuid) -> AppResult<()> {
    if actor.is_admin() || actor.is(person_id) {
        Ok(())
    } else {
        Err(AppError::forbidden("only a tenant administrator or the person themself may do this"))
    }
}

/// Creating a network: tenant admins and facilitators.
pub fn require_admin_or_facilitator(actor: &Actor) -> AppResult<()> {
    if actor.is_admin() || actor.is_facilitator() {
        Ok(())
    } else {
        Err(AppError::forbidden("only an admin or a facilitator may do this"))
    }
}

/// How much of a party's consultation a viewer sees (ARCHITECTURE.md: inputs are
/// internal to the organisation; the facilitator sees counts by stance, and so
/// do admins, who see everything in the tenant but an organisation's internal
/// texts; other partners see only the ratification status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsultationView {
    Nothing,
    Counts,
    Inputs,
}

pub fn consultation_view(actor: &Actor, network_id: Uuid, organisation_id: Uuid) -> ConsultationView {
    if actor.works_for(organisation_id) {
        ConsultationView::Inputs
    } else if actor.facilitates(network_id) || actor.is_admin() {
        ConsultationView::Counts
    } else {
        ConsultationView::Nothing
    }
}

/// A board portal (`Organisation.pendingRatifications`): the organisation's
/// directors, members of every body asked about, and the tenant's admins
/// (who see everything in the tenant).
pub fn require_board_portal(actor: &Actor, organisation_id: Uuid, body_ids: &[Uuid]) -> AppResult<()> {
    // An empty list of bodies (none asked for exists) proves no seat.
    let seated = !body_ids.is_empty() && body_ids.iter().all(|b| actor.sits_on(*b));
    if actor.is_admin() || actor.is_director_of(organisation_id) || seated {
        Ok(())
    } else {
        Err(AppError::forbidden("a board portal is for the organisation's directors and the body's members"))
    }
}

/// Who may see a network's health, and how much: its facilitators and the
/// tenant's admins all of it; the DIRECTORs of an ACTIVE partner what concerns
/// their own organisation; anyone else nothing.
pub fn health_scope(actor: &Actor, network_id: Uuid) -> Option<HealthScope> {
    if actor.facilitates(network_id) || actor.is_admin() {
        return Some(HealthScope::Network);
    }
    let own: Vec<Uuid> = actor
        .partnerships
        .iter()
        .filter(|p| p.network_id == network_id && p.status == PartnershipStatus::Active)
        .map(|p| p.organisation_id)
        .filter(|organisation| actor.is_director_of(*organisation))
        .collect();
    (!own.is_empty()).then_some(HealthScope::Organisations(own))
}

/// E-mail addresses are shown to the person themself, to people of their own
/// organisations, and to facilitators and admins.
pub fn may_see_email(actor: &Actor, person_id: Uuid, person_organisation_ids: &[Uuid]) -> bool {
    actor.is(person_id)
        || actor.is_admin()
        || actor.is_facilitator()
        || person_organisation_ids.iter().any(|org| actor.works_for(*org))
}

/// The token subject identifies a person to the identity provider; only admins
/// and the person themself need it.
/// Whether the actor may read who was invited to a round: the network's
/// facilitators and the admins, who run rounds and remind people. Partners
/// see counts and results only. Whether, or how, anyone answered is shown to
/// nobody (their own answers aside).
pub fn may_see_round_invitees(actor: &Actor, network_id: Uuid) -> bool {
    actor.facilitates(network_id) || actor.is_admin()
}

pub fn may_see_subject(actor: &Actor, person_id: Uuid) -> bool {
    actor.is(person_id) || actor.is_admin()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use entity::{PositionRole, TenantRole};

    use super::*;
    use crate::CurrentPosition;

    fn actor(role: Option<TenantRole>, orgs: &[Uuid]) -> Actor {
        Actor {
            tenant_id: Uuid::now_v7(),
            tenant_slug: "t".into(),
            person_id: Some(Uuid::now_v7()),
            api_client_id: None,
            tenant_role: role,
            positions: orgs
                .iter()
                .map(|org| CurrentPosition { organisation_id: *org, role: PositionRole::Staff })
                .collect(),
            body_ids: vec![],
            facilitated_network_ids: vec![],
            partnerships: vec![],
            representations: vec![],
            today: NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid date"),
        }
    }

    #[test]
    fn email_is_shown_to_colleagues_facilitators_and_admins_only() {
        let org = Uuid::now_v7();
        let other = Uuid::now_v7();
        let person = Uuid::now_v7();
        assert!(may_see_email(&actor(None, &[org]), person, &[org]));
        assert!(!may_see_email(&actor(None, &[other]), person, &[org]));
        assert!(may_see_email(&actor(Some(TenantRole::Facilitator), &[]), person, &[org]));
        assert!(may_see_email(&actor(Some(TenantRole::Admin), &[]), person, &[org]));
    }

    #[test]
    fn only_admins_administer() {
        assert!(require_admin(&actor(Some(TenantRole::Admin), &[])).is_ok());
        assert!(matches!(require_admin(&actor(Some(TenantRole::Facilitator), &[])), Err(AppError::Forbidden(_))));
    }
}
