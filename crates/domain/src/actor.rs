//! Who is asking: built once per request from the token and the database, and
//! passed to every read and write. Roles come from the database, never from
//! the token.

use chrono::NaiveDate;
use entity::{PartnershipStatus, PositionRole, TenantRole};
use uuid::Uuid;

/// Whether a period (a position, a representation) holds on `day`: it has
/// started, and its end — the first day it no longer holds — is still to come.
/// `store::visibility` states the same rule in SQL.
pub fn holds_on(started_on: NaiveDate, ended_on: Option<NaiveDate>, day: NaiveDate) -> bool {
    started_on <= day && ended_on.is_none_or(|end| end > day)
}

/// A position that holds today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentPosition {
    pub organisation_id: Uuid,
    pub role: PositionRole,
}

/// A partnership (INVITED or ACTIVE) of one of the actor's organisations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnPartnership {
    pub partnership_id: Uuid,
    pub network_id: Uuid,
    pub organisation_id: Uuid,
    pub status: PartnershipStatus,
}

/// A representation of a partner that holds today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentRepresentation {
    pub representation_id: Uuid,
    pub partnership_id: Uuid,
    pub network_id: Uuid,
    pub organisation_id: Uuid,
}

#[derive(Debug, Clone)]
pub struct Actor {
    pub tenant_id: Uuid,
    pub tenant_slug: String,
    /// The person acting; `None` for an API client.
    pub person_id: Option<Uuid>,
    /// The API client acting, which holds a read-only DIRECTOR position of its
    /// organisation: it sees what a DIRECTOR sees and acts for nobody.
    pub api_client_id: Option<Uuid>,
    pub tenant_role: Option<TenantRole>,
    /// Only positions that hold on `today`; an ended position gives no rights.
    pub positions: Vec<CurrentPosition>,
    /// Ids of the governing bodies the person sits on.
    pub body_ids: Vec<Uuid>,
    /// Networks the person facilitates.
    pub facilitated_network_ids: Vec<Uuid>,
    /// INVITED and ACTIVE partnerships of the person's organisations.
    pub partnerships: Vec<OwnPartnership>,
    /// The person's current seats at network tables.
    pub representations: Vec<CurrentRepresentation>,
    /// The request's date by the injectable clock.
    pub today: NaiveDate,
}

impl Actor {
    /// The actor of background work in one tenant (the webhook worker): no
    /// person, sees the tenant as an admin does.
    pub fn system(tenant_id: Uuid, today: NaiveDate) -> Self {
        Self {
            tenant_id,
            tenant_slug: String::new(),
            person_id: None,
            api_client_id: None,
            tenant_role: Some(TenantRole::Admin),
            positions: Vec::new(),
            body_ids: Vec::new(),
            facilitated_network_ids: Vec::new(),
            partnerships: Vec::new(),
            representations: Vec::new(),
            today,
        }
    }

    pub fn is_api_client(&self) -> bool {
        self.api_client_id.is_some()
    }

    /// Whether the actor is this person.
    pub fn is(&self, person_id: Uuid) -> bool {
        self.person_id == Some(person_id)
    }

    /// The acting person, for what only a person can do (decide, agree,
    /// answer). An API client gets FORBIDDEN.
    pub fn person(&self) -> super::AppResult<Uuid> {
        self.person_id.ok_or_else(|| {
            super::AppError::forbidden("an API client reads for its organisation and writes no business data")
        })
    }

    pub fn is_admin(&self) -> bool {
        self.tenant_role == Some(TenantRole::Admin)
    }

    pub fn is_facilitator(&self) -> bool {
        self.tenant_role == Some(TenantRole::Facilitator)
    }

    /// The organisations the person currently works for, in any role.
    /// The networks the person takes part in: those they facilitate, sit at
    /// the table of, or whose organisation is an ACTIVE partner of. What
    /// their calendar and digest are about (an admin sees more, but takes
    /// part in no more).
    pub fn own_network_ids(&self) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = self
            .facilitated_network_ids
            .iter()
            .copied()
            .chain(
                self.partnerships
                    .iter()
                    .filter(|p| p.status == entity::PartnershipStatus::Active)
                    .map(|p| p.network_id),
            )
            .chain(self.representations.iter().map(|r| r.network_id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    pub fn organisation_ids(&self) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = self.positions.iter().map(|p| p.organisation_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    pub fn works_for(&self, organisation_id: Uuid) -> bool {
        self.positions.iter().any(|p| p.organisation_id == organisation_id)
    }

    /// Whether the actor may act as one of the organisation's people (give
    /// consultation input, report progress): a person who works for it; never
    /// an API client.
    pub fn acts_within(&self, organisation_id: Uuid) -> bool {
        !self.is_api_client() && self.works_for(organisation_id)
    }

    pub fn has_role_at(&self, organisation_id: Uuid, role: PositionRole) -> bool {
        self.positions.iter().any(|p| p.organisation_id == organisation_id && p.role == role)
    }

    /// The organisations the actor sees as a DIRECTOR (an API client's
    /// included).
    pub fn directed_organisation_ids(&self) -> Vec<Uuid> {
        self.organisation_ids().into_iter().filter(|org| self.is_director_of(*org)).collect()
    }

    /// Whether the actor sees what a DIRECTOR of the organisation sees (an
    /// API client of it included).
    pub fn is_director_of(&self, organisation_id: Uuid) -> bool {
        self.has_role_at(organisation_id, PositionRole::Director)
    }

    /// Whether the actor may act for the organisation as its DIRECTOR: a
    /// person in that position; never an API client, whose position only reads.
    pub fn acts_as_director_of(&self, organisation_id: Uuid) -> bool {
        !self.is_api_client() && self.is_director_of(organisation_id)
    }

    pub fn sits_on(&self, body_id: Uuid) -> bool {
        self.body_ids.contains(&body_id)
    }

    pub fn facilitates(&self, network_id: Uuid) -> bool {
        self.facilitated_network_ids.contains(&network_id)
    }

    /// Whether the person currently represents this partnership.
    pub fn represents(&self, partnership_id: Uuid) -> bool {
        self.representations.iter().any(|r| r.partnership_id == partnership_id)
    }

    /// The networks the person may see (ADMIN aside, who sees all): those they
    /// facilitate, those where one of their organisations is an ACTIVE partner,
    /// and, for a DIRECTOR, those their organisation is INVITED to, so that
    /// they can see what they are asked to accept.
    pub fn visible_network_ids(&self) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = self.facilitated_network_ids.clone();
        ids.extend(
            self.partnerships
                .iter()
                .filter(|p| {
                    p.status == PartnershipStatus::Active
                        || (p.status == PartnershipStatus::Invited && self.is_director_of(p.organisation_id))
                })
                .map(|p| p.network_id),
        );
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}
