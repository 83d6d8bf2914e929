//! The rules of Eendracht. Architecture invariant: this module knows nothing of
//! GraphQL or HTTP; it decides, the store persists, resolvers translate.

pub mod clock;
pub mod i18n;

pub mod actor;
pub mod agenda;
pub mod alignment;
pub mod calendar;
pub mod collaboration;
pub mod commitments;
pub mod cycles;
pub mod digest;
pub mod dossier;
pub mod error;
pub mod events;
pub mod governance;
pub mod health;
pub mod health_facts;
pub mod indicators;
pub mod integration;
pub mod mail;
pub mod policy;
pub mod privacy;
pub mod ratification;
pub mod settings;
pub mod values;

pub use actor::{Actor, CurrentPosition, CurrentRepresentation, OwnPartnership};
pub use error::{AppError, AppResult, ItemError};
