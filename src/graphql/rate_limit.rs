//! Measuring and charging an operation's cost ([`super::cost`]). The HTTP
//! layer puts a [`Charger`] into the request's data; [`Costing`] estimates
//! the operation once it parsed, refuses it over the cost limit once it
//! validated, and charges the estimate before the transaction opens
//! ([`OpenAtExecution`](super::transaction::OpenAtExecution) opens it at execution), so neither an
//! operation over the limit nor a throttled one runs SQL. The HTTP layer
//! settles the difference to the answer's actual cost afterwards
//! ([`Charger::settle`]). Without a `Charger` nothing is charged, and the
//! limit still holds.

use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, ServerError, ServerResult, ValidationResult, Variables};

use super::QueryLimits;
use crate::domain::AppError;

/// What a refused operation costs (too long, too deep, too costly, invalid,
/// unparsable): refusing is cheap, but must not be free to ask for.
pub const REFUSED_POINTS: u64 = 10;

/// Where one request's operations spend their points.
#[async_trait::async_trait]
pub trait Budget: Send + Sync {
    /// Spends `points`; `Err(AppError::Throttled)` when over budget.
    async fn charge(&self, points: u64) -> Result<(), AppError>;

    /// Settles an operation charged `requested` that cost `actual`: gives
    /// back the difference, or spends what the estimate missed (the work is
    /// done, so this never refuses).
    async fn settle(&self, requested: u64, actual: u64);
}

/// A request's [`Budget`], shared by its operations and their resolvers.
#[derive(Clone)]
pub struct Charger(Arc<dyn Budget>);

impl Charger {
    pub fn new(budget: impl Budget + 'static) -> Self {
        Self(Arc::new(budget))
    }

    pub async fn charge(&self, points: u64) -> Result<(), AppError> {
        self.0.charge(points).await
    }

    pub async fn settle(&self, requested: u64, actual: u64) {
        if requested != actual {
            self.0.settle(requested, actual).await;
        }
    }
}

/// The schema extension that measures, limits and charges each operation,
/// and reports its estimate in the response's `extensions.cost`
/// (`requestedQueryCost`, Shopify's shape; the HTTP layer adds
/// `actualQueryCost` and `throttleStatus`).
pub struct Costing {
    limits: QueryLimits,
    production: bool,
}

impl Costing {
    pub fn new(limits: QueryLimits, production: bool) -> Self {
        Self { limits, production }
    }
}

impl ExtensionFactory for Costing {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Measure { limits: self.limits, production: self.production, ..Measure::default() })
    }
}

/// One operation's measuring: its name (from the request), then its estimate.
#[derive(Default)]
struct Measure {
    limits: QueryLimits,
    production: bool,
    operation_name: Mutex<Option<String>>,
    requested: Mutex<Option<u64>>,
}

impl Measure {
    async fn refuse(ctx: &ExtensionContext<'_>) {
        if let Some(charger) = ctx.data_opt::<Charger>() {
            let _ = charger.charge(REFUSED_POINTS).await;
        }
    }

    fn requested(&self) -> Option<u64> {
        *self.requested.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn server_error(refusal: AppError) -> ServerError {
    let mut error = ServerError::new(refusal.to_string(), None);
    error.source = Some(Arc::new(refusal));
    error
}

#[async_trait::async_trait]
impl Extension for Measure {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        *self.operation_name.lock().unwrap_or_else(PoisonError::into_inner) = request.operation_name.clone();
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let parsed = next.run(ctx, query, variables).await;
        match &parsed {
            Ok(document) => {
                let name = self.operation_name.lock().unwrap_or_else(PoisonError::into_inner).clone();
                let requested = super::cost::requested(document, name.as_deref(), variables, super::schema_types());
                *self.requested.lock().unwrap_or_else(PoisonError::into_inner) = requested;
            }
            Err(_) => Self::refuse(ctx).await,
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
                // Invalid: the fixed cost of a refusal.
                Self::refuse(ctx).await;
                return Err(errors);
            }
        };
        // No operation to run: execution refuses it, before any SQL.
        let Some(requested) = self.requested() else { return Ok(validated) };
        let limit = self.limits.complexity as u64;
        if requested > limit {
            Self::refuse(ctx).await;
            return Err(vec![server_error(super::limits::exceeded(
                self.production,
                "the query asks for too much at once",
                || {
                    format!(
                        "the query costs {requested} points and an operation may cost at most {limit}: \
                         ask for fewer items per page (a connection costs `first` times its items)"
                    )
                },
            ))]);
        }
        let Some(charger) = ctx.data_opt::<Charger>() else { return Ok(validated) };
        match charger.charge(requested.max(1)).await {
            Ok(()) => Ok(validated),
            Err(refusal) => Err(vec![server_error(refusal)]),
        }
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: async_graphql::extensions::NextExecute<'_>,
    ) -> async_graphql::Response {
        let mut response = next.run(ctx, operation_name).await;
        if let Some(requested) = self.requested() {
            let cost = async_graphql::value!({ "requestedQueryCost": requested.max(1) });
            response.extensions.insert("cost".to_owned(), cost);
        }
        response
    }
}
