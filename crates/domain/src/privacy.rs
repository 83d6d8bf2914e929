//! Privacy rules (people here are EU residents, so the GDPR applies).

/// The name an anonymised person shows under: their decisions, answers and
/// history stay, attributed to "a former member" instead of to them.
pub const FORMER_MEMBER: &str = "Former member";
