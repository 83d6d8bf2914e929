//! sea-orm entities of Eendracht: one module per table, plus the enums stored in
//! them. Architecture invariant: this crate holds table rows and nothing else; no
//! business rule and no access decision lives here.

pub mod alignment_answer;
pub mod alignment_invitee;
pub mod alignment_question;
pub mod alignment_response;
pub mod alignment_round;
pub mod api_client;
pub mod body_member;
pub mod calendar_feed;
pub mod charter_version;
pub mod commitment;
pub mod commitment_party;
pub mod consultation_input;
pub mod dossier;
pub mod event;
pub mod event_organisation;
pub mod expectation;
pub mod goal;
pub mod governing_body;
pub mod health_contribution;
pub mod health_fact;
pub mod health_tally;
pub mod identity_provider;
pub mod mail;
pub mod mail_preference;
pub mod mandate_rule;
pub mod meeting;
pub mod meeting_agenda_item;
pub mod meeting_attendee;
pub mod network;
pub mod network_facilitator;
pub mod organisation;
pub mod partnership;
pub mod person;
pub mod position;
pub mod progress_update;
pub mod ratification;
pub mod ratification_condition;
pub mod ratification_record;
pub mod reminder;
pub mod representation;
pub mod tenant;
pub mod types;
pub mod webhook;
pub mod webhook_attempt;
pub mod webhook_delivery;
pub mod webhook_outbox;

pub use types::*;
