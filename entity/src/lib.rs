//! sea-orm entities of Eendracht: one module per table, plus the enums stored in
//! them. Architecture invariant: this crate holds table rows and nothing else; no
//! business rule and no access decision lives here.

pub mod body_member;
pub mod event;
pub mod event_organisation;
pub mod governing_body;
pub mod organisation;
pub mod person;
pub mod position;
pub mod tenant;
pub mod types;

pub use types::*;
