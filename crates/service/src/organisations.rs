//! Organisations and their governing bodies (tenant administration).

use entity::{BodyKind, BodyRight, OrganisationKind, organisation};
use serde_json::json;
use uuid::Uuid;

use crate::domain::events::EventKind;
use crate::domain::governance::{self, BodySpec};
use crate::domain::values::{self, Name};
use crate::domain::{AppError, AppResult, policy};
use crate::store::organisations::BodyChange;
use crate::store::{NewEvent, Store};

/// At most this many bodies per organisation: the input-list limit is 100,
/// and no organisation has more than a handful.
const MAX_BODIES: usize = 20;
const MAX_MEMBERS: usize = 100;

pub struct CreateOrganisation {
    pub name: String,
    pub kind: OrganisationKind,
}

pub async fn create(store: &Store, input: CreateOrganisation) -> AppResult<organisation::Model> {
    policy::require_admin(&store.actor())?;
    let name = Name::parse("name", &input.name)?;
    let bodies = governance::default_bodies(input.kind);
    let organisation = store.insert_organisation(name, input.kind, &bodies).await?;
    store
        .record_event(
            NewEvent::new(EventKind::OrganisationCreated, organisation.id, json!({ "kind": input.kind }))
                .concerning([organisation.id]),
        )
        .await?;
    Ok(organisation)
}

pub struct UpdateOrganisation {
    pub id: Uuid,
    pub expected_version: i32,
    pub name: Option<String>,
    pub kind: Option<OrganisationKind>,
}

pub async fn update(store: &Store, input: UpdateOrganisation) -> AppResult<organisation::Model> {
    // Existence (as far as the viewer can see) before rights: a hidden
    // organisation answers NOT_FOUND, never FORBIDDEN.
    store.organisation(input.id).await?;
    policy::require_admin(&store.actor())?;
    let name = input.name.as_deref().map(|n| Name::parse("name", n)).transpose()?;
    let mut changed = Vec::new();
    if name.is_some() {
        changed.push("name");
    }
    if input.kind.is_some() {
        changed.push("kind");
    }
    let organisation = store.update_organisation(input.id, input.expected_version, name, input.kind).await?;
    store
        .record_event(
            NewEvent::new(
                EventKind::OrganisationUpdated,
                organisation.id,
                json!({ "changed": changed, "kind": organisation.kind, "version": organisation.version }),
            )
            .concerning([organisation.id]),
        )
        .await?;
    Ok(organisation)
}

pub struct GoverningBodyInput {
    pub id: Option<Uuid>,
    pub name: String,
    pub kind: BodyKind,
    pub right: BodyRight,
    pub response_days: i32,
    pub member_ids: Vec<Uuid>,
}

pub struct SetGoverningBodies {
    pub organisation_id: Uuid,
    pub bodies: Vec<GoverningBodyInput>,
}

pub async fn set_governing_bodies(store: &Store, input: SetGoverningBodies) -> AppResult<organisation::Model> {
    let organisation = store.organisation(input.organisation_id).await?;
    policy::require_admin(&store.actor())?;
    if input.bodies.len() > MAX_BODIES {
        return Err(AppError::bad_input("bodies", format!("at most {MAX_BODIES} governing bodies")));
    }
    let mut changes = Vec::with_capacity(input.bodies.len());
    for body in input.bodies {
        if body.member_ids.len() > MAX_MEMBERS {
            return Err(AppError::bad_input("bodies.memberIds", format!("at most {MAX_MEMBERS} members per body")));
        }
        changes.push(BodyChange {
            id: body.id,
            spec: BodySpec {
                name: Name::parse("bodies.name", &body.name)?.into_inner(),
                kind: body.kind,
                right: body.right,
                response_days: values::response_days("bodies.responseDays", body.response_days)?,
            },
            member_ids: body.member_ids,
        });
    }
    let specs: Vec<BodySpec> = changes.iter().map(|c| c.spec.clone()).collect();
    governance::check_body_set(&specs)?;
    store.replace_bodies(organisation.id, changes).await?;
    store
        .record_event(
            NewEvent::new(
                EventKind::GoverningBodiesSet,
                organisation.id,
                json!({ "rights": specs.iter().map(|s| s.right).collect::<Vec<_>>() }),
            )
            .concerning([organisation.id]),
        )
        .await?;
    Ok(organisation)
}
