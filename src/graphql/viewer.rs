//! `viewer`: who is signed in, and where they stand.

use async_graphql::{Context, Object, Result, SimpleObject};

use super::enums::TenantRole;
use super::loaders::{self, PersonId, PositionsOf};
use super::people::{Person, Position};
use super::store;

/// The tenant: the consultancy or host organisation whose data this is.
#[derive(SimpleObject)]
pub struct Tenant {
    /// The tenant's slug, the `tid` claim of its tokens.
    pub slug: String,
    /// The tenant's name.
    pub name: String,
    /// The language Eendracht writes in to people who chose none
    /// (`setTenantLanguage`); Dutch unless an ADMIN changed it.
    pub language: super::health::Locale,
}

impl Tenant {
    pub fn new(tenant: entity::tenant::Model) -> Self {
        let language = crate::i18n::Locale::from_tag(&tenant.language).unwrap_or(crate::i18n::Locale::TENANT_DEFAULT);
        Tenant { slug: tenant.slug, name: tenant.name, language: language.into() }
    }
}

pub struct Viewer;

/// The person `id` who signed in, who always sees themself.
async fn signed_in(ctx: &Context<'_>, id: uuid::Uuid) -> Result<Person> {
    let person = loaders::from_context(ctx).load_one(PersonId(id)).await?;
    loaders::present(person, "the signed-in person").map(Person)
}

/// The signed-in person and their standing in the tenant.
#[Object]
impl Viewer {
    /// The signed-in API client; null for a person.
    async fn api_client(&self, ctx: &Context<'_>) -> Result<Option<super::integration::ApiClient>> {
        match store(ctx).actor().api_client_id {
            Some(id) => Ok(Some(super::integration::ApiClient(store(ctx).api_client(id).await?))),
            None => Ok(None),
        }
    }

    /// The signed-in person. FORBIDDEN for an API client, which is no person:
    /// see `apiClient`.
    #[graphql(deprecation = "Use `signedInPerson`, which is null for an API client where `person` is an error.")]
    async fn person(&self, ctx: &Context<'_>) -> Result<Person> {
        let id = store(ctx).actor().person()?;
        signed_in(ctx, id).await
    }

    /// The signed-in person; null for an API client, which is no person (see
    /// `apiClient`). Exactly one of the two is set.
    async fn signed_in_person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        match store(ctx).actor().person_id {
            Some(id) => Ok(Some(signed_in(ctx, id).await?)),
            None => Ok(None),
        }
    }

    /// The tenant the viewer signed in to.
    async fn tenant(&self, ctx: &Context<'_>) -> Result<Tenant> {
        Ok(Tenant::new(store(ctx).tenant().await?))
    }

    /// The language Eendracht writes to you in where a request does not say
    /// (a `locale` argument or `Accept-Language` does): your own choice
    /// (`setLanguage`), else your tenant's.
    async fn language(&self, ctx: &Context<'_>) -> Result<super::health::Locale> {
        Ok(crate::service::people::viewer_language(store(ctx)).await?.into())
    }

    /// The viewer's role in the tenant, if any.
    async fn tenant_role(&self, ctx: &Context<'_>) -> Option<TenantRole> {
        store(ctx).actor().tenant_role.map(Into::into)
    }

    /// What the bodies you sit on must still answer, oldest first.
    async fn pending_decisions(&self, ctx: &Context<'_>) -> Result<Vec<super::ratification::Ratification>> {
        let store = store(ctx);
        let rows = store.pending_for_bodies(&store.actor().body_ids).await?;
        Ok(rows.into_iter().map(super::ratification::Ratification).collect())
    }

    /// Your calendar feeds, newest first, revoked ones included (an API
    /// client has none). The URLs themselves were shown once, when made.
    async fn calendar_feeds(&self, ctx: &Context<'_>) -> Result<Vec<super::calendar::CalendarFeed>> {
        match store(ctx).actor().person_id {
            Some(person_id) => super::calendar::feeds_of(ctx, person_id).await,
            None => Ok(Vec::new()),
        }
    }

    /// What you chose about e-mail (docs/mail.md); null for an API client.
    async fn mail_preferences(&self, ctx: &Context<'_>) -> Result<Option<super::mail::MailPreferences>> {
        super::mail::preferences_of_viewer(ctx).await
    }

    /// The reminders that went to you, newest first (an API client has none).
    async fn reminders(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 1 to 100 (default 20).")] first: Option<i32>,
    ) -> Result<Vec<super::mail::Reminder>> {
        super::mail::reminders_of_viewer(ctx, first).await
    }

    /// What concerns you since `since` (docs/digest.md): what awaits you
    /// (your bodies' decisions, rounds you have not answered, conditions your
    /// organisations must meet), what was agreed, delivered, dropped or decided
    /// in your networks since, quick wins by goal, and the health signals your
    /// view allows; one line per subject in its latest state. Null for an API
    /// client, which is no person.
    async fn digest(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The start of the period (exclusive), at most now.")] since: super::scalars::DateTime,
        #[graphql(
            desc = "The language of the texts; default from `Accept-Language`, else `viewer.language` (your own choice, else your tenant's)."
        )]
        locale: Option<super::health::Locale>,
    ) -> Result<Option<super::digest::Digest>> {
        if store(ctx).actor().person_id.is_none() {
            return Ok(None);
        }
        let locale = super::language(ctx, locale).await?;
        let found = crate::service::digest::digest(store(ctx), since.0, Some(locale)).await?;
        Ok(Some(super::digest::Digest(found)))
    }

    /// The viewer's current positions: the organisations they act in today.
    async fn positions(&self, ctx: &Context<'_>) -> Result<Vec<Position>> {
        let actor = store(ctx).actor();
        let Some(person_id) = actor.person_id else { return Ok(Vec::new()) };
        let positions = loaders::from_context(ctx).load_one(PositionsOf(person_id)).await?.unwrap_or_default();
        Ok(positions
            .into_iter()
            .filter(|p| crate::domain::actor::holds_on(p.started_on, p.ended_on, actor.today))
            .map(Position)
            .collect())
    }
}

#[derive(Default)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// The signed-in person and their standing.
    async fn viewer(&self) -> Viewer {
        Viewer
    }
}
