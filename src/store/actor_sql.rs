//! Resolving the actor on PostgreSQL in one round trip instead of eight.
//!
//! Every request starts here, so its round trips count on every request: the
//! portable path in `store::resolve_actor` asks for the tenant, the setting,
//! the person, positions, board seats, facilitated networks, partnerships and
//! representations one by one. Here one call of `eendracht_request_actor` (a
//! PL/pgSQL function, see its migration) finds the tenant, sets the
//! transaction's tenant (row-level security) and deadline, and then reads
//! everything about the person under them, aggregated as JSON. As plain SQL it
//! took two statements: the policies read `app.tenant_id`, which must be set
//! before the statement that reads under it starts.

use anyhow::Context;
use chrono::NaiveDate;
use entity::{PartnershipStatus, PositionRole, TenantRole};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};
use serde::Deserialize;
use std::time::Duration;
use uuid::Uuid;

use crate::auth::{Principal, TenantRef};
use crate::domain::{Actor, AppError, AppResult, CurrentPosition, CurrentRepresentation, OwnPartnership};

/// One call: finds the tenant, sets `app.tenant_id` and the deadline, and reads
/// the person under the policies (migration `m20261128_000007_request_actor`).
const REQUEST_ACTOR: &str = "SELECT eendracht_request_actor($1, $2, $3, $4, $5) AS actor";

#[derive(Deserialize)]
struct Resolved {
    tenant_id: Uuid,
    tenant_slug: String,
    person: Option<PersonRow>,
}

#[derive(Deserialize)]
struct PersonRow {
    id: Uuid,
    tenant_role: Option<TenantRole>,
    positions: Vec<PositionRow>,
    body_ids: Vec<Uuid>,
    facilitated: Vec<Uuid>,
    partnerships: Vec<PartnershipRow>,
    representations: Vec<RepresentationRow>,
}

#[derive(Deserialize)]
struct PositionRow {
    organisation_id: Uuid,
    role: PositionRole,
}

#[derive(Deserialize)]
struct PartnershipRow {
    partnership_id: Uuid,
    network_id: Uuid,
    organisation_id: Uuid,
    status: PartnershipStatus,
}

#[derive(Deserialize)]
struct RepresentationRow {
    representation_id: Uuid,
    partnership_id: Uuid,
    network_id: Uuid,
    organisation_id: Uuid,
}

pub(super) async fn resolve_actor(
    tx: &DatabaseTransaction,
    principal: &Principal,
    today: NaiveDate,
    statement_timeout: Duration,
) -> AppResult<Actor> {
    let timeout = format!("{}ms", statement_timeout.as_millis());
    let (slug, id) = match &principal.tenant {
        TenantRef::Slug(slug) => (Some(slug.clone()), None),
        TenantRef::Id(id) => (None, Some(*id)),
    };
    let row = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            REQUEST_ACTOR,
            [slug.into(), id.into(), principal.subject.as_str().into(), today.into(), timeout.into()],
        ))
        .await
        .context("resolving the token's actor")?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("eendracht_request_actor returned no row")))?;
    let resolved: Option<Resolved> = serde_json::from_value(
        row.try_get::<Option<serde_json::Value>>("", "actor").context("reading the actor")?.unwrap_or_default(),
    )
    .context("decoding the actor")?;
    let resolved = resolved.ok_or_else(|| AppError::Unauthenticated("unknown tenant".into()))?;
    let person = resolved.person.ok_or_else(|| AppError::Unauthenticated("unknown subject".into()))?;
    let (tenant_id, tenant_slug) = (resolved.tenant_id, resolved.tenant_slug);
    let PersonRow {
        id: person_id,
        tenant_role,
        positions,
        body_ids,
        facilitated: facilitated_network_ids,
        partnerships,
        representations,
    } = person;

    Ok(Actor {
        tenant_id,
        tenant_slug,
        person_id,
        tenant_role,
        positions: positions
            .into_iter()
            .map(|p| CurrentPosition { organisation_id: p.organisation_id, role: p.role })
            .collect(),
        body_ids,
        facilitated_network_ids,
        partnerships: partnerships
            .into_iter()
            .map(|p| OwnPartnership {
                partnership_id: p.partnership_id,
                network_id: p.network_id,
                organisation_id: p.organisation_id,
                status: p.status,
            })
            .collect(),
        representations: representations
            .into_iter()
            .map(|r| CurrentRepresentation {
                representation_id: r.representation_id,
                partnership_id: r.partnership_id,
                network_id: r.network_id,
                organisation_id: r.organisation_id,
            })
            .collect(),
        today,
    })
}
