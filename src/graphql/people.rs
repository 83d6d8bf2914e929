//! People and positions: types, queries and mutations.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{person, position};
use uuid::Uuid;

use super::connection::{self, connection};
use super::enums::{PositionRole, TenantRole};
use super::ids::{self, NodeType};
use super::loaders::{self, OrganisationId, PersonId, PositionsOf};
use super::organisations::Organisation;
use super::scalars::{Date, DateTime, Json};
use super::store;
use crate::domain::policy;
use crate::service::people as service;

#[derive(Clone)]
pub struct Person(pub person::Model);

impl Person {
    pub fn uuid(&self) -> Uuid {
        self.0.id
    }
}

/// A person: someone who signs in, works for one or more organisations, and may
/// sit on governing bodies or represent a partner in networks.
#[Object]
impl Person {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Person, self.0.id)
    }

    /// The person's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The e-mail address; null unless you are this person, work for one of the
    /// same organisations, or are a facilitator or admin.
    async fn email(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let Some(email) = &self.0.email else {
            return Ok(None);
        };
        let actor = store(ctx).actor();
        let positions = loaders::from_context(ctx).load_one(PositionsOf(self.0.id)).await?.unwrap_or_default();
        let organisations: Vec<Uuid> =
            positions.iter().filter(|p| is_current(p, actor.today)).map(|p| p.organisation_id).collect();
        Ok(policy::may_see_email(&actor, self.0.id, &organisations).then(|| email.clone()))
    }

    /// The language the person chose to read Eendracht in; null when they
    /// follow their tenant's (`Tenant.language`), or when you are neither
    /// this person nor an admin.
    async fn language(&self, ctx: &Context<'_>) -> Option<super::health::Locale> {
        let actor = store(ctx).actor();
        if !actor.is(self.0.id) && !actor.is_admin() {
            return None;
        }
        self.0.language.as_deref().and_then(crate::i18n::Locale::from_tag).map(Into::into)
    }

    /// The `sub` the person signs in with; visible to admins and the person only.
    async fn subject(&self, ctx: &Context<'_>) -> Option<&str> {
        policy::may_see_subject(&store(ctx).actor(), self.0.id).then_some(self.0.subject.as_str())
    }

    /// The person's role in the tenant, if any.
    async fn tenant_role(&self) -> Option<TenantRole> {
        self.0.tenant_role.map(Into::into)
    }

    /// The person's calendar feeds, revoked ones included: your own, or
    /// anyone's for an ADMIN (who may revoke them); empty otherwise. Read one
    /// person at a time: in a list, LIMIT_EXCEEDED.
    async fn calendar_feeds(&self, ctx: &Context<'_>) -> Result<Vec<super::calendar::CalendarFeed>> {
        if super::connection::in_list(ctx) {
            return Err(crate::domain::AppError::LimitExceeded(
                "calendar feeds are read for one person at a time: read them through node(id:) or viewer".to_owned(),
            )
            .into());
        }
        super::calendar::feeds_of(ctx, self.0.id).await
    }

    /// The person's positions in organisations you may see, ended ones included.
    async fn positions(&self, ctx: &Context<'_>) -> Result<Vec<Position>> {
        let positions = loaders::from_context(ctx).load_one(PositionsOf(self.0.id)).await?.unwrap_or_default();
        Ok(positions.into_iter().map(Position).collect())
    }

    /// When the person was registered.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// Whether the person's personal data was erased (`anonymizePerson`); their
    /// name is then "Former member" and they can no longer sign in.
    async fn anonymized(&self) -> bool {
        self.0.anonymized_at.is_some()
    }

    /// When the person's personal data was erased.
    async fn anonymized_at(&self) -> Option<DateTime> {
        self.0.anonymized_at.map(DateTime)
    }
}

connection!(
    Person,
    PersonConnection,
    PersonEdge,
    "A page of people, oldest first.",
    "A person in a list, with its cursor."
);

fn is_current(position: &position::Model, today: chrono::NaiveDate) -> bool {
    crate::domain::actor::holds_on(position.started_on, position.ended_on, today)
}

#[derive(Clone)]
pub struct Position(pub position::Model);

impl Position {
    pub fn uuid(&self) -> Uuid {
        self.0.id
    }
}

/// A person's role in an organisation over a period.
#[Object]
impl Position {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Position, self.0.id)
    }

    /// Who holds the position; null if you may no longer see that person.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        Ok(loaders::from_context(ctx).load_one(PersonId(self.0.person_id)).await?.map(Person))
    }

    /// Where the position is held.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        let organisation = loaders::from_context(ctx).load_one(OrganisationId(self.0.organisation_id)).await?;
        loaders::present(organisation, "a position's organisation").map(Organisation)
    }

    /// The role: director, supervisor or staff.
    async fn role(&self) -> PositionRole {
        self.0.role.into()
    }

    /// The first day the position holds.
    async fn started_on(&self) -> Date {
        Date(self.0.started_on)
    }

    /// The first day it no longer holds; null while it runs.
    async fn ended_on(&self) -> Option<Date> {
        self.0.ended_on.map(Date)
    }

    /// Whether the position holds today. Only current positions give rights.
    async fn current(&self, ctx: &Context<'_>) -> bool {
        is_current(&self.0, store(ctx).actor().today)
    }
}

connection!(
    Position,
    PositionConnection,
    PositionEdge,
    "A page of positions, oldest first.",
    "A position in a list, with its cursor."
);

#[derive(Default)]
pub struct PeopleQuery;

#[Object]
impl PeopleQuery {
    /// The people the viewer may see, oldest first.
    async fn people(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> Result<PersonConnection> {
        let page = connection::page_request(first, after.as_deref())?;
        let page = store(ctx).people_page(page).await?;
        Ok(PersonConnection::new(page.map(Person)))
    }
}

/// Registers a person who can sign in with a token whose `sub` is `subject`.
#[derive(InputObject)]
pub struct CreatePersonInput {
    /// The `sub` claim of the person's tokens, unique within the tenant.
    pub subject: String,
    /// The person's name, 1 to 200 characters.
    pub name: String,
    /// The person's e-mail address.
    pub email: Option<String>,
    /// ADMIN or FACILITATOR for the tenant as a whole; usually none.
    pub tenant_role: Option<TenantRole>,
}

/// The result of `createPerson`.
#[derive(SimpleObject)]
pub struct CreatePersonPayload {
    /// The new person.
    pub person: Person,
}

/// Gives a person a role in an organisation from a date on.
#[derive(InputObject)]
pub struct AssignPositionInput {
    /// Who.
    pub person_id: ID,
    /// Where.
    pub organisation_id: ID,
    /// In which role.
    pub role: PositionRole,
    /// From which day (default: today).
    pub started_on: Option<Date>,
}

/// The result of `assignPosition`.
#[derive(SimpleObject)]
pub struct AssignPositionPayload {
    /// The new position.
    pub position: Position,
}

/// Ends a position; it stays on record.
#[derive(InputObject)]
pub struct EndPositionInput {
    /// The position to end.
    pub position_id: ID,
    /// The first day it no longer holds (default: today).
    pub ended_on: Option<Date>,
}

/// The result of `endPosition`.
#[derive(SimpleObject)]
pub struct EndPositionPayload {
    /// The ended position.
    pub position: Position,
}

/// Chooses the language a person reads Eendracht in.
#[derive(InputObject)]
pub struct SetLanguageInput {
    /// The person; yourself when left out. Another person: ADMIN only.
    pub person_id: Option<ID>,
    /// The language; null to follow the tenant's (`Tenant.language`).
    pub language: Option<super::health::Locale>,
}

/// The result of `setLanguage`.
#[derive(SimpleObject)]
pub struct SetLanguagePayload {
    /// The person, with their language.
    pub person: Person,
}

/// Chooses the language of the tenant's people who chose none.
#[derive(InputObject)]
pub struct SetTenantLanguageInput {
    /// The language.
    pub language: super::health::Locale,
}

/// The result of `setTenantLanguage`.
#[derive(SimpleObject)]
pub struct SetTenantLanguagePayload {
    /// The tenant, with its language.
    pub tenant: super::viewer::Tenant,
}

/// Erases a person's personal data.
#[derive(InputObject)]
pub struct AnonymizePersonInput {
    /// The person to anonymise.
    pub person_id: ID,
}

/// The result of `anonymizePerson`.
#[derive(SimpleObject)]
pub struct AnonymizePersonPayload {
    /// The person, now a former member.
    pub person: Person,
}

/// Asks for everything held about a person.
#[derive(InputObject)]
pub struct ExportPersonDataInput {
    /// The person whose data to export.
    pub person_id: ID,
}

/// The result of `exportPersonData`.
#[derive(SimpleObject)]
pub struct ExportPersonDataPayload {
    /// The person the export is about.
    pub person: Person,
    /// When the export was made.
    pub exported_at: DateTime,
    /// Everything held about the person, as stored: `person` (their row) and one
    /// list per kind of record that names them (`positions`, `bodyMemberships`,
    /// `facilitatedNetworks`, `representations`, `alignmentInvitations`,
    /// `alignmentResponses`, `alignmentAnswers`, `meetingAttendance`,
    /// `meetingsRecorded`, `charterVersionsAdopted`, `commitmentsProposed`,
    /// `commitmentAgreements`, `expectationsRecorded`, `progressUpdates`,
    /// `consultationInputs`, `ratificationOutcomes`, `conditionsMet`,
    /// `eventsAsActor`), each row with its table's columns.
    pub data: Json,
}

#[derive(Default)]
pub struct PeopleMutation;

#[Object]
impl PeopleMutation {
    /// Registers a person. ADMIN only.
    async fn create_person(&self, ctx: &Context<'_>, input: CreatePersonInput) -> Result<CreatePersonPayload> {
        let person = service::create_person(
            store(ctx),
            service::CreatePerson {
                subject: input.subject,
                name: input.name,
                email: input.email,
                tenant_role: input.tenant_role.map(Into::into),
            },
        )
        .await?;
        Ok(CreatePersonPayload { person: Person(person) })
    }

    /// Chooses the language Eendracht writes to a person in: health
    /// messages, and later mail and calendar feeds. Yourself, or anyone as
    /// an ADMIN. A request's `locale` argument or `Accept-Language` header
    /// still decides for that request.
    async fn set_language(&self, ctx: &Context<'_>, input: SetLanguageInput) -> Result<SetLanguagePayload> {
        let store = store(ctx);
        let person_id = match &input.person_id {
            Some(id) => ids::decode_id("personId", id, NodeType::Person)?,
            None => store.actor().person()?,
        };
        let person = service::set_language(store, person_id, input.language.map(Into::into)).await?;
        Ok(SetLanguagePayload { person: Person(person) })
    }

    /// Chooses the language of the tenant's people who chose none. ADMIN only.
    async fn set_tenant_language(
        &self,
        ctx: &Context<'_>,
        input: SetTenantLanguageInput,
    ) -> Result<SetTenantLanguagePayload> {
        let tenant = service::set_tenant_language(store(ctx), input.language.into()).await?;
        Ok(SetTenantLanguagePayload { tenant: super::viewer::Tenant::new(tenant) })
    }

    /// Gives a person a position in an organisation. ADMIN only.
    async fn assign_position(&self, ctx: &Context<'_>, input: AssignPositionInput) -> Result<AssignPositionPayload> {
        let position = service::assign_position(
            store(ctx),
            service::AssignPosition {
                person_id: ids::decode_id("personId", &input.person_id, NodeType::Person)?,
                organisation_id: ids::decode_id("organisationId", &input.organisation_id, NodeType::Organisation)?,
                role: input.role.into(),
                started_on: input.started_on.map(|d| d.0),
            },
        )
        .await?;
        Ok(AssignPositionPayload { position: Position(position) })
    }

    /// Erases a person's personal data (name, e-mail, sign-in subject, tenant
    /// role, board and facilitator seats, alignment comments) and ends their
    /// positions and representations. Decisions, answers and history stay,
    /// attributed to "Former member". ADMIN only, not oneself; repeating it
    /// changes nothing.
    async fn anonymize_person(&self, ctx: &Context<'_>, input: AnonymizePersonInput) -> Result<AnonymizePersonPayload> {
        let person_id = ids::decode_id("personId", &input.person_id, NodeType::Person)?;
        let person = service::anonymize_person(store(ctx), person_id).await?;
        Ok(AnonymizePersonPayload { person: Person(person) })
    }

    /// Returns everything held about a person (GDPR access and portability).
    /// ADMIN, or the person themself; the export is recorded.
    async fn export_person_data(
        &self,
        ctx: &Context<'_>,
        input: ExportPersonDataInput,
    ) -> Result<ExportPersonDataPayload> {
        let person_id = ids::decode_id("personId", &input.person_id, NodeType::Person)?;
        let store = store(ctx);
        let (person, data) = service::export_person_data(store, person_id).await?;
        Ok(ExportPersonDataPayload { person: Person(person), exported_at: DateTime(store.now()), data: Json(data) })
    }

    /// Ends a position. ADMIN only.
    async fn end_position(&self, ctx: &Context<'_>, input: EndPositionInput) -> Result<EndPositionPayload> {
        let position = service::end_position(
            store(ctx),
            service::EndPosition {
                position_id: ids::decode_id("positionId", &input.position_id, NodeType::Position)?,
                ended_on: input.ended_on.map(|d| d.0),
            },
        )
        .await?;
        Ok(EndPositionPayload { position: Position(position) })
    }
}
