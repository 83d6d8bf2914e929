//! Organisations and governing bodies: types, queries and mutations.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{governing_body, organisation};
use uuid::Uuid;

use super::connection::{self, connection};
use super::enums::{BodyKind, BodyRight, OrganisationKind};
use super::ids::{self, NodeType};
use super::loaders::{self, BodiesOf, MembersOf, OrganisationId, PartnershipsOf, PersonId, PositionsFirstPage};
use super::people::{Person, PositionConnection};
use super::scalars::{Date, DateTime};
use super::store;
use crate::service::organisations as service;

#[derive(Clone)]
pub struct Organisation(pub organisation::Model);

impl Organisation {
    pub fn uuid(&self) -> Uuid {
        self.0.id
    }
}

/// A partner organisation: a housing corporation, municipality, care provider,
/// school board, welfare organisation or company.
#[Object]
impl Organisation {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::Organisation, self.0.id)
    }

    /// The organisation's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What kind of organisation this is.
    async fn kind(&self) -> OrganisationKind {
        self.0.kind.into()
    }

    /// Incremented by every update; pass it as `expectedVersion` to update.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the organisation was registered.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When it was last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }

    /// The bodies that have a say in the organisation's commitments (retired
    /// bodies are left out).
    async fn governing_bodies(&self, ctx: &Context<'_>) -> Result<Vec<GoverningBody>> {
        let bodies = loaders::from_context(ctx).load_one(BodiesOf(self.0.id)).await?.unwrap_or_default();
        Ok(bodies.into_iter().map(GoverningBody).collect())
    }

    /// The organisation's partnerships in networks, every period (INVITED ones
    /// are its open invitations), as far as you may see them.
    async fn partnerships(&self, ctx: &Context<'_>) -> Result<Vec<super::networks::Partnership>> {
        let rows = loaders::from_context(ctx).load_one(PartnershipsOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(super::networks::Partnership).collect())
    }

    /// Which bodies are involved in which commitments (the deciding body always).
    async fn mandate(&self, ctx: &Context<'_>) -> Result<super::ratification::Mandate> {
        super::ratification::mandate(ctx, self.0.id).await
    }

    /// The organisation's API clients, revoked ones included (its DIRECTORs,
    /// its API clients and admins; empty for others).
    async fn api_clients(&self, ctx: &Context<'_>) -> Result<Vec<super::integration::ApiClient>> {
        let rows = loaders::from_context(ctx).load_one(loaders::ApiClientsOf(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(super::integration::ApiClient).collect())
    }

    /// The organisation's webhooks (its DIRECTORs, its API clients and admins;
    /// empty for others).
    async fn webhooks(&self, ctx: &Context<'_>) -> Result<Vec<super::integration::Webhook>> {
        let rows =
            loaders::from_context(ctx).load_one(loaders::WebhooksOfOrganisation(self.0.id)).await?.unwrap_or_default();
        Ok(rows.into_iter().map(super::integration::Webhook).collect())
    }

    /// What the organisation's bodies must still answer, oldest first; for one
    /// body when `body` is given. For its DIRECTORs and the members of the body.
    async fn pending_ratifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this body.")] body: Option<ID>,
    ) -> Result<Vec<super::ratification::Ratification>> {
        let store = store(ctx);
        let body = body.as_ref().map(|id| ids::decode_id("body", id, NodeType::GoverningBody)).transpose()?;
        let bodies: Vec<Uuid> = store
            .active_bodies_for_rules(&[self.0.id])
            .await?
            .into_iter()
            .map(|b| b.id)
            .filter(|id| body.is_none_or(|wanted| wanted == *id))
            .collect();
        crate::domain::policy::require_board_portal(&store.actor(), self.0.id, &bodies)?;
        let rows = store.pending_for_bodies(&bodies).await?;
        Ok(rows.into_iter().map(super::ratification::Ratification).collect())
    }

    /// The positions people hold here, in the order they were assigned.
    async fn positions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "Include positions that have ended.", default = false)] include_ended: bool,
    ) -> Result<PositionConnection> {
        let page = connection::page_request(first, after.as_deref())?;
        let page = match page.after {
            // In a list, the first page goes through a loader, so that every
            // organisation of the list reads its first page at once.
            None if connection::in_list(ctx) => {
                let key = PositionsFirstPage { organisation: self.0.id, include_ended, first: page.first };
                loaders::first_page(ctx, key).await?
            }
            _ => store(ctx).positions_page_of_organisation(self.0.id, include_ended, page).await?,
        };
        Ok(PositionConnection::new(page.map(super::people::Position)))
    }
}

connection!(
    Organisation,
    OrganisationConnection,
    OrganisationEdge,
    "A page of organisations, oldest first.",
    "An organisation in a list, with its cursor."
);

#[derive(Clone)]
pub struct GoverningBody(pub governing_body::Model);

/// A body of an organisation that has a say in its commitments: its executive
/// board, supervisory board, works council, client council or municipal council.
#[Object]
impl GoverningBody {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ids::global_id(NodeType::GoverningBody, self.0.id)
    }

    /// The organisation the body belongs to.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        let organisation = loaders::from_context(ctx).load_one(OrganisationId(self.0.organisation_id)).await?;
        loaders::present(organisation, "a body's organisation").map(Organisation)
    }

    /// The body's name, e.g. "Raad van Commissarissen".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What kind of body this is.
    async fn kind(&self) -> BodyKind {
        self.0.kind.into()
    }

    /// The body's say: decides, approves, consents, advises, or gives wishes and concerns.
    async fn right(&self) -> BodyRight {
        self.0.right.into()
    }

    /// Days the body has to answer before the deciding body may decide without it.
    async fn response_days(&self) -> i32 {
        self.0.response_days
    }

    /// When the body was retired by `setGoverningBodies`; null while active.
    async fn retired_at(&self) -> Option<DateTime> {
        self.0.retired_at.map(DateTime)
    }

    /// The people who sit on the body; any of them records its outcomes.
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<Person>> {
        let loaders = loaders::from_context(ctx);
        let member_ids = loaders.load_one(MembersOf(self.0.id)).await?.unwrap_or_default();
        let people = loaders.load_many(member_ids.iter().copied().map(PersonId)).await?;
        Ok(member_ids.iter().filter_map(|id| people.get(&PersonId(*id)).cloned().map(Person)).collect())
    }

    /// What awaits the body, in the shape a board secretary loads into a
    /// board portal: each ratification it must still answer, due within
    /// `from` to `to` (both included, either open), in order of due date,
    /// with the decision asked by the body's right, the commitment's text,
    /// the party's contribution, advice and consultation received so far,
    /// open conditions and the dossier hash to decide on. For the body's
    /// members, the organisation's DIRECTORs (and its API clients) and the
    /// tenant's admins; null for anyone else.
    async fn agenda_items(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items due on or after this day.")] from: Option<Date>,
        #[graphql(desc = "Only items due on or before this day.")] to: Option<Date>,
    ) -> Result<Option<Vec<super::dossier::AgendaItem>>> {
        let entries =
            crate::service::agenda::agenda_items(store(ctx), &self.0, from.map(|d| d.0), to.map(|d| d.0)).await?;
        Ok(entries.map(|entries| entries.into_iter().map(super::dossier::AgendaItem).collect()))
    }

    /// `agendaItems` as a document, in `locale`, for a board portal or the
    /// secretary's agenda: Markdown, or a standalone HTML page that prints on
    /// A4; null where `agendaItems` is.
    async fn agenda_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only items due on or after this day.")] from: Option<Date>,
        #[graphql(desc = "Only items due on or before this day.")] to: Option<Date>,
        #[graphql(desc = "The language to write it in; default from `Accept-Language`, else `viewer.language`.")]
        locale: Option<super::health::Locale>,
        #[graphql(desc = "MARKDOWN (default) or HTML.", default_with = "super::enums::DocumentFormat::Markdown")]
        format: super::enums::DocumentFormat,
    ) -> Result<Option<String>> {
        let locale = super::language(ctx, locale).await?;
        let (from, to) = (from.map(|d| d.0), to.map(|d| d.0));
        Ok(crate::service::agenda::agenda_document(store(ctx), &self.0, from, to, locale, format.into()).await?)
    }
}

#[derive(Default)]
pub struct OrganisationQuery;

#[Object]
impl OrganisationQuery {
    /// The organisations the viewer may see, oldest first.
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> Result<OrganisationConnection> {
        let page = connection::page_request(first, after.as_deref())?;
        let page = store(ctx).organisations_page(page).await?;
        Ok(OrganisationConnection::new(page.map(Organisation)))
    }
}

/// Registers an organisation; it gets the default governing bodies of its kind.
#[derive(InputObject)]
pub struct CreateOrganisationInput {
    /// The name, 1 to 200 characters.
    pub name: String,
    /// The kind, which decides the default governing bodies.
    pub kind: OrganisationKind,
}

/// The result of `createOrganisation`.
#[derive(SimpleObject)]
pub struct CreateOrganisationPayload {
    /// The new organisation, with its default governing bodies.
    pub organisation: Organisation,
}

/// Changes an organisation's name or kind.
#[derive(InputObject)]
pub struct UpdateOrganisationInput {
    /// The organisation to change.
    pub id: ID,
    /// The `version` you last read; a stale version is refused with CONFLICT.
    pub expected_version: i32,
    /// A new name, 1 to 200 characters.
    pub name: Option<String>,
    /// A new kind (the governing bodies stay as they are).
    pub kind: Option<OrganisationKind>,
}

/// The result of `updateOrganisation`.
#[derive(SimpleObject)]
pub struct UpdateOrganisationPayload {
    /// The organisation as changed.
    pub organisation: Organisation,
}

/// One governing body in `setGoverningBodies`.
#[derive(InputObject)]
pub struct GoverningBodyInput {
    /// An existing body to keep and update; omit to create a new body.
    pub id: Option<ID>,
    /// The body's name, 1 to 200 characters, distinct within the organisation.
    pub name: String,
    /// What kind of body it is.
    pub kind: BodyKind,
    /// Its say in commitments.
    pub right: BodyRight,
    /// Days it has to answer, 0 to 365.
    #[graphql(default = 0)]
    pub response_days: i32,
    /// The people who sit on it; each needs a current position in the organisation.
    #[graphql(default, validator(max_items = 100))]
    pub member_ids: Vec<ID>,
}

/// Makes an organisation's governing bodies exactly the given list: listed ids
/// are updated, new entries created, unlisted bodies retired (kept for history).
#[derive(InputObject)]
pub struct SetGoverningBodiesInput {
    /// The organisation whose bodies these are.
    pub organisation_id: ID,
    /// The complete list of active bodies; exactly one must DECIDE.
    #[graphql(validator(max_items = 100))]
    pub bodies: Vec<GoverningBodyInput>,
}

/// The result of `setGoverningBodies`.
#[derive(SimpleObject)]
pub struct SetGoverningBodiesPayload {
    /// The organisation, whose `governingBodies` are now the given list.
    pub organisation: Organisation,
}

#[derive(Default)]
pub struct OrganisationMutation;

#[Object]
impl OrganisationMutation {
    /// Registers a partner organisation with the default governing bodies of its
    /// kind. ADMIN only.
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganisationInput,
    ) -> Result<CreateOrganisationPayload> {
        let organisation =
            service::create(store(ctx), service::CreateOrganisation { name: input.name, kind: input.kind.into() })
                .await?;
        Ok(CreateOrganisationPayload { organisation: Organisation(organisation) })
    }

    /// Changes an organisation's name or kind. ADMIN only.
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        input: UpdateOrganisationInput,
    ) -> Result<UpdateOrganisationPayload> {
        let organisation = service::update(
            store(ctx),
            service::UpdateOrganisation {
                id: ids::decode_id("id", &input.id, NodeType::Organisation)?,
                expected_version: input.expected_version,
                name: input.name,
                kind: input.kind.map(Into::into),
            },
        )
        .await?;
        Ok(UpdateOrganisationPayload { organisation: Organisation(organisation) })
    }

    /// Sets an organisation's governing bodies and their members. ADMIN only.
    async fn set_governing_bodies(
        &self,
        ctx: &Context<'_>,
        input: SetGoverningBodiesInput,
    ) -> Result<SetGoverningBodiesPayload> {
        let mut bodies = Vec::with_capacity(input.bodies.len());
        for body in input.bodies {
            bodies.push(service::GoverningBodyInput {
                id: body.id.as_ref().map(|id| ids::decode_id("bodies.id", id, NodeType::GoverningBody)).transpose()?,
                name: body.name,
                kind: body.kind.into(),
                right: body.right.into(),
                response_days: body.response_days,
                member_ids: ids::decode_ids("bodies.memberIds", &body.member_ids, NodeType::Person)?,
            });
        }
        let organisation = service::set_governing_bodies(
            store(ctx),
            service::SetGoverningBodies {
                organisation_id: ids::decode_id("organisationId", &input.organisation_id, NodeType::Organisation)?,
                bodies,
            },
        )
        .await?;
        Ok(SetGoverningBodiesPayload { organisation: Organisation(organisation) })
    }
}
