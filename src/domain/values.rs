//! Input values parsed once at the edge ("parse, don't validate"): a value of
//! these types is valid by construction, so the store never re-checks it.

use super::{AppError, AppResult};

/// A display name or title: trimmed, 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(field: &str, raw: &str) -> AppResult<Self> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(AppError::bad_input(field, format!("{field} must not be empty")));
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(AppError::bad_input(field, format!("{field} must be at most {} characters", Self::MAX_CHARS)));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(AppError::bad_input(field, format!("{field} must not contain control characters")));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A longer text (a purpose, charter text, an expectation): trimmed, 1 to
/// 10,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(String);

impl Text {
    pub const MAX_CHARS: usize = 10_000;

    pub fn parse(field: &str, raw: &str) -> AppResult<Self> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(AppError::bad_input(field, format!("{field} must not be empty")));
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(AppError::bad_input(field, format!("{field} must be at most {} characters", Self::MAX_CHARS)));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// An optional text: absent or blank is `None`.
    pub fn parse_optional(field: &str, raw: Option<&str>) -> AppResult<Option<Self>> {
        match raw.map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => Self::parse(field, text).map(Some),
        }
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// An e-mail address, lower-cased; a plausibility check, not RFC 5321.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, raw: &str) -> AppResult<Self> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && matches!(email.split_once('@'), Some((local, domain))
                if !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
                    && !domain.ends_with('.') && !domain.contains('@'));
        if valid {
            Ok(Self(email))
        } else {
            Err(AppError::bad_input(field, format!("{field} is not a valid e-mail address")))
        }
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// The `sub` claim a person signs in with: 1 to 255 visible characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject(String);

impl Subject {
    pub fn parse(field: &str, raw: &str) -> AppResult<Self> {
        let valid = !raw.is_empty() && raw.len() <= 255 && !raw.chars().any(|c| c.is_whitespace() || c.is_control());
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(AppError::bad_input(field, format!("{field} must be 1 to 255 visible characters without spaces")))
        }
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A tenant slug: lower-case letters, digits and dashes, 2 to 64 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> AppResult<Self> {
        let valid = (2..=64).contains(&raw.len())
            && raw.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !raw.starts_with('-')
            && !raw.ends_with('-');
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(AppError::bad_input("slug", "a slug is 2 to 64 lower-case letters, digits and dashes"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many days an advisory body has to answer: 0 to 365.
pub fn response_days(field: &str, days: i32) -> AppResult<i32> {
    if (0..=365).contains(&days) {
        Ok(days)
    } else {
        Err(AppError::bad_input(field, format!("{field} must be between 0 and 365")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(Name::parse("name", "  Woonstad  ").map(Name::into_inner).ok(), Some("Woonstad".into()));
        assert!(Name::parse("name", "   ").is_err());
        assert!(Name::parse("name", &"x".repeat(201)).is_err());
        assert!(Name::parse("name", &"é".repeat(200)).is_ok());
        assert!(Name::parse("name", "a\u{0}b").is_err());
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(Email::parse("email", "Anna@Gemeente.NL").is_ok());
        for bad in ["", "anna", "@x.nl", "anna@nl", "anna@.nl", "a b@x.nl", "a@b@x.nl"] {
            assert!(Email::parse("email", bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn slugs_are_lower_case_words_with_dashes() {
        assert!(Slug::parse("regio-west").is_ok());
        for bad in ["", "a", "Regio", "-x", "x-", "a_b"] {
            assert!(Slug::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
