//! The rules of Eendracht. Architecture invariant: this module knows nothing of
//! GraphQL or HTTP; it decides, the store persists, resolvers translate.

pub mod actor;
pub mod error;
pub mod events;
pub mod governance;
pub mod policy;
pub mod values;

pub use actor::{Actor, CurrentPosition};
pub use error::{AppError, AppResult};
