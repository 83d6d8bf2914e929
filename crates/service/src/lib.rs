//! Use cases: one function per mutation, in one module per area. Each checks
//! the rules (`domain`), changes the data (`store`) and records its event, all
//! in the request's transaction. Resolvers call these and decide nothing.
//!
//! A crate of its own: use cases know no GraphQL and no HTTP.

// The layers below, under the names the code has always used.
use eendracht_auth::{self as auth, outbound};
use eendracht_domain::{self as domain, clock, i18n};
use eendracht_store as store;

pub mod agenda;
pub mod alignment;
pub mod archive;
pub mod calendar;
pub mod collaboration;
pub mod digest;
pub mod dossier;
pub mod health;
pub mod integration;
pub mod mail;
pub mod meetings;
pub mod networks;
pub mod organisations;
pub mod people;
pub mod ratification;
pub mod work;
