//! Decision dossiers: the document a party's bodies decide on
//! (docs/dossiers.md). The rules and the rendering are the domain's and the
//! service's; this file only shapes them for GraphQL.

use async_graphql::{Context, Object, Result};

use super::health::Locale;
use super::loaders;
use super::organisations::Organisation;
use super::scalars::{DateTime, Json};
use crate::domain::dossier::Dossier as Document;
use crate::i18n;

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
