//! Networks, their charter, partners, representatives and expectations.

use std::collections::HashSet;

use entity::{ExpectationKind, NetworkStatus, PartnershipStatus, TenantRole, charter_version, network, partnership};
use serde_json::json;
use uuid::Uuid;

use crate::domain::events::EventKind;
use crate::domain::settings::NetworkSettings;
use crate::domain::values::{Name, Text};
use crate::domain::{AppError, AppResult, policy};
use crate::store::networks::NetworkChanges;
use crate::store::{NewEvent, Store};

/// Representatives per partner: a table, not an assembly.
const MAX_REPRESENTATIVES: usize = 20;

pub struct CreateNetwork {
    pub name: String,
    pub purpose: String,
}

/// A facilitator who creates a network facilitates it; an admin assigns
/// facilitators afterwards.
pub async fn create(store: &Store, input: CreateNetwork) -> AppResult<network::Model> {
    policy::require_admin_or_facilitator(&store.actor())?;
    let name = Name::parse("name", &input.name)?;
    let purpose = Text::parse("purpose", &input.purpose)?;
    let network = store.insert_network(name, purpose, NetworkSettings::default().to_json()).await?;
    if store.actor().is_facilitator() {
        store.add_facilitator(network.id, store.actor().person()?).await?;
    }
    store
        .record_event(NewEvent::network(
            EventKind::NetworkCreated,
            network.id,
            network.id,
            json!({ "status": network.status }),
        ))
        .await?;
    Ok(network)
}

pub struct UpdateNetwork {
    pub id: Uuid,
    pub expected_version: i32,
    pub name: Option<String>,
    pub purpose: Option<String>,
    pub status: Option<NetworkStatus>,
}

pub async fn update(store: &Store, input: UpdateNetwork) -> AppResult<network::Model> {
    let network = store.network(input.id).await?;
    policy::require_network_steward(&store.actor(), network.id)?;
    let changes = NetworkChanges {
        name: input.name.as_deref().map(|n| Name::parse("name", n)).transpose()?,
        purpose: input.purpose.as_deref().map(|p| Text::parse("purpose", p)).transpose()?,
        status: input.status,
        settings: None,
    };
    let changed: Vec<&str> = [
        changes.name.as_ref().map(|_| "name"),
        changes.purpose.as_ref().map(|_| "purpose"),
        changes.status.map(|_| "status"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let network = store.update_network(network.id, Some(input.expected_version), changes).await?;
    store
        .record_event(NewEvent::network(
            EventKind::NetworkUpdated,
            network.id,
            network.id,
            json!({ "changed": changed, "status": network.status, "version": network.version }),
        ))
        .await?;
    Ok(network)
}

pub async fn set_settings(store: &Store, network_id: Uuid, settings: NetworkSettings) -> AppResult<network::Model> {
    let network = store.network(network_id).await?;
    policy::require_network_steward(&store.actor(), network.id)?;
    settings.validate()?;
    let json = settings.to_json();
    let network = store
        .update_network(network.id, None, NetworkChanges { settings: Some(json.clone()), ..Default::default() })
        .await?;
    store
        .record_event(NewEvent::network(
            EventKind::NetworkSettingsChanged,
            network.id,
            network.id,
            json!({ "settings": json }),
        ))
        .await?;
    Ok(network)
}

pub async fn assign_facilitator(store: &Store, network_id: Uuid, person_id: Uuid) -> AppResult<network::Model> {
    let network = store.network(network_id).await?;
    let person = store.person(person_id).await?;
    policy::require_admin(&store.actor())?;
    if !matches!(person.tenant_role, Some(TenantRole::Facilitator | TenantRole::Admin)) {
        return Err(AppError::bad_input("personId", "a facilitator needs the tenant role FACILITATOR or ADMIN"));
    }
    store.add_facilitator(network.id, person.id).await?;
    store
        .record_event(NewEvent::network(
            EventKind::FacilitatorAssigned,
            network.id,
            network.id,
            json!({ "personId": person.id }),
        ))
        .await?;
    Ok(network)
}

pub struct AdoptCharter {
    pub network_id: Uuid,
    pub goals: String,
    pub working_agreements: String,
}

/// Adopts version n+1. Earlier versions are never edited; everyone's
/// acknowledgement now refers to an older version until they acknowledge again.
pub async fn adopt_charter(store: &Store, input: AdoptCharter) -> AppResult<charter_version::Model> {
    let network = store.network(input.network_id).await?;
    policy::require_facilitator(&store.actor(), network.id)?;
    let goals = Text::parse("goals", &input.goals)?;
    let agreements = Text::parse("workingAgreements", &input.working_agreements)?;
    let version = store.current_charter_version(network.id).await?.unwrap_or(0) + 1;
    let charter = store.insert_charter_version(network.id, version, goals, agreements).await?;
    store
        .record_event(NewEvent::network(
            EventKind::CharterAdopted,
            charter.id,
            network.id,
            json!({ "version": version }),
        ))
        .await?;
    Ok(charter)
}

pub async fn invite_partner(store: &Store, network_id: Uuid, organisation_id: Uuid) -> AppResult<partnership::Model> {
    let network = store.network(network_id).await?;
    policy::require_facilitator(&store.actor(), network.id)?;
    // A facilitator may invite any organisation of the tenant; the invitation
    // is what makes it visible to them.
    let organisation = store.organisation_to_invite(organisation_id).await?;
    if network.status == NetworkStatus::Ended {
        return Err(AppError::conflict("the network has ended"));
    }
    if let Some(open) = store.open_partnership(network.id, organisation.id).await? {
        return Err(AppError::conflict(format!(
            "the organisation is already {} in this network",
            if open.status == PartnershipStatus::Active { "a partner" } else { "invited" }
        )));
    }
    let partnership = store.insert_partnership(network.id, organisation.id).await?;
    store
        .record_event(
            NewEvent::network(
                EventKind::PartnerInvited,
                partnership.id,
                network.id,
                json!({ "organisationId": organisation.id }),
            )
            .concerning([organisation.id]),
        )
        .await?;
    Ok(partnership)
}

/// A DIRECTOR of the invited organisation accepts: the partner joins today.
pub async fn accept(store: &Store, partnership_id: Uuid) -> AppResult<partnership::Model> {
    let partnership = store.partnership(partnership_id).await?;
    policy::require_director(&store.actor(), partnership.organisation_id)?;
    let today = store.actor().today;
    let partnership = store
        .transition_partnership(partnership.id, &[PartnershipStatus::Invited], PartnershipStatus::Active, today, None)
        .await?;
    store
        .record_event(
            NewEvent::network(
                EventKind::PartnerJoined,
                partnership.id,
                partnership.network_id,
                json!({ "organisationId": partnership.organisation_id, "joinedOn": today }),
            )
            .concerning([partnership.organisation_id]),
        )
        .await?;
    Ok(partnership)
}

/// A facilitator records that a partner leaves (or a DIRECTOR of the partner
/// withdraws it). The partnership stays on record as LEFT; its representations end.
pub async fn remove(store: &Store, partnership_id: Uuid, reason: &str) -> AppResult<partnership::Model> {
    let partnership = store.partnership(partnership_id).await?;
    let actor = store.actor();
    if !actor.facilitates(partnership.network_id) && !actor.acts_as_director_of(partnership.organisation_id) {
        return Err(AppError::forbidden("only a facilitator of the network or a director of the partner may do this"));
    }
    let reason = Text::parse("reason", reason)?;
    let today = actor.today;
    let partnership = store
        .transition_partnership(
            partnership.id,
            &[PartnershipStatus::Invited, PartnershipStatus::Active],
            PartnershipStatus::Left,
            today,
            Some(reason),
        )
        .await?;
    let seats: Vec<Uuid> = store.current_representations(partnership.id).await?.into_iter().map(|r| r.id).collect();
    store.end_representations(&seats, today).await?;
    // Its open commitments are not silently changed: they are flagged for a
    // facilitator to re-plan without the partner, or to drop.
    let flagged = store
        .flag_for_replanning(partnership.network_id, partnership.organisation_id, "a party left the network")
        .await?;
    store
        .record_event(
            NewEvent::network(
                EventKind::PartnerLeft,
                partnership.id,
                partnership.network_id,
                json!({
                    "organisationId": partnership.organisation_id,
                    "leftOn": today,
                    "representationsEnded": seats,
                    "commitmentsNeedingReplanning": flagged,
                }),
            )
            .concerning([partnership.organisation_id]),
        )
        .await?;
    Ok(partnership)
}

/// Makes the partner's current representatives exactly `person_ids`: people
/// no longer listed stop today, new ones start today (unacknowledged).
pub async fn set_representatives(
    store: &Store,
    partnership_id: Uuid,
    person_ids: Vec<Uuid>,
) -> AppResult<partnership::Model> {
    let partnership = store.partnership(partnership_id).await?;
    let actor = store.actor();
    if !actor.facilitates(partnership.network_id) && !actor.acts_as_director_of(partnership.organisation_id) {
        return Err(AppError::forbidden("only a director of the partner or a facilitator of the network may do this"));
    }
    if partnership.status == PartnershipStatus::Left {
        return Err(AppError::conflict("the partner has left the network"));
    }
    let wanted: HashSet<Uuid> = person_ids.iter().copied().collect();
    if wanted.len() > MAX_REPRESENTATIVES {
        return Err(AppError::bad_input("personIds", format!("at most {MAX_REPRESENTATIVES} representatives")));
    }
    let wanted_list: Vec<Uuid> = wanted.iter().copied().collect();
    let employed: HashSet<Uuid> =
        store.people_with_current_position(partnership.organisation_id, &wanted_list).await?.into_iter().collect();
    if wanted.iter().any(|p| !employed.contains(p)) {
        return Err(AppError::bad_input(
            "personIds",
            "a representative needs a current position in the partner organisation",
        ));
    }
    let current = store.current_representations(partnership.id).await?;
    let seated: HashSet<Uuid> = current.iter().map(|r| r.person_id).collect();
    let ended: Vec<Uuid> = current.iter().filter(|r| !wanted.contains(&r.person_id)).map(|r| r.id).collect();
    let mut started: Vec<Uuid> = wanted.difference(&seated).copied().collect();
    started.sort_unstable();
    let today = actor.today;
    store.end_representations(&ended, today).await?;
    store.insert_representations(&partnership, &started, today).await?;
    store
        .record_event(
            NewEvent::network(
                EventKind::RepresentativesSet,
                partnership.id,
                partnership.network_id,
                json!({ "started": started, "endedRepresentations": ended }),
            )
            .concerning([partnership.organisation_id]),
        )
        .await?;
    Ok(partnership)
}

/// What `acknowledgeCharter` recorded.
pub struct Acknowledged {
    pub partnership: partnership::Model,
    pub for_partner: bool,
    pub personally: bool,
}

/// Acknowledges the current charter version: for the partner when the viewer
/// is one of its DIRECTORs, personally when the viewer represents it; both
/// when both. `version` must be the current one, so nobody acknowledges a text
/// they have not seen.
pub async fn acknowledge_charter(store: &Store, partnership_id: Uuid, version: i32) -> AppResult<Acknowledged> {
    let partnership = store.partnership(partnership_id).await?;
    let actor = store.actor();
    let for_partner = actor.acts_as_director_of(partnership.organisation_id);
    let seat = actor.representations.iter().find(|r| r.partnership_id == partnership.id).cloned();
    if !for_partner && seat.is_none() {
        return Err(AppError::forbidden(
            "only a director or a representative of the partner may acknowledge the charter",
        ));
    }
    if partnership.status != PartnershipStatus::Active {
        return Err(AppError::conflict("only an active partner acknowledges the charter"));
    }
    let current = store.current_charter_version(partnership.network_id).await?;
    match current {
        None => return Err(AppError::conflict("the network has no charter yet")),
        Some(current) if current != version => {
            return Err(AppError::conflict(format!(
                "the current charter is version {current}; read it and acknowledge that"
            )));
        }
        Some(_) => {}
    }
    if for_partner {
        store.acknowledge_for_partner(partnership.id, version).await?;
    }
    if let Some(seat) = &seat {
        store.acknowledge_personally(seat.representation_id, version).await?;
    }
    store
        .record_event(
            NewEvent::network(
                EventKind::CharterAcknowledged,
                partnership.id,
                partnership.network_id,
                json!({ "version": version, "forPartner": for_partner, "personally": seat.is_some() }),
            )
            .concerning([partnership.organisation_id]),
        )
        .await?;
    let partnership = store.partnership(partnership.id).await?;
    Ok(Acknowledged { partnership, for_partner, personally: seat.is_some() })
}

pub async fn record_expectation(
    store: &Store,
    partnership_id: Uuid,
    kind: ExpectationKind,
    text: &str,
) -> AppResult<entity::expectation::Model> {
    let partnership = store.partnership(partnership_id).await?;
    let actor = store.actor();
    if !actor.facilitates(partnership.network_id)
        && !actor.acts_as_director_of(partnership.organisation_id)
        && !actor.represents(partnership.id)
    {
        return Err(AppError::forbidden(
            "only a director or representative of the partner, or a facilitator, may record its expectations",
        ));
    }
    if partnership.status != PartnershipStatus::Active {
        return Err(AppError::conflict("only an active partner records expectations"));
    }
    let text = Text::parse("text", text)?;
    let expectation = store.insert_expectation(&partnership, kind, text).await?;
    store
        .record_event(
            NewEvent::network(
                EventKind::ExpectationRecorded,
                expectation.id,
                partnership.network_id,
                json!({ "kind": kind }),
            )
            .concerning([partnership.organisation_id]),
        )
        .await?;
    Ok(expectation)
}
