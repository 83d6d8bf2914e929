//! Resolving the actor on PostgreSQL in two statements instead of eight.
//!
//! Every request starts here, so its round trips count on every request: the
//! portable path in `store::resolve_actor` asks for the tenant, the setting,
//! the person, positions, board seats, facilitated networks, partnerships and
//! representations one by one. Here the first statement finds the tenant and
//! sets the transaction's tenant (row-level security) and deadline; the second
//! reads everything about the person at once, the same conditions as the
//! portable path, aggregated as JSON. The two cannot merge: the policies read
//! `app.tenant_id`, which must be set before the statement that reads under it.

use chrono::NaiveDate;
use entity::{PartnershipStatus, PositionRole, TenantRole};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};
use serde::Deserialize;
use std::time::Duration;
use uuid::Uuid;

use super::TenantKey;
use crate::auth::{Identity, Principal, TenantRef};
use crate::domain::{Actor, AppError, AppResult, CurrentPosition, CurrentRepresentation, OwnPartnership};
use crate::errors::Context;

const TENANT_BY_SLUG: &str = "SELECT id, slug, set_config('app.tenant_id', id::text, true), \
     set_config('statement_timeout', $2, true), pg_backend_pid() AS pid FROM tenants WHERE slug = $1";
const TENANT_BY_ID: &str = "SELECT id, slug, set_config('app.tenant_id', id::text, true), \
     set_config('statement_timeout', $2, true), pg_backend_pid() AS pid FROM tenants WHERE id = $1";

/// Everything after `me` of the person query (see `person_query!`).
macro_rules! person_rest {
    () => {
        "
current_positions AS (
  SELECT organisation_id, role FROM positions
  WHERE tenant_id = $1 AND person_id = (SELECT id FROM me)
    AND started_on <= $3 AND (ended_on IS NULL OR ended_on > $3))
SELECT me.id, me.tenant_role,
  COALESCE((SELECT json_agg(json_build_object('organisation_id', organisation_id, 'role', role))
            FROM current_positions), '[]'::json) AS positions,
  COALESCE((SELECT json_agg(bm.body_id) FROM body_members bm
            WHERE bm.tenant_id = $1 AND bm.person_id = me.id AND bm.body_id IN (
              SELECT gb.id FROM governing_bodies gb
              WHERE gb.tenant_id = $1 AND gb.organisation_id IN (SELECT organisation_id FROM current_positions))),
           '[]'::json) AS body_ids,
  COALESCE((SELECT json_agg(nf.network_id) FROM network_facilitators nf
            WHERE nf.tenant_id = $1 AND nf.person_id = me.id), '[]'::json) AS facilitated,
  COALESCE((SELECT json_agg(json_build_object('partnership_id', pa.id, 'network_id', pa.network_id,
                                              'organisation_id', pa.organisation_id, 'status', pa.status))
            FROM partnerships pa
            WHERE pa.tenant_id = $1 AND pa.status IN ('ACTIVE', 'INVITED')
              AND pa.organisation_id IN (SELECT organisation_id FROM current_positions)), '[]'::json) AS partnerships,
  COALESCE((SELECT json_agg(json_build_object('representation_id', r.id, 'partnership_id', r.partnership_id,
                                              'network_id', r.network_id, 'organisation_id', r.organisation_id))
            FROM representations r
            WHERE r.tenant_id = $1 AND r.person_id = me.id
              AND r.started_on <= $3 AND (r.ended_on IS NULL OR r.ended_on > $3)), '[]'::json) AS representations
FROM me"
    };
}

/// $1 tenant, $2 subject (or e-mail address), $3 today. Mirrors the portable
/// queries: current positions; seats on bodies of the organisations of those
/// positions; facilitated networks; INVITED or ACTIVE partnerships of those
/// organisations; current representations. `me` finds the person.
macro_rules! person_query {
    ($me:literal) => {
        concat!("WITH me AS (", $me, "),", person_rest!())
    };
}

const PERSON_BY_SUBJECT: &str =
    person_query!("SELECT id, tenant_role FROM people WHERE tenant_id = $1 AND subject = $2");
/// Only an address exactly one person has names someone.
const PERSON_BY_EMAIL: &str = person_query!(
    "SELECT id, tenant_role FROM people WHERE tenant_id = $1 AND lower(email) = $2 AND anonymized_at IS NULL \
     AND (SELECT count(*) FROM people p WHERE p.tenant_id = $1 AND lower(p.email) = $2 AND p.anonymized_at IS NULL) = 1"
);

/// The owner of a live feed: its secret's hash, not revoked, the person not
/// anonymised.
const PERSON_BY_FEED: &str = person_query!(
    "SELECT p.id, p.tenant_role FROM calendar_feeds f JOIN people p ON p.tenant_id = f.tenant_id AND p.id = f.person_id \
     WHERE f.tenant_id = $1 AND f.token_hash = $2 AND f.revoked_at IS NULL AND p.anonymized_at IS NULL"
);

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

/// Finds the principal's tenant and sets the transaction's tenant (row-level
/// security) and deadline.
pub(super) async fn tenant(
    tx: &DatabaseTransaction,
    principal: &Principal,
    statement_timeout: Duration,
) -> AppResult<(TenantKey, i32)> {
    let timeout = format!("{}ms", statement_timeout.as_millis());
    let tenant = match &principal.tenant {
        TenantRef::Slug(slug) => {
            Statement::from_sql_and_values(DbBackend::Postgres, TENANT_BY_SLUG, [slug.as_str().into(), timeout.into()])
        }
        TenantRef::Id(id) => {
            Statement::from_sql_and_values(DbBackend::Postgres, TENANT_BY_ID, [(*id).into(), timeout.into()])
        }
    };
    let tenant = tx
        .query_one_raw(tenant)
        .await
        .context("looking up the token's tenant")?
        .ok_or_else(|| AppError::Unauthenticated("unknown tenant".into()))?;
    let key = TenantKey {
        id: tenant.try_get("", "id").context("reading the tenant")?,
        slug: tenant.try_get("", "slug").context("reading the tenant")?,
    };
    Ok((key, tenant.try_get("", "pid").context("reading the server process")?))
}

/// The person a subject or e-mail address names, with everything about them.
pub(super) async fn person_actor(
    tx: &DatabaseTransaction,
    tenant: TenantKey,
    identity: &Identity,
    today: NaiveDate,
) -> AppResult<Actor> {
    let (sql, key) = match identity {
        Identity::Subject(subject) => (PERSON_BY_SUBJECT, subject.as_str()),
        Identity::Email(email) => (PERSON_BY_EMAIL, email.as_str()),
        Identity::CalendarFeed(hash) => (PERSON_BY_FEED, hash.as_str()),
        Identity::ApiClient(_) => {
            return Err(AppError::Internal(anyhow::anyhow!("an API client is not a person")));
        }
    };
    let rows = tx
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [tenant.id.into(), key.into(), today.into()],
        ))
        .await
        .context("resolving the token's person")?;
    // Exactly one: an address that two people share names neither.
    let [row] = <[sea_orm::QueryResult; 1]>::try_from(rows)
        .map_err(|_| AppError::Unauthenticated("the token names no single person of the tenant".into()))?;
    let parse = |column: &str| -> AppResult<serde_json::Value> {
        row.try_get::<serde_json::Value>("", column).with_context(|| format!("reading the viewer's {column}"))
    };
    let positions: Vec<PositionRow> =
        serde_json::from_value(parse("positions")?).context("decoding the viewer's positions")?;
    let body_ids: Vec<Uuid> = serde_json::from_value(parse("body_ids")?).context("decoding the viewer's bodies")?;
    let facilitated_network_ids: Vec<Uuid> =
        serde_json::from_value(parse("facilitated")?).context("decoding the viewer's networks")?;
    let partnerships: Vec<PartnershipRow> =
        serde_json::from_value(parse("partnerships")?).context("decoding the viewer's partnerships")?;
    let representations: Vec<RepresentationRow> =
        serde_json::from_value(parse("representations")?).context("decoding the viewer's representations")?;

    Ok(Actor {
        tenant_id: tenant.id,
        tenant_slug: tenant.slug,
        person_id: Some(row.try_get("", "id").context("reading the viewer")?),
        api_client_id: None,
        tenant_role: row.try_get::<Option<TenantRole>>("", "tenant_role").context("reading the viewer's role")?,
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
