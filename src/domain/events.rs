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
        }
    }

    pub fn from_wire_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|kind| kind.wire_name() == name)
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
            assert!(
                name.contains('.')
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
            );
            assert_eq!(EventKind::from_wire_name(name), Some(*kind));
        }
    }
}
