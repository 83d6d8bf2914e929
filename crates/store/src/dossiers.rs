//! The terms of issued decision dossiers (docs/dossiers.md).

use anyhow::Context as _;
use entity::{commitment, dossier};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Set};
use uuid::Uuid;

use super::Store;
use crate::domain::{AppError, AppResult};

/// The terms of one issued dossier, to keep.
pub struct KeptTerms<'a> {
    pub commitment_id: Uuid,
    pub organisation_id: Uuid,
    pub content_hash: &'a str,
    pub terms: &'a str,
}

impl Store {
    /// Keeps the terms of a dossier issued for a party, once per content
    /// hash: issuing the same text again changes nothing.
    pub async fn keep_dossier_terms(
        &self,
        commitment_id: Uuid,
        organisation_id: Uuid,
        content_hash: &str,
        terms: &str,
    ) -> AppResult<()> {
        self.keep_dossiers_terms(&[KeptTerms { commitment_id, organisation_id, content_hash, terms }]).await
    }

    /// [`Self::keep_dossier_terms`] for several dossiers, in one statement.
    pub async fn keep_dossiers_terms(&self, kept: &[KeptTerms<'_>]) -> AppResult<()> {
        if kept.is_empty() {
            return Ok(());
        }
        let tx = self.tx()?;
        let now = self.now();
        dossier::Entity::insert_many(kept.iter().map(|k| dossier::ActiveModel {
            tenant_id: Set(self.tenant_id()),
            commitment_id: Set(k.commitment_id),
            organisation_id: Set(k.organisation_id),
            content_hash: Set(k.content_hash.to_owned()),
            terms: Set(k.terms.to_owned()),
            issued_at: Set(now),
        }))
        .on_conflict(
            OnConflict::columns([
                dossier::Column::TenantId,
                dossier::Column::CommitmentId,
                dossier::Column::OrganisationId,
                dossier::Column::ContentHash,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&*tx)
        .await
        .context("keeping a dossier's terms")?;
        Ok(())
    }

    /// The terms of the dossier issued for a party under `content_hash`, if
    /// one was.
    pub async fn dossier_terms(
        &self,
        commitment_id: Uuid,
        organisation_id: Uuid,
        content_hash: &str,
    ) -> AppResult<Option<String>> {
        let tx = self.tx()?;
        let row = self
            .scoped::<dossier::Entity>()
            .filter(dossier::Column::CommitmentId.eq(commitment_id))
            .filter(dossier::Column::OrganisationId.eq(organisation_id))
            .filter(dossier::Column::ContentHash.eq(content_hash))
            .one(&*tx)
            .await
            .context("reading a dossier's terms")?;
        Ok(row.map(|row| row.terms))
    }

    /// The commitment, held against change until this transaction ends: a
    /// decision checked against its terms is recorded on those terms. On
    /// PostgreSQL the row is locked (`FOR UPDATE`, so two decisions on one
    /// commitment queue rather than deadlock when both then flag it); SQLite
    /// runs one writer at a time.
    pub async fn commitment_held(&self, id: Uuid) -> AppResult<commitment::Model> {
        let tx = self.tx()?;
        let mut query = self.visible::<commitment::Entity>().filter(commitment::Column::Id.eq(id));
        if self.backend() == DbBackend::Postgres {
            query = query.lock_exclusive();
        }
        query
            .one(&*tx)
            .await
            .map_err(|e| super::classify(e, "holding a commitment"))?
            .ok_or(AppError::NotFound("commitment"))
    }
}
