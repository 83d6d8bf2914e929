//! Event kinds and their wire names: lower-case dotted, one name used
//! everywhere (timeline, subscriptions, webhooks). Add kinds freely; never
//! rename one.

/// Defines [`EventKind`] from one list of variants and wire names.
macro_rules! event_kinds {
    ($($variant:ident => $wire:literal),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventKind {
            $($variant),*
        }

        impl EventKind {
            pub const ALL: &'static [EventKind] = &[$(EventKind::$variant),*];

            pub fn wire_name(self) -> &'static str {
                match self {
                    $(EventKind::$variant => $wire),*
                }
            }
        }
    };
}

event_kinds! {
    TenantCreated => "tenant.created",
    TenantUpdated => "tenant.updated",
    OrganisationCreated => "organisation.created",
    OrganisationUpdated => "organisation.updated",
    GoverningBodiesSet => "governing_bodies.set",
    PersonCreated => "person.created",
    PersonUpdated => "person.updated",
    PersonAnonymized => "person.anonymized",
    PersonDataExported => "person.data_exported",
    PositionAssigned => "position.assigned",
    PositionEnded => "position.ended",
    NetworkCreated => "network.created",
    NetworkUpdated => "network.updated",
    NetworkSettingsChanged => "network.settings_changed",
    FacilitatorAssigned => "network.facilitator_assigned",
    CharterAdopted => "charter.adopted",
    CharterAcknowledged => "charter.acknowledged",
    PartnerInvited => "partner.invited",
    PartnerJoined => "partner.joined",
    PartnerLeft => "partner.left",
    RepresentativesSet => "representatives.set",
    ExpectationRecorded => "expectation.recorded",
    AlignmentRoundOpened => "alignment_round.opened",
    AlignmentResponseSubmitted => "alignment_response.submitted",
    AlignmentRoundClosed => "alignment_round.closed",
    GoalCreated => "goal.created",
    GoalUpdated => "goal.updated",
    MeetingRecorded => "meeting.recorded",
    MeetingPlanned => "meeting.planned",
    MeetingPlanChanged => "meeting.plan_changed",
    MeetingCancelled => "meeting.cancelled",
    CommitmentProposed => "commitment.proposed",
    CommitmentPartyAgreed => "commitment.party_agreed",
    CommitmentAgreed => "commitment.agreed",
    CommitmentUpdated => "commitment.updated",
    CommitmentReplanned => "commitment.replanned",
    CommitmentProgressAdded => "commitment.progress_added",
    CommitmentStarted => "commitment.started",
    CommitmentDelivered => "commitment.delivered",
    CommitmentDropped => "commitment.dropped",
    MandateSet => "mandate.set",
    ConsultationStarted => "ratification.consultation_started",
    ConsultationInputAdded => "ratification.consultation_input_added",
    RatificationDecided => "ratification.decided",
    RatificationReopened => "ratification.reopened",
    ConditionMet => "ratification.condition_met",
    ApiClientCreated => "api_client.created",
    ApiClientRevoked => "api_client.revoked",
    IdentityProviderAdded => "identity_provider.added",
    WebhookCreated => "webhook.created",
    WebhookUpdated => "webhook.updated",
    WebhookDisabled => "webhook.disabled",
    WebhookRedeliveryRequested => "webhook.redelivery_requested",
    CalendarFeedCreated => "calendar_feed.created",
    CalendarFeedRevoked => "calendar_feed.revoked",
    MailPreferencesChanged => "mail_preferences.changed",
    IndicatorCreated => "indicator.created",
    IndicatorChanged => "indicator.changed",
    IndicatorMeasured => "indicator.measured",
    CommitmentIndicatorsSet => "commitment.indicators_set",
    CycleCreated => "cycle.created",
    CycleCommitmentsChanged => "cycle.commitments_changed",
    CycleClosed => "cycle.closed",
}

impl EventKind {
    pub fn from_wire_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|kind| kind.wire_name() == name)
    }

    /// The kinds of the integration itself (clients, providers, webhooks):
    /// the only changes an API client may make.
    pub fn is_integration(self) -> bool {
        matches!(
            self,
            EventKind::ApiClientCreated
                | EventKind::ApiClientRevoked
                | EventKind::IdentityProviderAdded
                | EventKind::WebhookCreated
                | EventKind::WebhookUpdated
                | EventKind::WebhookDisabled
                | EventKind::WebhookRedeliveryRequested
        )
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
