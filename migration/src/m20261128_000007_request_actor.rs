//! The request's actor in one round trip on PostgreSQL.
//!
//! Every request starts by finding its tenant, setting `app.tenant_id` (which
//! row-level security reads) and its statement deadline, and reading all that
//! concerns its person. As two statements they cost two round trips on every
//! request; they could not be one statement, because the policies must see the
//! setting before the statement that reads under it begins. In a PL/pgSQL
//! function each statement starts after the previous one ended, so
//! `eendracht_request_actor` sets the tenant and then reads the person under it,
//! in one call.
//!
//! Decisions worth knowing:
//! - `SECURITY INVOKER` (the default) and the caller's `search_path`: the
//!   person is read as the API's role, under the policies, exactly as before.
//!   The function grants nothing.
//! - It returns one JSON object, `null` for an unknown tenant and with
//!   `"person": null` for an unknown subject; `store::actor_sql` decodes it.
//! - The conditions mirror the portable path in `store::resolve_actor`, which
//!   SQLite takes: current positions; seats on bodies of those organisations;
//!   facilitated networks; INVITED or ACTIVE partnerships of those
//!   organisations; current representations. A change to them is a new
//!   migration that replaces the function.

use sea_orm_migration::prelude::*;

const CREATE: &str = r#"
CREATE OR REPLACE FUNCTION eendracht_request_actor(
  p_slug text, p_tenant uuid, p_subject text, p_today date, p_timeout text)
RETURNS json LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_tenant uuid;
  v_slug text;
  v_person json;
BEGIN
  IF p_slug IS NOT NULL THEN
    SELECT id, slug INTO v_tenant, v_slug FROM tenants WHERE slug = p_slug;
  ELSE
    SELECT id, slug INTO v_tenant, v_slug FROM tenants WHERE id = p_tenant;
  END IF;
  IF v_tenant IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM set_config('app.tenant_id', v_tenant::text, true);
  PERFORM set_config('statement_timeout', p_timeout, true);

  WITH me AS (SELECT id, tenant_role FROM people WHERE tenant_id = v_tenant AND subject = p_subject),
  current_positions AS (
    SELECT organisation_id, role FROM positions
    WHERE tenant_id = v_tenant AND person_id = (SELECT id FROM me)
      AND started_on <= p_today AND (ended_on IS NULL OR ended_on > p_today))
  SELECT json_build_object(
    'id', me.id,
    'tenant_role', me.tenant_role,
    'positions', COALESCE((SELECT json_agg(json_build_object('organisation_id', organisation_id, 'role', role))
                           FROM current_positions), '[]'::json),
    'body_ids', COALESCE((SELECT json_agg(bm.body_id) FROM body_members bm
                          WHERE bm.tenant_id = v_tenant AND bm.person_id = me.id AND bm.body_id IN (
                            SELECT gb.id FROM governing_bodies gb
                            WHERE gb.tenant_id = v_tenant
                              AND gb.organisation_id IN (SELECT organisation_id FROM current_positions))),
                         '[]'::json),
    'facilitated', COALESCE((SELECT json_agg(nf.network_id) FROM network_facilitators nf
                             WHERE nf.tenant_id = v_tenant AND nf.person_id = me.id), '[]'::json),
    'partnerships', COALESCE((SELECT json_agg(json_build_object('partnership_id', pa.id, 'network_id', pa.network_id,
                                                                'organisation_id', pa.organisation_id,
                                                                'status', pa.status))
                              FROM partnerships pa
                              WHERE pa.tenant_id = v_tenant AND pa.status IN ('ACTIVE', 'INVITED')
                                AND pa.organisation_id IN (SELECT organisation_id FROM current_positions)),
                             '[]'::json),
    'representations', COALESCE((SELECT json_agg(json_build_object('representation_id', r.id,
                                                                   'partnership_id', r.partnership_id,
                                                                   'network_id', r.network_id,
                                                                   'organisation_id', r.organisation_id))
                                 FROM representations r
                                 WHERE r.tenant_id = v_tenant AND r.person_id = me.id
                                   AND r.started_on <= p_today AND (r.ended_on IS NULL OR r.ended_on > p_today)),
                                '[]'::json))
  INTO v_person
  FROM me;

  RETURN json_build_object('tenant_id', v_tenant, 'tenant_slug', v_slug, 'person', v_person);
END
$fn$;
"#;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        manager.get_connection().execute_unprepared(CREATE).await.map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared("DROP FUNCTION IF EXISTS eendracht_request_actor(text, uuid, text, date, text)")
            .await
            .map(|_| ())
    }
}
