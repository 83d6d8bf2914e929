//! People and positions (tenant administration).

use chrono::NaiveDate;
use entity::{PositionRole, TenantRole, person, position};
use serde_json::json;
use uuid::Uuid;

use crate::domain::events::EventKind;
use crate::domain::values::{Email, Name, Subject};
use crate::domain::{AppError, AppResult, policy};
use crate::i18n::Locale;
use crate::store::{NewEvent, Store};

pub struct CreatePerson {
    pub subject: String,
    pub name: String,
    pub email: Option<String>,
    pub tenant_role: Option<TenantRole>,
}

pub async fn create_person(store: &Store, input: CreatePerson) -> AppResult<person::Model> {
    policy::require_admin(&store.actor())?;
    let subject = Subject::parse("subject", &input.subject)?;
    let name = Name::parse("name", &input.name)?;
    let email = input.email.as_deref().map(|e| Email::parse("email", e)).transpose()?;
    let person = store.insert_person(subject, name, email, input.tenant_role).await?;
    store
        .record_event(NewEvent::new(EventKind::PersonCreated, person.id, json!({ "tenantRole": person.tenant_role })))
        .await?;
    Ok(person)
}

pub struct AssignPosition {
    pub person_id: Uuid,
    pub organisation_id: Uuid,
    pub role: PositionRole,
    pub started_on: Option<NaiveDate>,
}

pub async fn assign_position(store: &Store, input: AssignPosition) -> AppResult<position::Model> {
    let person = store.person(input.person_id).await?;
    let organisation = store.organisation(input.organisation_id).await?;
    policy::require_admin(&store.actor())?;
    let started_on = input.started_on.unwrap_or(store.actor().today);
    let position = store.insert_position(person.id, organisation.id, input.role, started_on).await?;
    store
        .record_event(
            NewEvent::new(
                EventKind::PositionAssigned,
                position.id,
                json!({ "personId": person.id, "organisationId": organisation.id, "role": position.role, "startedOn": started_on }),
            )
            .concerning([organisation.id]),
        )
        .await?;
    Ok(position)
}

pub struct EndPosition {
    pub position_id: Uuid,
    pub ended_on: Option<NaiveDate>,
}

pub async fn end_position(store: &Store, input: EndPosition) -> AppResult<position::Model> {
    let position = store.position(input.position_id).await?;
    policy::require_admin(&store.actor())?;
    let ended_on = input.ended_on.unwrap_or(store.actor().today);
    if ended_on < position.started_on {
        return Err(AppError::bad_input("endedOn", "a position cannot end before it started"));
    }
    let position = store.end_position(position.id, ended_on).await?;
    store
        .record_event(
            NewEvent::new(
                EventKind::PositionEnded,
                position.id,
                json!({ "personId": position.person_id, "organisationId": position.organisation_id, "endedOn": ended_on }),
            )
            .concerning([position.organisation_id]),
        )
        .await?;
    Ok(position)
}

/// Erases a person's personal data (GDPR). ADMIN only. Their decisions,
/// answers and history stay, attributed to a former member; events never held
/// personal data, so none is rewritten. Anonymising twice changes nothing.
pub async fn anonymize_person(store: &Store, person_id: Uuid) -> AppResult<person::Model> {
    let person = store.person(person_id).await?;
    policy::require_admin(&store.actor())?;
    if store.actor().is(person.id) {
        // Signing oneself out for good could leave the tenant without an admin.
        return Err(AppError::bad_input("personId", "you cannot anonymize yourself; ask another administrator"));
    }
    if person.anonymized_at.is_some() {
        return Ok(person);
    }
    let person = store.anonymize_person(person.id).await?;
    store.record_event(NewEvent::new(EventKind::PersonAnonymized, person.id, json!({}))).await?;
    Ok(person)
}

/// Everything held about a person (GDPR access/portability): for an admin or
/// the person themself. The export itself is recorded as an event.
pub async fn export_person_data(store: &Store, person_id: Uuid) -> AppResult<(person::Model, serde_json::Value)> {
    let person = store.person(person_id).await?;
    policy::require_admin_or_self(&store.actor(), person.id)?;
    let data = store.person_data(person.id).await?;
    store.record_event(NewEvent::new(EventKind::PersonDataExported, person.id, json!({}))).await?;
    Ok((person, data))
}

/// Sets the language a person reads Eendracht in; `None` follows the
/// tenant's. The person themself, or an ADMIN.
pub async fn set_language(store: &Store, person_id: Uuid, language: Option<Locale>) -> AppResult<person::Model> {
    let person = store.person(person_id).await?;
    if !store.actor().is(person.id) {
        policy::require_admin(&store.actor())?;
    }
    let person = store.set_person_language(person.id, language).await?;
    *store.language_slot().await = None;
    let payload = json!({ "language": language.map(Locale::tag) });
    store.record_event(NewEvent::new(EventKind::PersonUpdated, person.id, payload)).await?;
    Ok(person)
}

/// Sets the language of the tenant's people who chose none. ADMIN only.
pub async fn set_tenant_language(store: &Store, language: Locale) -> AppResult<entity::tenant::Model> {
    policy::require_admin(&store.actor())?;
    let tenant = store.set_tenant_language(language).await?;
    *store.language_slot().await = None;
    store
        .record_event(NewEvent::new(EventKind::TenantUpdated, tenant.id, json!({ "language": language.tag() })))
        .await?;
    Ok(tenant)
}

/// The language to write to the viewer in when the request does not say:
/// their own choice, else their tenant's (an API client's is the tenant's).
/// Looked up once per request, however many fields ask at once.
pub async fn viewer_language(store: &Store) -> AppResult<Locale> {
    let mut slot = store.language_slot().await;
    if let Some(language) = *slot {
        return Ok(language);
    }
    let person = match store.actor().person_id {
        Some(person_id) => Some(store.person(person_id).await?),
        None => None,
    };
    let language = language_of(store, person.as_ref()).await?;
    *slot = Some(language);
    Ok(language)
}

/// The language to write to `person` in: their own choice, else their
/// tenant's; for work that has read the person already (a feed, a digest).
pub async fn language_of(store: &Store, person: Option<&person::Model>) -> AppResult<Locale> {
    match person.and_then(|p| p.language.as_deref()).and_then(Locale::from_tag) {
        Some(language) => Ok(language),
        None => Ok(Locale::from_tag(&store.tenant().await?.language).unwrap_or(Locale::TENANT_DEFAULT)),
    }
}
