//! Eendracht: a multi-tenant GraphQL backend for networks of organisations
//! that work together. See ARCHITECTURE.md for the code map and invariants.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod domain;
pub mod graphql;
pub mod http;
pub mod i18n;
pub mod outbound;
pub mod seed;
pub mod service;
pub mod startup;
pub mod store;
pub mod webhooks;
