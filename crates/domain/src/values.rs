//! Input values parsed once at the edge ("parse, don't validate"): a value of
//! these types is valid by construction, so the store never re-checks it.

use std::ops::RangeInclusive;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

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

/// The years a date or moment given to the API may fall in: 1900 to 2200.
///
/// Nothing the application records lies outside them: the oldest dates are
/// when a long-standing organisation's position or partnership started, the
/// furthest a commitment's due date or a round's closing time. Inside them
/// every engine stores the value (PostgreSQL's timestamps end in the year
/// 294276, chrono's in 262143, SQLite would store anything) and every
/// computation on it stays far from overflow (`asOf` minus the look-back
/// window is still a date). Outside them a value is a mistake or a probe, and
/// is refused as BAD_USER_INPUT, the same on both engines.
pub const YEARS: RangeInclusive<i32> = 1900..=2200;

/// A calendar date within [`YEARS`].
pub fn date(field: &str, date: NaiveDate) -> AppResult<NaiveDate> {
    if YEARS.contains(&date.year()) { Ok(date) } else { Err(outside_years(field)) }
}

/// A moment within [`YEARS`] (in UTC).
pub fn moment(field: &str, at: DateTime<Utc>) -> AppResult<DateTime<Utc>> {
    if YEARS.contains(&at.year()) { Ok(at) } else { Err(outside_years(field)) }
}

fn outside_years(field: &str) -> AppError {
    AppError::bad_input(field, format!("{field} must fall between {}-01-01 and {}-12-31", YEARS.start(), YEARS.end()))
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
    fn dates_and_moments_fall_in_the_years_1900_to_2200() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
        assert!(date("dueOn", day(1900, 1, 1)).is_ok());
        assert!(date("dueOn", day(2200, 12, 31)).is_ok());
        for bad in [day(1899, 12, 31), day(2201, 1, 1), day(0, 1, 1), NaiveDate::MIN, NaiveDate::MAX] {
            let error = date("dueOn", bad).expect_err("outside the years");
            assert_eq!(error.to_string(), "dueOn must fall between 1900-01-01 and 2200-12-31");
        }
        assert!(moment("asOf", DateTime::<Utc>::MIN_UTC).is_err());
        assert!(moment("asOf", DateTime::<Utc>::MAX_UTC).is_err());
        assert!(moment("asOf", day(1900, 1, 1).and_hms_opt(0, 0, 0).expect("a time").and_utc()).is_ok());
    }

    #[test]
    fn slugs_are_lower_case_words_with_dashes() {
        assert!(Slug::parse("regio-west").is_ok());
        for bad in ["", "a", "Regio", "-x", "x-", "a_b"] {
            assert!(Slug::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}

/// A link to join a meeting online: an absolute `https` (or `http`) URL of at
/// most 2,000 characters. Nothing else a calendar or a browser would open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingLink(String);

impl MeetingLink {
    pub fn parse(field: &str, raw: &str) -> AppResult<Self> {
        let raw = raw.trim();
        let parsed = url::Url::parse(raw)
            .ok()
            .filter(|url| matches!(url.scheme(), "https" | "http") && url.host().is_some() && raw.len() <= 2000);
        match parsed {
            Some(url) => Ok(Self(url.to_string())),
            None => {
                Err(AppError::bad_input(field, format!("{field} must be an https link of at most 2,000 characters")))
            }
        }
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}
