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
pub mod cycles;
pub mod digest;
pub mod dossier;
pub mod health;
pub mod indicators;
pub mod integration;
pub mod mail;
pub mod meetings;
pub mod networks;
pub mod organisations;
pub mod people;
pub mod ratification;
pub mod work;

use domain::{AppError, AppResult};

/// Many of one thing done at once (a partner's quarterly report), in
/// order, all or nothing: when any item is refused, the whole is, with every
/// refused item named by its index (`AppError::Items`), and nothing is
/// written (the request's transaction rolls back). A failure of ours stops
/// at once. An item the edge could not read (a malformed id) comes as its
/// error. `field` names the list, and the items in the message.
pub(crate) struct Batch<O> {
    field: &'static str,
    total: usize,
    done: Vec<O>,
    refused: Vec<domain::ItemError>,
}

impl<O> Batch<O> {
    pub(crate) fn new<I>(field: &'static str, inputs: &[AppResult<I>]) -> AppResult<Self> {
        if inputs.is_empty() {
            return Err(AppError::bad_input(field, format!("give at least one item in {field}")));
        }
        Ok(Self { field, total: inputs.len(), done: Vec::with_capacity(inputs.len()), refused: Vec::new() })
    }

    /// Takes one item's result; a failure of ours ends the batch at once.
    pub(crate) fn take(&mut self, index: usize, result: AppResult<O>) -> AppResult<()> {
        match result {
            Ok(output) => self.done.push(output),
            Err(error @ (AppError::Internal(_) | AppError::Unavailable | AppError::Timeout | AppError::Busy)) => {
                return Err(error);
            }
            Err(error) => self.refused.push(domain::ItemError::of(index, &error)),
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> AppResult<Vec<O>> {
        if self.refused.is_empty() {
            return Ok(self.done);
        }
        Err(AppError::Items {
            message: format!(
                "{} of {} {} were refused; nothing was recorded",
                self.refused.len(),
                self.total,
                self.field
            ),
            items: self.refused,
        })
    }
}
