//! Tenants exist before anyone can sign in, so they are created outside any
//! request: by `eendracht bootstrap` (and the demo and test fixtures).

use chrono::{DateTime, Utc};
use entity::{TenantRole, person, tenant};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::events::{EventActor, insert_event};
use super::{Db, NewEvent};
use crate::domain::events::EventKind;
use crate::domain::values::{Name, Slug, Subject};
use crate::errors::Context;
use crate::i18n::Locale;

/// What `bootstrap` did, so it can say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bootstrapped {
    pub tenant_id: Uuid,
    pub admin_id: Uuid,
    pub created_tenant: bool,
    pub created_admin: bool,
}

/// Whether `bootstrap` may make its subject an ADMIN of a tenant that already
/// exists and where the subject is not one yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExistingTenant {
    /// Refuse: a typo'd or reused slug must not quietly hand someone the
    /// keys to a tenant that is already in use (`eendracht bootstrap`).
    Refuse,
    /// Add the admin (the fixtures, and `bootstrap --existing-tenant`).
    AddAdmin,
}

/// Creates a tenant and its first ADMIN, or finds them: running it twice
/// changes nothing the second time (beyond making sure the person is ADMIN).
pub async fn bootstrap(
    db: &Db,
    slug: &Slug,
    tenant_name: &Name,
    admin_subject: &Subject,
    admin_name: &Name,
    now: DateTime<Utc>,
) -> anyhow::Result<Bootstrapped> {
    bootstrap_with(db, slug, tenant_name, admin_subject, admin_name, now, ExistingTenant::AddAdmin).await
}

/// `bootstrap`, saying what to do when the tenant already exists and the
/// subject is not yet its ADMIN. Running it again for the same tenant and
/// admin always succeeds and changes nothing.
pub async fn bootstrap_with(
    db: &Db,
    slug: &Slug,
    tenant_name: &Name,
    admin_subject: &Subject,
    admin_name: &Name,
    now: DateTime<Utc>,
    existing_tenant: ExistingTenant,
) -> anyhow::Result<Bootstrapped> {
    let tx = db.connection().begin().await.context("starting the bootstrap transaction")?;
    let existing = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug.as_str()))
        .one(&tx)
        .await
        .context("looking up the tenant")?;
    let (tenant_id, created_tenant) = match existing {
        Some(tenant) => (tenant.id, false),
        None => {
            let id = Uuid::now_v7();
            tenant::ActiveModel {
                id: Set(id),
                slug: Set(slug.as_str().to_owned()),
                name: Set(tenant_name.as_str().to_owned()),
                created_at: Set(now),
                language: Set(crate::i18n::Locale::TENANT_DEFAULT.tag().to_owned()),
            }
            .insert(&tx)
            .await
            .context("creating the tenant")?;
            (id, true)
        }
    };
    // Row-level security: every tenant table below is written under this tenant.
    if db.backend() == sea_orm::DbBackend::Postgres {
        tx.execute_unprepared(&format!("SELECT set_config('app.tenant_id', '{tenant_id}', true)"))
            .await
            .context("setting the tenant")?;
    }
    if created_tenant {
        insert_event(
            &tx,
            tenant_id,
            EventActor::default(),
            now,
            NewEvent::new(EventKind::TenantCreated, tenant_id, json!({})),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }

    let existing = person::Entity::find()
        .filter(person::Column::TenantId.eq(tenant_id))
        .filter(person::Column::Subject.eq(admin_subject.clone().into_inner()))
        .one(&tx)
        .await
        .context("looking up the admin")?;
    let already_admin = existing.as_ref().is_some_and(|person| person.tenant_role == Some(TenantRole::Admin));
    if !created_tenant && !already_admin && existing_tenant == ExistingTenant::Refuse {
        // Nothing has been written: dropping the transaction rolls it back.
        let (tenant, subject) = (slug.as_str(), admin_subject.clone().into_inner());
        anyhow::bail!(
            "tenant `{tenant}` already exists and `{subject}` is not its ADMIN: bootstrap creates a new tenant and \
             its first ADMIN; to make `{subject}` an ADMIN of the existing tenant, run it again with --existing-tenant"
        );
    }
    let (admin_id, created_admin) = match existing {
        Some(admin) if admin.tenant_role == Some(TenantRole::Admin) => (admin.id, false),
        Some(admin) => {
            let id = admin.id;
            let mut active: person::ActiveModel = admin.into();
            active.tenant_role = Set(Some(TenantRole::Admin));
            active.updated_at = Set(now);
            active.update(&tx).await.context("making the person an admin")?;
            insert_event(
                &tx,
                tenant_id,
                EventActor::default(),
                now,
                NewEvent::new(EventKind::PersonUpdated, id, json!({"tenantRole": "ADMIN"})),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            (id, false)
        }
        None => {
            let id = Uuid::now_v7();
            person::ActiveModel {
                id: Set(id),
                tenant_id: Set(tenant_id),
                subject: Set(admin_subject.clone().into_inner()),
                name: Set(admin_name.as_str().to_owned()),
                email: Set(None),
                tenant_role: Set(Some(TenantRole::Admin)),
                created_at: Set(now),
                updated_at: Set(now),
                anonymized_at: Set(None),
                language: Set(None),
            }
            .insert(&tx)
            .await
            .context("creating the admin")?;
            insert_event(
                &tx,
                tenant_id,
                EventActor::default(),
                now,
                NewEvent::new(EventKind::PersonCreated, id, json!({"tenantRole": "ADMIN"})),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            (id, true)
        }
    };
    tx.commit().await.context("committing the bootstrap")?;
    Ok(Bootstrapped { tenant_id, admin_id, created_tenant, created_admin })
}

impl super::Store {
    /// The viewer's tenant.
    pub async fn tenant(&self) -> crate::domain::AppResult<tenant::Model> {
        let tx = self.tx()?;
        Ok(tenant::Entity::find_by_id(self.tenant_id())
            .one(&*tx)
            .await
            .context("loading the tenant")?
            .ok_or_else(|| anyhow::anyhow!("the viewer's tenant vanished"))?)
    }

    /// Sets the language of the tenant's people who chose none.
    pub async fn set_tenant_language(&self, language: Locale) -> crate::domain::AppResult<tenant::Model> {
        let tx = self.tx()?;
        tenant::Entity::update_many()
            .col_expr(tenant::Column::Language, Expr::value(language.tag()))
            .filter(tenant::Column::Id.eq(self.tenant_id()))
            .exec(&*tx)
            .await
            .context("setting the tenant's language")?;
        drop(tx);
        self.tenant().await
    }
}
