//! Scalars of our own.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{NaiveDate, SecondsFormat, Utc};

use crate::domain::values;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date, `YYYY-MM-DD` (ISO 8601 calendar date, RFC 3339 `full-date`),
/// without time or zone, e.g. `2026-12-07`.
#[Scalar(name = "Date", specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6")]
impl ScalarType for Date {
    /// The form, checked while validating (the range when parsed).
    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok())
    }

    /// Every Date argument and input field passes here, so the range of
    /// `domain::values::date` holds for all of them, present and future.
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => {
                let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .map_err(|_| InputValueError::custom("a Date is written YYYY-MM-DD"))?;
                values::date("a Date", date).map(Date).map_err(InputValueError::custom)
            }
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An instant, written in RFC 3339. The API always writes it in UTC with
/// exactly three fractional digits and `Z`, e.g. `2026-12-07T10:15:30.123Z`,
/// the same form as in event payloads and webhooks; it reads any RFC 3339
/// date-time (any offset, any number of fractional digits).
///
/// Ours rather than async-graphql's chrono scalar, whose output carries
/// nanoseconds and `+00:00`: one form everywhere lets a client compare and
/// sort the text. The name stays `DateTime`, which the contract holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime(pub chrono::DateTime<Utc>);

impl DateTime {
    /// The one written form of an instant, shared with event payloads and
    /// webhook bodies.
    pub fn wire(at: chrono::DateTime<Utc>) -> String {
        at.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(at: chrono::DateTime<Utc>) -> Self {
        DateTime(at)
    }
}

/// An instant in RFC 3339, written by the API in UTC with milliseconds and
/// `Z` (`2026-12-07T10:15:30.123Z`) everywhere, event payloads and webhooks
/// included; any RFC 3339 date-time is accepted as input.
#[Scalar(name = "DateTime", specified_by_url = "https://scalars.graphql.org/andimarek/date-time")]
impl ScalarType for DateTime {
    /// Checked while validating, so a malformed variable is refused before
    /// execution as a value that does not fit its argument, naming it.
    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if chrono::DateTime::parse_from_rfc3339(text).is_ok())
    }

    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => {
                chrono::DateTime::parse_from_rfc3339(text).map(|at| DateTime(at.with_timezone(&Utc))).map_err(|_| {
                    InputValueError::custom("a DateTime is written in RFC 3339, e.g. 2026-12-07T10:15:30.123Z")
                })
            }
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(DateTime::wire(self.0))
    }
}

/// Any JSON value (RFC 8259), written as itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Json(pub serde_json::Value);

/// Any JSON value (RFC 8259): an object, array, string, number, boolean or
/// null, written as itself rather than as a string. Where a field returns it,
/// its description says what shape to expect.
#[Scalar(name = "JSON", specified_by_url = "https://www.rfc-editor.org/rfc/rfc8259")]
impl ScalarType for Json {
    fn parse(value: Value) -> InputValueResult<Self> {
        value.into_json().map(Json).map_err(|_| InputValueError::custom("not a JSON value"))
    }

    fn to_value(&self) -> Value {
        Value::from_json(self.0.clone()).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_date_time_is_written_in_utc_with_milliseconds_and_z() {
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 10, 15, 30).unwrap() + chrono::Duration::nanoseconds(123_456_789);
        assert_eq!(DateTime(at).to_value(), Value::String("2026-12-07T10:15:30.123Z".into()));
        let whole = Utc.with_ymd_and_hms(2026, 12, 7, 10, 15, 30).unwrap();
        assert_eq!(DateTime(whole).to_value(), Value::String("2026-12-07T10:15:30.000Z".into()));
    }

    #[test]
    fn a_date_time_is_read_in_any_rfc_3339_form() {
        let expected = Utc.with_ymd_and_hms(2026, 12, 7, 9, 15, 30).unwrap();
        for text in ["2026-12-07T09:15:30Z", "2026-12-07T10:15:30+01:00", "2026-12-07T09:15:30.000000000+00:00"] {
            assert_eq!(DateTime::parse(Value::String(text.into())).ok(), Some(DateTime(expected)), "{text}");
        }
        assert!(DateTime::parse(Value::String("2026-12-07 09:15".into())).is_err());
        assert!(DateTime::parse(Value::Number(1.into())).is_err());
    }
}
