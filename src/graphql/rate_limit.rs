//! Charging an operation's points to the rate limits. The HTTP layer puts a
//! [`Charger`] into the request's data; [`RateLimit`] calls it with the
//! complexity async-graphql computed while validating, before the transaction
//! opens (the [`Guard`](super::limits::Guard) opens it at execution), so a
//! throttled operation runs no SQL. Without a `Charger` nothing is charged.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerError, ServerResult, ValidationResult, Variables};
use futures_util::future::BoxFuture;

use crate::domain::AppError;

type Charge = dyn Fn(u64) -> BoxFuture<'static, Result<(), AppError>> + Send + Sync;

/// What a refused operation costs (too long, too deep, too complex, invalid,
/// unparsable): refusing is cheap, but must not be free to ask for.
pub const REFUSED_POINTS: u64 = 10;

/// Spends an operation's points; `Err(AppError::Throttled)` when over budget.
#[derive(Clone)]
pub struct Charger(Arc<Charge>);

impl Charger {
    pub fn new(charge: impl Fn(u64) -> BoxFuture<'static, Result<(), AppError>> + Send + Sync + 'static) -> Self {
        Self(Arc::new(charge))
    }

    pub async fn charge(&self, points: u64) -> Result<(), AppError> {
        (self.0)(points).await
    }
}

/// The schema extension that charges each validated operation, and reports
/// what it cost in the response's `extensions.cost` (Shopify's shape:
/// `requestedQueryCost`, what was charged; `actualQueryCost`, the objects the
/// answer holds; the HTTP layer adds `throttleStatus`).
pub struct RateLimit;

impl ExtensionFactory for RateLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Charging::default())
    }
}

/// One operation's charging: what validation measured.
#[derive(Default)]
struct Charging {
    requested: std::sync::Mutex<Option<u64>>,
}

/// The objects in an answer: what its cost really was, row by row.
fn objects(value: &async_graphql::Value) -> u64 {
    match value {
        async_graphql::Value::Object(fields) => 1 + fields.values().map(objects).sum::<u64>(),
        async_graphql::Value::List(items) => items.iter().map(objects).sum(),
        _ => 0,
    }
}

#[async_trait::async_trait]
impl Extension for Charging {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: async_graphql::extensions::NextExecute<'_>,
    ) -> async_graphql::Response {
        let mut response = next.run(ctx, operation_name).await;
        let requested = *self.requested.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(requested) = requested {
            // The data object itself is not a row.
            let actual = objects(&response.data).saturating_sub(1);
            let cost = async_graphql::value!({ "requestedQueryCost": requested, "actualQueryCost": actual });
            response.extensions.insert("cost".to_owned(), cost);
        }
        response
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let parsed = next.run(ctx, query, variables).await;
        if parsed.is_err()
            && let Some(charger) = ctx.data_opt::<Charger>()
        {
            let _ = charger.charge(REFUSED_POINTS).await;
        }
        parsed
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let validated = match next.run(ctx).await {
            Ok(validated) => validated,
            Err(errors) => {
                // Invalid or over a limit: the fixed cost of a refusal.
                if let Some(charger) = ctx.data_opt::<Charger>() {
                    let _ = charger.charge(REFUSED_POINTS).await;
                }
                return Err(errors);
            }
        };
        let Some(charger) = ctx.data_opt::<Charger>() else { return Ok(validated) };
        let points = u64::try_from(validated.complexity).unwrap_or(u64::MAX).max(1);
        *self.requested.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(points);
        match (charger.0)(points).await {
            Ok(()) => Ok(validated),
            Err(refusal) => {
                let mut error = ServerError::new(refusal.to_string(), None);
                error.source = Some(Arc::new(refusal));
                Err(vec![error])
            }
        }
    }
}
