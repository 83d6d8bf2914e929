//! API clients and partner identity providers.

use chrono::{DateTime, Utc};
use entity::{IdentityMatch, api_client, identity_provider, tenant};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, SqlErr, Statement, TransactionTrait,
};
use uuid::Uuid;

use super::{Db, Store, classify};
use crate::auth::{ProviderConfig, ProviderSource};
use crate::domain::{AppError, AppResult};
use crate::errors::Context;

/// A new identity provider, validated.
#[derive(Debug, Clone)]
pub struct NewIdentityProvider {
    pub name: String,
    pub issuer: String,
    pub audience: String,
    pub jwks_url: Option<String>,
    pub jwks: Option<serde_json::Value>,
    pub match_by: IdentityMatch,
    pub email_domains: Vec<String>,
}

impl Store {
    /// One visible API client, or NOT_FOUND.
    pub async fn api_client(&self, id: Uuid) -> AppResult<api_client::Model> {
        self.fetch_one::<api_client::Entity>(id).await
    }

    /// The visible API clients of the given organisations, oldest first.
    pub async fn api_clients_of(&self, organisation_ids: &[Uuid]) -> AppResult<Vec<api_client::Model>> {
        let tx = self.tx()?;
        self.visible::<api_client::Entity>()
            .filter(api_client::Column::OrganisationId.is_in(organisation_ids.iter().copied()))
            .order_by_asc(api_client::Column::Id)
            .all(&*tx)
            .await
            .context("loading API clients")
    }

    pub async fn insert_api_client(
        &self,
        organisation_id: Uuid,
        name: String,
        secret_hash: String,
    ) -> AppResult<api_client::Model> {
        let tx = self.tx()?;
        let model = api_client::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            organisation_id,
            name,
            secret_hash,
            created_by: self.actor().person_id,
            created_at: self.now(),
            last_used_at: None,
            revoked_at: None,
        };
        api_client::Entity::insert(api_client::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .context("creating an API client")?;
        Ok(model)
    }

    /// Revokes a client; revoking twice keeps the first time.
    pub async fn revoke_api_client(&self, id: Uuid) -> AppResult<api_client::Model> {
        let tx = self.tx()?;
        api_client::Entity::update_many()
            .col_expr(api_client::Column::RevokedAt, Expr::value(self.now()))
            .filter(api_client::Column::TenantId.eq(self.tenant_id()))
            .filter(api_client::Column::Id.eq(id))
            .filter(api_client::Column::RevokedAt.is_null())
            .exec(&*tx)
            .await
            .context("revoking an API client")?;
        self.api_client(id).await
    }

    /// The tenant's identity providers (admins only; others see none).
    pub async fn identity_providers(&self) -> AppResult<Vec<identity_provider::Model>> {
        if !self.actor().is_admin() {
            return Ok(Vec::new());
        }
        let tx = self.tx()?;
        self.scoped::<identity_provider::Entity>()
            .order_by_asc(identity_provider::Column::Id)
            .all(&*tx)
            .await
            .context("loading identity providers")
    }

    /// Registers a provider. Its issuer with its audience is unique across
    /// all tenants, which only the database can check (row-level security
    /// hides other tenants' rows from this transaction): a pair already held,
    /// by this tenant or another, is CONFLICT with one message for both.
    pub async fn insert_identity_provider(&self, new: NewIdentityProvider) -> AppResult<identity_provider::Model> {
        let tx = self.tx()?;
        let model = identity_provider::Model {
            id: Uuid::now_v7(),
            tenant_id: self.tenant_id(),
            name: new.name,
            issuer: new.issuer,
            audience: new.audience,
            jwks_url: new.jwks_url,
            jwks: new.jwks,
            match_by: new.match_by,
            email_domains: serde_json::json!(new.email_domains),
            created_by: self.actor().person_id,
            created_at: self.now(),
        };
        identity_provider::Entity::insert(identity_provider::ActiveModel::from(model.clone()))
            .exec_without_returning(&*tx)
            .await
            .map_err(|error| match error.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(_)) => {
                    AppError::conflict("an identity provider with this issuer and audience is already registered")
                }
                _ => classify(error, "registering an identity provider"),
            })?;
        Ok(model)
    }
}

/// What the token endpoint needs of a client: it runs before any request
/// actor exists, so it has its own short transaction, scoped to the tenant the
/// client id names.
pub struct ClientCredentials {
    pub tenant_slug: String,
    pub client: api_client::Model,
}

impl Db {
    /// The live (unrevoked) client `client` of the tenant `slug`, or `None`.
    pub async fn api_client_for_token(&self, slug: &str, client: Uuid) -> AppResult<Option<ClientCredentials>> {
        let tx = self.connection().begin().await.map_err(|e| classify(e, "starting a transaction"))?;
        let Some(tenant) = tenant::Entity::find()
            .filter(tenant::Column::Slug.eq(slug))
            .one(&tx)
            .await
            .context("looking up the client's tenant")?
        else {
            return Ok(None);
        };
        set_tenant(&tx, tenant.id).await?;
        let found = api_client::Entity::find_by_id(client)
            .filter(api_client::Column::TenantId.eq(tenant.id))
            .filter(api_client::Column::RevokedAt.is_null())
            .one(&tx)
            .await
            .context("looking up the API client")?;
        tx.commit().await.map_err(|e| classify(e, "finishing the client lookup"))?;
        Ok(found.map(|client| ClientCredentials { tenant_slug: tenant.slug, client }))
    }

    /// Notes that a client obtained a token (its "last used" time).
    pub async fn touch_api_client(&self, tenant_id: Uuid, client: Uuid, at: DateTime<Utc>) -> AppResult<()> {
        let tx = self.connection().begin().await.map_err(|e| classify(e, "starting a transaction"))?;
        set_tenant(&tx, tenant_id).await?;
        api_client::Entity::update_many()
            .col_expr(api_client::Column::LastUsedAt, Expr::value(at))
            .filter(api_client::Column::TenantId.eq(tenant_id))
            .filter(api_client::Column::Id.eq(client))
            .exec(&tx)
            .await
            .map_err(|e| classify(e, "noting the client's use"))?;
        tx.commit().await.map_err(|e| classify(e, "noting the client's use"))
    }

    /// Every tenant's ids, for work that spans tenants (one tenant at a time).
    pub async fn tenant_ids(&self) -> AppResult<Vec<Uuid>> {
        Ok(tenant::Entity::find()
            .order_by_asc(tenant::Column::Id)
            .all(self.connection())
            .await
            .context("listing tenants")?
            .into_iter()
            .map(|t| t.id)
            .collect())
    }
}

/// Sets the transaction's tenant for row-level security (PostgreSQL).
pub(crate) async fn set_tenant(conn: &impl ConnectionTrait, tenant_id: Uuid) -> AppResult<()> {
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT set_config('app.tenant_id', $1, true)",
            [tenant_id.to_string().into()],
        ))
        .await
        .context("setting the tenant")?;
    }
    Ok(())
}

/// The registry of partner identity providers reads every tenant's, one
/// tenant at a time (row-level security admits one tenant per transaction).
pub struct StoredProviders(pub Db);

#[async_trait::async_trait]
impl ProviderSource for StoredProviders {
    async fn load(&self) -> anyhow::Result<Vec<ProviderConfig>> {
        let db = &self.0;
        let mut configs = Vec::new();
        let tenants = tenant::Entity::find().order_by_asc(tenant::Column::Id).all(db.connection()).await?;
        for tenant in tenants {
            let tenant_id = tenant.id;
            let tx = db.connection().begin().await?;
            set_tenant(&tx, tenant_id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            let rows = identity_provider::Entity::find()
                .filter(identity_provider::Column::TenantId.eq(tenant_id))
                .all(&tx)
                .await?;
            tx.commit().await?;
            configs.extend(rows.into_iter().map(|row| ProviderConfig {
                id: row.id,
                tenant_id: row.tenant_id,
                tenant_slug: tenant.slug.clone(),
                issuer: row.issuer,
                audience: row.audience,
                jwks_url: row.jwks_url,
                jwks: row.jwks,
                match_by: row.match_by,
                email_domains: serde_json::from_value(row.email_domains).unwrap_or_default(),
            }));
        }
        Ok(configs)
    }
}
