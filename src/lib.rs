//! Eendracht: a multi-tenant GraphQL backend for networks of organisations
//! that work together. See ARCHITECTURE.md for the code map and invariants.
//!
//! This crate is the server: GraphQL, HTTP, the command line and the workers.
//! The layers below it are crates of their own, so that what each may know is
//! the compiler's to enforce: `eendracht-domain` (the rules; no GraphQL, HTTP
//! or SQL), `eendracht-auth` (who is asking), `eendracht-store` (persistence;
//! no use case), `eendracht-service` (the use cases; no GraphQL or HTTP). They
//! are re-exported here under their module names.

pub use eendracht_auth::{self as auth, outbound};
pub use eendracht_domain::{self as domain, clock, i18n};
pub use eendracht_service as service;
pub use eendracht_store as store;

pub mod cli;
pub mod config;
pub mod demo;
pub mod graphql;
pub mod http;
pub mod mail;
pub mod seed;
pub mod startup;
pub mod webhooks;
