//! Scalars of our own.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

use crate::domain::values;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date, `YYYY-MM-DD` (ISO 8601), without time or zone.
#[Scalar(name = "Date")]
impl ScalarType for Date {
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
