//! Decision dossiers: the document a party's bodies decide on
//! (docs/dossiers.md). The rules and the rendering are the domain's and the
//! service's; this file only shapes them for GraphQL.

use async_graphql::{Context, Object, Result, SimpleObject};

use super::enums::BodyRight;
use super::health::Locale;
use super::loaders;
use super::organisations::Organisation;
use super::ratification::Ratification;
use super::scalars::{Date, DateTime, Json};
use super::work::{Commitment, CommitmentParty};
use crate::domain::dossier::Dossier as Document;
use crate::i18n;
use crate::service::agenda::AgendaEntry;

pub struct Dossier(pub Document, pub i18n::Locale);

/// The document one party's governing bodies decide on: the commitment as it
/// stands, the party's contribution, the charter version it rests on, the
/// other parties and where they stand, the advice and consultation the
/// party received so far (counts), conditions and history.
#[Object]
impl Dossier {
    /// The hash of the terms the bodies decide on (text, scope, kind, lead,
    /// due date, goal, every party's contribution, charter version): pass it
    /// as `dossierHash` when recording the outcome. A decision on terms that
    /// have moved on since is refused with CONFLICT. The same in every
    /// language.
    async fn content_hash(&self) -> &str {
        &self.0.content_hash
    }

    /// The party the dossier is for.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        loaders::present(loaders::organisation(ctx, self.0.organisation.id).await?, "a dossier's organisation")
    }

    /// The language it is written in.
    async fn locale(&self) -> Locale {
        self.1.into()
    }

    /// When it was issued (now).
    async fn issued_at(&self) -> DateTime {
        DateTime(self.0.issued_at)
    }

    /// The dossier as Markdown, for a board portal or a document.
    async fn markdown(&self) -> String {
        self.0.markdown(self.1)
    }

    /// The dossier as a standalone HTML page that prints on A4.
    async fn html(&self) -> String {
        self.0.html(self.1)
    }

    /// The dossier as structured JSON: `contentHash`, `language`, `issuedAt`,
    /// `network`, `organisation`, `commitment`, `contribution`, `charter`,
    /// `otherParties`, `bodies`, `consultation`, `conditions` and `history`
    /// (docs/dossiers.md gives each field). Ids in it are the objects'
    /// UUIDs, as in event payloads; enum values are the API's.
    async fn json(&self) -> Json {
        Json(serde_json::to_value(&self.0).unwrap_or_default())
    }
}

pub struct AgendaItem(pub AgendaEntry);

/// One item on a governing body's agenda: a ratification it must still
/// answer, with what a board secretary puts in the portal.
#[Object]
impl AgendaItem {
    /// The ratification to answer; record its outcome with `dossierHash`.
    async fn ratification(&self) -> Ratification {
        Ratification(self.0.ratification.clone())
    }

    /// The commitment it is about.
    async fn commitment(&self) -> Commitment {
        Commitment(self.0.commitment.clone())
    }

    /// The commitment's title: the item's title.
    async fn title(&self) -> &str {
        &self.0.item.title
    }

    /// The commitment's text.
    async fn description(&self) -> Option<&str> {
        self.0.item.description.as_deref()
    }

    /// The body's right, which decides what is asked of it.
    async fn right(&self) -> BodyRight {
        self.0.item.right.into()
    }

    /// What is asked of the body, by its right, in `locale`.
    async fn decision_asked(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The language; default as for every generated text.")] locale: Option<Locale>,
    ) -> Result<String> {
        let locale = super::language(ctx, locale).await?;
        let organisation = loaders::organisation(ctx, self.0.party.organisation_id).await?.map(|o| o.0.name.clone());
        Ok(crate::domain::agenda::decision_asked(locale, self.0.item.right, &organisation.unwrap_or_default()))
    }

    /// The day the body is to answer by: the ratification's due date, or
    /// for advice asked during consultation, the end of its response time.
    async fn due_on(&self) -> Option<Date> {
        self.0.item.due_on.map(Date)
    }

    /// The party's own contribution.
    async fn contribution(&self) -> CommitmentParty {
        CommitmentParty::new(self.0.party.clone(), self.0.commitment.network_id)
    }

    /// How many advisory bodies of the party are asked, and how many answered.
    async fn advice(&self) -> AdviceCounts {
        AdviceCounts { asked: self.0.item.advice_asked, received: self.0.item.advice_received }
    }

    /// The party's consultation of its constituency, counts by stance.
    async fn consultation(&self) -> ConsultationCounts {
        let c = self.0.item.consultation;
        ConsultationCounts { support_count: c.support, concern_count: c.concern, objection_count: c.objection }
    }

    /// Conditions the party's bodies set that are still open.
    async fn open_conditions(&self) -> &[String] {
        &self.0.item.open_conditions
    }

    /// The content hash of the party's dossier as the commitment stands
    /// (`Commitment.dossier`): the body decides on it.
    async fn dossier_hash(&self) -> &str {
        &self.0.item.dossier_hash
    }
}

/// Advice asked of a party's advisory bodies and received so far.
#[derive(SimpleObject)]
pub struct AdviceCounts {
    /// Advisory bodies involved.
    pub asked: usize,
    /// Of those, how many answered.
    pub received: usize,
}

/// A consultation as counts by stance.
#[derive(SimpleObject)]
pub struct ConsultationCounts {
    /// Inputs in support.
    pub support_count: usize,
    /// Concerns.
    pub concern_count: usize,
    /// Objections.
    pub objection_count: usize,
}
