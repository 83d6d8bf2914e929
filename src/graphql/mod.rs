//! The GraphQL API. Architecture invariant: only this module (and `http`,
//! which mounts it) knows async-graphql. Resolvers translate between wire
//! types and the service layer and decide nothing themselves.

mod alignment;
mod batch;
mod calendar;
mod collaboration;
mod connection;
pub mod cost;
mod cycles;
mod digest;
mod dossier;
mod enums;
pub mod error;
mod health;
mod ids;
mod indicators;
pub mod input_text;
mod integration;
pub mod limits;
pub mod loaders;
mod mail;
mod networks;
mod node;
pub mod operation;
mod organisations;
mod people;
pub mod rate_limit;
mod ratification;
mod scalars;
pub mod spec;
pub mod subscription;
mod timeline;
pub mod transaction;
mod viewer;
mod work;

use async_graphql::{Context, MergedObject, SDLExportOptions, Schema};

use crate::store::Store;

/// The entry points for reading.
#[derive(MergedObject, Default)]
pub struct Query(
    viewer::ViewerQuery,
    node::NodeQuery,
    organisations::OrganisationQuery,
    people::PeopleQuery,
    networks::NetworkQuery,
    integration::IntegrationQuery,
);

/// The entry points for changing data. Each takes one `input` object and
/// returns a payload named after it; each runs in one transaction with its event.
#[derive(MergedObject, Default)]
pub struct Mutation(
    organisations::OrganisationMutation,
    people::PeopleMutation,
    networks::NetworkMutation,
    alignment::AlignmentMutation,
    work::WorkMutation,
    ratification::RatificationMutation,
    integration::IntegrationMutation,
    calendar::CalendarMutation,
    mail::MailMutation,
    indicators::IndicatorMutation,
    cycles::CycleMutation,
);

pub type AppSchema = Schema<Query, Mutation, subscription::Subscription>;

pub use calendar::CalendarLinks;

/// The network a global id names (as the API writes ids), for the HTTP
/// routes beside GraphQL; `None` for anything else.
pub fn network_id(global: &str) -> Option<uuid::Uuid> {
    ids::decode_id("id", &async_graphql::ID::from(global), ids::NodeType::Network).ok()
}
pub use limits::QueryLimits;
pub(crate) use timeline::event_summary;

/// Builds the schema. `production` turns off field suggestions, which would
/// otherwise help a caller map the schema by guessing, and leaves the numbers
/// out of limit errors. The limits are kept as schema data for the handler's
/// own checks; [`transaction::OpenAtExecution`] opens the transaction only after validation.
/// `links` say where calendar feeds are reached (none: a path alone).
pub fn build_schema(limits: QueryLimits, production: bool, links: Option<CalendarLinks>) -> AppSchema {
    // Depth is checked in `limits::check_document`, which measures
    // introspection apart (async-graphql's own limit would refuse the
    // standard introspection queries of every GraphQL tool).
    // Cost is measured by `cost` (rows, as Shopify counts them), checked
    // against the limit and charged by `rate_limit::Costing`.
    let mut builder = Schema::build(Query::default(), Mutation::default(), subscription::Subscription)
        .extension(transaction::OpenAtExecution)
        // Parse and validation failures carry codes of their own.
        .extension(error::Phases)
        .extension(rate_limit::Costing::new(limits, production))
        .data(limits);
    if let Some(links) = links {
        builder = builder.data(links);
    }
    // A span per resolver (target `async_graphql::graphql`), only when the log
    // filter wants them (`RUST_LOG=async_graphql=info`): the extension wraps
    // every field and cost about 3 % of the server's CPU in the benchmark even
    // with its spans filtered out.
    if tracing::enabled!(target: "async_graphql::graphql", tracing::Level::INFO) {
        builder = builder.extension(async_graphql::extensions::Tracing);
    }
    if production {
        builder = builder.disable_suggestions();
    }
    builder.finish()
}

/// The type of every field, read once from the SDL: what execution
/// ([`spec`]) and cost ([`cost`]) walk a document and its answer with.
pub fn schema_types() -> &'static spec::SchemaTypes {
    static TYPES: std::sync::LazyLock<spec::SchemaTypes> =
        std::sync::LazyLock::new(|| spec::SchemaTypes::from_sdl(&sdl()));
    &TYPES
}

/// The SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    build_schema(QueryLimits::default(), false, None).sdl_with_options(SDLExportOptions::new().include_specified_by())
}

/// A figure as a person reads it: rounded to `digits` decimals. Every float
/// the schema returns goes through here, and its description says its scale.
fn rounded(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

/// The language of what a field shows a person: its `locale` argument, else
/// the request's `Accept-Language`, else the viewer's own choice, else their
/// tenant's (docs/i18n.md).
async fn language(ctx: &Context<'_>, locale: Option<health::Locale>) -> async_graphql::Result<crate::i18n::Locale> {
    match locale.map(Into::into).or_else(|| ctx.data_opt::<crate::i18n::Locale>().copied()) {
        Some(locale) => Ok(locale),
        None => Ok(crate::service::people::viewer_language(store(ctx)).await?),
    }
}

/// The request's store. Every request gets one before execution starts.
fn store<'a>(ctx: &Context<'a>) -> &'a Store {
    ctx.data_unchecked::<Store>()
}
