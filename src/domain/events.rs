//! Event kinds and their wire names: lower-case dotted, one name used
//! everywhere (timeline, subscriptions, webhooks). Add kinds freely; never
//! rename one.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    TenantCreated,
    OrganisationCreated,
    OrganisationUpdated,
    GoverningBodiesSet,
    PersonCreated,
    PersonUpdated,
    PositionAssigned,
    PositionEnded,
    NetworkCreated,
    NetworkUpdated,
    NetworkSettingsChanged,
    FacilitatorAssigned,
    CharterAdopted,
    CharterAcknowledged,
    PartnerInvited,
    PartnerJoined,
    PartnerLeft,
    RepresentativesSet,
    ExpectationRecorded,
    AlignmentRoundOpened,
    AlignmentResponseSubmitted,
    AlignmentRoundClosed,
}

impl EventKind {
    pub const ALL: &'static [EventKind] = &[
        EventKind::TenantCreated,
        EventKind::OrganisationCreated,
        EventKind::OrganisationUpdated,
        EventKind::GoverningBodiesSet,
        EventKind::PersonCreated,
        EventKind::PersonUpdated,
        EventKind::PositionAssigned,
        EventKind::PositionEnded,
        EventKind::NetworkCreated,
        EventKind::NetworkUpdated,
        EventKind::NetworkSettingsChanged,
        EventKind::FacilitatorAssigned,
        EventKind::CharterAdopted,
        EventKind::CharterAcknowledged,
        EventKind::PartnerInvited,
        EventKind::PartnerJoined,
        EventKind::PartnerLeft,
        EventKind::RepresentativesSet,
        EventKind::ExpectationRecorded,
        EventKind::AlignmentRoundOpened,
        EventKind::AlignmentResponseSubmitted,
        EventKind::AlignmentRoundClosed,
    ];

    pub fn wire_name(self) -> &'static str {
        match self {
            EventKind::TenantCreated => "tenant.created",
            EventKind::OrganisationCreated => "organisation.created",
            EventKind::OrganisationUpdated => "organisation.updated",
            EventKind::GoverningBodiesSet => "governing_bodies.set",
            EventKind::PersonCreated => "person.created",
            EventKind::PersonUpdated => "person.updated",
            EventKind::PositionAssigned => "position.assigned",
            EventKind::PositionEnded => "position.ended",
            EventKind::NetworkCreated => "network.created",
            EventKind::NetworkUpdated => "network.updated",
            EventKind::NetworkSettingsChanged => "network.settings_changed",
            EventKind::FacilitatorAssigned => "network.facilitator_assigned",
            EventKind::CharterAdopted => "charter.adopted",
            EventKind::CharterAcknowledged => "charter.acknowledged",
            EventKind::PartnerInvited => "partner.invited",
            EventKind::PartnerJoined => "partner.joined",
            EventKind::PartnerLeft => "partner.left",
            EventKind::RepresentativesSet => "representatives.set",
            EventKind::ExpectationRecorded => "expectation.recorded",
            EventKind::AlignmentRoundOpened => "alignment_round.opened",
            EventKind::AlignmentResponseSubmitted => "alignment_response.submitted",
            EventKind::AlignmentRoundClosed => "alignment_round.closed",
        }
    }

    pub fn from_wire_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|kind| kind.wire_name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_unique_lower_case_and_dotted() {
        let mut seen = std::collections::HashSet::new();
        for kind in EventKind::ALL {
            let name = kind.wire_name();
            assert!(seen.insert(name), "{name} used twice");
            assert!(name.contains('.') && name.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'));
            assert_eq!(EventKind::from_wire_name(name), Some(*kind));
        }
    }
}
