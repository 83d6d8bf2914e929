//! Integration tests over real HTTP: one test binary, one module per area.
//! Test names are sentences; each test runs on SQLite and PostgreSQL.

mod helpers;
// The real clients in tests/clients, installed on first use.
mod clients_install;

mod alignment;
mod archive;
mod auth;
mod backup;
mod bootstrap;
mod calendar;
mod clients;
mod collaboration;
mod commitments;
mod connections;
mod crash;
mod demo;
mod digest;
mod dossiers;
mod events;
mod execution;
mod extremes;
mod governance;
mod graphiql;
mod health;
mod health_facts;
mod http;
mod identity_providers;
mod indicators;
mod input;
mod introspection;
mod isolation;
mod isolation_random;
mod limits;
mod mail;
mod matrix;
mod meetings;
mod networks;
mod observability;
mod over_http;
mod pagination;
mod privacy;
mod rate_limit;
mod ratification;
mod rls;
mod roles;
mod safety;
mod scale;
mod schema;
mod shutdown;
mod subscriptions;
mod timeouts;
mod transfer;
mod upgrade;
mod webhooks;
