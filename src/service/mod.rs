//! Use cases: one function per mutation, in one module per area. Each checks
//! the rules (`domain`), changes the data (`store`) and records its event, all
//! in the request's transaction. Resolvers call these and decide nothing.

pub mod alignment;
pub mod health;
pub mod integration;
pub mod networks;
pub mod organisations;
pub mod people;
pub mod ratification;
pub mod work;
