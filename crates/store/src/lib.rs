//! Persistence. Architecture invariants:
//! - every read and write goes through a [`Store`], which carries the request's
//!   [`Actor`]; every read starts in `scope`: an object through
//!   `Store::visible` (tenant scope and its visibility rule together), a row
//!   read through its parent through `Store::scoped`, and the named exceptions
//!   through `Store::tenant_only` (see `scope` and [`tables`]);
//! - what a viewer may see is decided in [`visibility`], once per kind of object
//!   (the `Visible` trait names each object's rule), and applied by every list,
//!   loader and `node` lookup;
//! - a request runs in one transaction shared by all its resolvers and loaders;
//!   on PostgreSQL it sets `app.tenant_id` for row-level security; on SQLite a
//!   mutation takes the write lock up front (`BEGIN IMMEDIATE`);
//! - every change writes its event ([`Store::record_event`]) in that transaction.

// The layers below, under the names the code has always used.
use eendracht_auth as auth;
use eendracht_domain::{self as domain, clock, i18n};

mod actor_sql;
pub mod alignment;
pub mod archive;
pub mod bus;
pub mod calendar;
pub mod collaboration;
mod connect;
pub mod digest;
pub mod dossiers;
mod errors;
mod events;
pub mod health;
pub mod health_facts;
pub mod indicators;
pub mod integration;
mod lease;
pub mod mail;
pub mod networks;
pub mod organisations;
mod page;
pub mod people;
mod privacy;
pub mod ratification;
mod scope;
pub use scope::{Reading, tables};
pub mod tenants;
mod timeline;
pub mod transfer;
pub mod visibility;
pub mod webhooks;
pub mod work;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    PartnershipStatus, PositionRole, api_client, body_member, calendar_feed, governing_body, network_facilitator,
    partnership, person, position, representation, tenant,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter, QuerySelect,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use uuid::Uuid;

pub use connect::{Db, DbRole, grant_to, migrate, redact};
pub use events::NewEvent;
pub use page::{Direction, Page, PageRequest, TotalCount};

use crate::auth::{Identity, Principal, TenantRef};
use crate::clock::Clock;
use crate::domain::{Actor, AppError, AppResult, CurrentPosition, CurrentRepresentation, OwnPartnership};
use errors::Context;
pub use errors::classify;

/// Whether a request may write. Decides how its transaction starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// The request's view of the database: its transaction, its actor, its clock.
/// Cheap to clone; all clones share one transaction.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    tx: Mutex<Option<Arc<DatabaseTransaction>>>,
    /// Read again when a mutation gives the actor a right of their own
    /// ([`Store::actor_changed`]), so its payload is resolved with it.
    actor: std::sync::RwLock<Arc<Actor>>,
    /// What the actor was resolved from, to resolve it again; `None` for the
    /// system actor and an organisation's view, which no mutation changes.
    principal: Option<(Principal, Duration)>,
    clock: Arc<dyn Clock>,
    backend: DbBackend,
    /// Where SQLite's events are announced once committed.
    bus: bus::EventBus,
    /// SQLite: this transaction's notices, published by `commit`.
    held: Mutex<Vec<bus::Notice>>,
    /// PostgreSQL: the server process running the transaction.
    backend_pid: Mutex<Option<i32>>,
    /// The viewer's language once looked up (`service::people::viewer_language`),
    /// so a list of fields that need it reads it once: an async lock, held
    /// while it is looked up, so fields resolving at once wait for the first.
    language: tokio::sync::Mutex<Option<crate::i18n::Locale>>,
    /// Commitments whose health facts this transaction changed
    /// (`Store::touch`), refreshed by `commit`.
    touched: Mutex<std::collections::BTreeSet<Uuid>>,
}

/// How often a SQLite write lock is retried after the busy timeout ran out,
/// before the request is answered CONFLICT.
const SQLITE_LOCK_ATTEMPTS: u32 = 3;

impl Store {
    /// Starts the request's transaction and resolves the principal into an
    /// actor. A token for an unknown tenant or subject is UNAUTHENTICATED.
    #[tracing::instrument(skip_all, fields(access = ?access))]
    pub async fn begin(
        db: &Db,
        principal: &Principal,
        access: Access,
        clock: Arc<dyn Clock>,
        statement_timeout: Duration,
    ) -> AppResult<Self> {
        let tx = begin_transaction(db, access).await?;
        let now = clock.now();
        match resolve_actor(&tx, principal, now, statement_timeout).await {
            Ok((actor, backend_pid)) => {
                let mut store = Self::for_transaction(db, Arc::new(tx), actor, clock);
                if let Some(inner) = Arc::get_mut(&mut store.inner) {
                    inner.principal = Some((principal.clone(), statement_timeout));
                }
                *store.inner.backend_pid.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = backend_pid;
                Ok(store)
            }
            Err(error) => {
                let _ = tx.rollback().await;
                Err(error)
            }
        }
    }

    /// A store for background work in one tenant (the webhook worker): its
    /// own transaction with the tenant set, and a system actor that sees the
    /// tenant as an admin does and is no person.
    pub async fn system(db: &Db, tenant_id: Uuid, access: Access, clock: Arc<dyn Clock>) -> AppResult<Self> {
        let tx = begin_transaction(db, access).await?;
        if let Err(error) = integration::set_tenant(&tx, tenant_id).await {
            let _ = tx.rollback().await;
            return Err(error);
        }
        let actor = Actor::system(tenant_id, clock.today());
        Ok(Self::for_transaction(db, Arc::new(tx), actor, clock))
    }

    /// A store on an open transaction of `db`, acting as `actor`.
    fn for_transaction(db: &Db, tx: Arc<DatabaseTransaction>, actor: Actor, clock: Arc<dyn Clock>) -> Self {
        Self::from_parts(tx, actor, clock, db.backend(), db.bus().clone())
    }

    /// A store from its parts; `as_organisation` shares a transaction this way.
    fn from_parts(
        tx: Arc<DatabaseTransaction>,
        actor: Actor,
        clock: Arc<dyn Clock>,
        backend: DbBackend,
        bus: bus::EventBus,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                tx: Mutex::new(Some(tx)),
                actor: std::sync::RwLock::new(Arc::new(actor)),
                principal: None,
                clock,
                backend,
                bus,
                held: Mutex::default(),
                backend_pid: Mutex::default(),
                language: tokio::sync::Mutex::default(),
                touched: Mutex::default(),
            }),
        }
    }

    /// The same transaction, seen as `organisation_id`'s DIRECTORs see it
    /// (reads only). Drop it before committing.
    pub(crate) async fn as_organisation(&self, organisation_id: Uuid) -> AppResult<Self> {
        let tx = self.tx()?;
        let tenant = TenantKey { id: self.tenant_id(), slug: self.actor().tenant_slug.clone() };
        let actor = organisation_actor(&tx, tenant, organisation_id, None, self.actor().today).await?;
        Ok(Self::from_parts(tx, actor, self.inner.clock.clone(), self.inner.backend, self.inner.bus.clone()))
    }

    /// Who is acting, as of the last change to their own memberships.
    pub fn actor(&self) -> Arc<Actor> {
        self.inner.actor.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Resolves the actor again when `gains` says a write just gave them a
    /// facilitation, position, seat on a body, partnership or representation:
    /// what the mutation returns is then resolved with that right
    /// (`createNetwork { network { facilitators } }` lists the facilitator who
    /// created it). Only gains: a write that takes a right away is answered as
    /// the actor was, so its payload can still show what was ended (one's own
    /// last position, its organisation), and a write about someone else costs
    /// no read. A person who no longer resolves keeps the actor they acted as.
    pub(crate) async fn actor_changed(&self, gains: bool) -> AppResult<()> {
        if !gains {
            return Ok(());
        }
        let Some((principal, statement_timeout)) = &self.inner.principal else { return Ok(()) };
        let tx = self.tx()?;
        match resolve_actor(&tx, principal, self.now(), *statement_timeout).await {
            Ok((actor, _)) => {
                *self.inner.actor.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(actor);
                Ok(())
            }
            Err(AppError::Unauthenticated(_)) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// The viewer's language as this request knows it: `None` until looked
    /// up, or after the person or the tenant chose another. Hold the guard
    /// while looking it up.
    pub async fn language_slot(&self) -> tokio::sync::MutexGuard<'_, Option<crate::i18n::Locale>> {
        self.inner.language.lock().await
    }

    pub fn tenant_id(&self) -> Uuid {
        self.actor().tenant_id
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    pub fn backend(&self) -> DbBackend {
        self.inner.backend
    }

    /// The shared transaction. Fails once the request has committed. Public
    /// for statements no store method runs (the tools and the tests); every
    /// error of such a statement still maps through [`classify`].
    pub fn tx(&self) -> AppResult<Arc<DatabaseTransaction>> {
        self.inner
            .tx
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the request's transaction is already finished")))
    }

    fn take_tx(&self) -> AppResult<DatabaseTransaction> {
        let shared = self
            .inner
            .tx
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the request's transaction is already finished")))?;
        Arc::try_unwrap(shared)
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the request's transaction is still in use")))
    }

    /// Commits the request's work. A failed commit is an error of the request:
    /// its response must not claim success.
    /// Health's facts of the commitments it changed are brought up to date
    /// first, in the same transaction.
    /// Subscribers hear of the request's events only now, once they are
    /// committed (on PostgreSQL the commit itself delivers them).
    pub async fn commit(&self) -> AppResult<()> {
        self.refresh_touched().await?;
        let tx = self.take_tx()?;
        let committed = tx.commit().await.map_err(|e| classify(e, "committing the request"));
        let held = std::mem::take(&mut *self.inner.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        if committed.is_ok() {
            held.into_iter().for_each(|notice| self.inner.bus.publish(notice));
        }
        committed
    }

    /// Announces a network event of this transaction to subscribers once it
    /// commits: on PostgreSQL by `pg_notify` in the transaction (delivered by
    /// the commit itself, to every process), on SQLite by holding the notice
    /// until `commit` succeeds.
    pub(crate) async fn announce(&self, notice: bus::Notice) -> AppResult<()> {
        if self.backend() == DbBackend::Postgres {
            bus::notify(&*self.tx()?, notice).await
        } else {
            self.inner.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(notice);
            Ok(())
        }
    }

    /// Ends the request after its deadline: cancels the statement running in
    /// the database (PostgreSQL; from another connection, as the transaction's
    /// own is busy), then rolls back. SQLite cannot be interrupted from here:
    /// its statement finishes, then the rollback runs. Callers answer first
    /// and leave this to a task.
    pub async fn abandon(self, db: &Db) {
        let backend_pid = *self.inner.backend_pid.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(pid) = backend_pid {
            db.cancel_backend(pid).await;
        }
        self.rollback().await;
    }

    /// Undoes the request's work; its events are never announced.
    pub async fn rollback(&self) {
        self.inner.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
        if let Ok(tx) = self.take_tx()
            && let Err(error) = tx.rollback().await
        {
            tracing::warn!(%error, "rolling back a request failed");
        }
    }
}

async fn begin_transaction(db: &Db, access: Access) -> AppResult<DatabaseTransaction> {
    if !db.admit() {
        return Err(AppError::Unavailable);
    }
    let started = begin_with_lock(db, access).await;
    match started {
        Ok(tx) => {
            db.record_reachable();
            Ok(tx)
        }
        // No connection in time while the pool could still open one: it
        // tried, and the database did not answer.
        Err(AppError::Busy) if !db.pool_saturated() => {
            db.record_unreachable();
            Err(AppError::Unavailable)
        }
        Err(AppError::Unavailable) => {
            db.record_unreachable();
            Err(AppError::Unavailable)
        }
        Err(error) => Err(error),
    }
}

async fn begin_with_lock(db: &Db, access: Access) -> AppResult<DatabaseTransaction> {
    let conn = db.connection();
    if db.backend() != DbBackend::Sqlite || access == Access::Read {
        return conn.begin().await.map_err(|e| classify(e, "starting a transaction"));
    }
    // SQLite: take the write lock before the first read, so two writers never
    // deadlock upgrading read locks; the busy timeout waits for it, and a lock
    // that still cannot be had is retried, then refused with CONFLICT.
    let options =
        TransactionOptions { sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate), ..Default::default() };
    let mut attempt = 0;
    loop {
        attempt += 1;
        match conn.begin_with_options(options).await {
            Ok(tx) => return Ok(tx),
            Err(error) if errors::failure(&error) == errors::Failure::Conflict && attempt < SQLITE_LOCK_ATTEMPTS => {
                tracing::debug!(attempt, "SQLite write lock busy, retrying");
                tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
            }
            Err(error) => return Err(classify(error, "starting a write transaction")),
        }
    }
}

/// The actor, and on PostgreSQL the server process that runs the transaction
/// (to cancel its statement at the request's deadline).
async fn resolve_actor(
    tx: &DatabaseTransaction,
    principal: &Principal,
    now: DateTime<Utc>,
    statement_timeout: Duration,
) -> AppResult<(Actor, Option<i32>)> {
    let today = now.date_naive();
    if tx.get_database_backend() == DbBackend::Postgres {
        let (tenant, backend_pid) = actor_sql::tenant(tx, principal, statement_timeout).await?;
        let actor = match &principal.identity {
            Identity::ApiClient(client) => client_actor(tx, tenant, *client, today).await,
            identity => actor_sql::person_actor(tx, tenant, identity, today).await,
        }?;
        return Ok((actor, Some(backend_pid)));
    }
    resolve_actor_portably(tx, principal, today).await.map(|actor| (actor, None))
}

/// SQLite's way: the same conditions as `actor_sql`, one query at a time.
async fn resolve_actor_portably(tx: &DatabaseTransaction, principal: &Principal, today: NaiveDate) -> AppResult<Actor> {
    let tenant_query = match &principal.tenant {
        TenantRef::Slug(slug) => tenant::Entity::find().filter(tenant::Column::Slug.eq(slug.as_str())),
        TenantRef::Id(id) => tenant::Entity::find_by_id(*id),
    };
    let tenant = tenant_query
        .one(tx)
        .await
        .context("looking up the token's tenant")?
        .ok_or_else(|| AppError::Unauthenticated("unknown tenant".into()))?;
    let tenant = TenantKey { id: tenant.id, slug: tenant.slug };

    let person = match &principal.identity {
        Identity::ApiClient(client) => return client_actor(tx, tenant, *client, today).await,
        Identity::Subject(subject) => person::Entity::find()
            .filter(person::Column::TenantId.eq(tenant.id))
            .filter(person::Column::Subject.eq(subject.as_str()))
            .all(tx)
            .await
            .context("looking up the token's person")?,
        Identity::Email(email) => person::Entity::find()
            .filter(person::Column::TenantId.eq(tenant.id))
            .filter(person::Column::AnonymizedAt.is_null())
            .filter(sea_orm::sea_query::ExprTrait::eq(
                sea_orm::sea_query::Func::lower(sea_orm::sea_query::Expr::col(person::Column::Email)),
                email.as_str(),
            ))
            .all(tx)
            .await
            .context("looking up the token's person")?,
        Identity::CalendarFeed(hash) => {
            let owner = calendar_feed::Entity::find()
                .select_only()
                .column(calendar_feed::Column::PersonId)
                .filter(calendar_feed::Column::TenantId.eq(tenant.id))
                .filter(calendar_feed::Column::TokenHash.eq(hash.as_str()))
                .filter(calendar_feed::Column::RevokedAt.is_null())
                .into_tuple::<Uuid>()
                .one(tx)
                .await
                .context("looking up the feed's person")?;
            person::Entity::find()
                .filter(person::Column::TenantId.eq(tenant.id))
                .filter(person::Column::Id.is_in(owner))
                .filter(person::Column::AnonymizedAt.is_null())
                .all(tx)
                .await
                .context("looking up the feed's person")?
        }
    };
    // Exactly one: an address that two people share names neither.
    let [person] = <[person::Model; 1]>::try_from(person)
        .map_err(|_| AppError::Unauthenticated("the token names no single person of the tenant".into()))?;

    let positions: Vec<CurrentPosition> = position::Entity::find()
        .filter(position::Column::TenantId.eq(tenant.id))
        .filter(position::Column::PersonId.eq(person.id))
        .filter(visibility::position_current(today))
        .all(tx)
        .await
        .context("loading the viewer's positions")?
        .into_iter()
        .map(|p| CurrentPosition { organisation_id: p.organisation_id, role: p.role })
        .collect();

    // A seat on a body counts only while the person holds a position in the
    // body's organisation: an ended position gives no rights, board seats included.
    let current_organisations: Vec<Uuid> = positions.iter().map(|p| p.organisation_id).collect();
    let bodies_of_current_organisations = sea_orm::sea_query::Query::select()
        .column(governing_body::Column::Id)
        .from(governing_body::Entity)
        .and_where(governing_body::Column::TenantId.eq(tenant.id))
        .and_where(governing_body::Column::OrganisationId.is_in(current_organisations))
        .to_owned();
    let body_ids = body_member::Entity::find()
        .select_only()
        .column(body_member::Column::BodyId)
        .filter(body_member::Column::TenantId.eq(tenant.id))
        .filter(body_member::Column::PersonId.eq(person.id))
        .filter(body_member::Column::BodyId.in_subquery(bodies_of_current_organisations))
        .into_tuple::<Uuid>()
        .all(tx)
        .await
        .context("loading the viewer's bodies")?;

    let facilitated_network_ids = network_facilitator::Entity::find()
        .select_only()
        .column(network_facilitator::Column::NetworkId)
        .filter(network_facilitator::Column::TenantId.eq(tenant.id))
        .filter(network_facilitator::Column::PersonId.eq(person.id))
        .into_tuple::<Uuid>()
        .all(tx)
        .await
        .context("loading the viewer's networks")?;

    let organisation_ids: Vec<Uuid> = positions.iter().map(|p: &CurrentPosition| p.organisation_id).collect();
    let partnerships = own_partnerships(tx, tenant.id, organisation_ids).await?;

    let representations = representation::Entity::find()
        .filter(representation::Column::TenantId.eq(tenant.id))
        .filter(representation::Column::PersonId.eq(person.id))
        .filter(visibility::representation_current(today))
        .all(tx)
        .await
        .context("loading the viewer's representations")?
        .into_iter()
        .map(|r| CurrentRepresentation {
            representation_id: r.id,
            partnership_id: r.partnership_id,
            network_id: r.network_id,
            organisation_id: r.organisation_id,
        })
        .collect();

    Ok(Actor {
        tenant_id: tenant.id,
        tenant_slug: tenant.slug,
        person_id: Some(person.id),
        api_client_id: None,
        tenant_role: person.tenant_role,
        positions,
        body_ids,
        facilitated_network_ids,
        partnerships,
        representations,
        today,
    })
}

/// A tenant found for a request.
pub(crate) struct TenantKey {
    pub id: Uuid,
    pub slug: String,
}

/// An API client acts for one organisation: it holds a DIRECTOR position of it
/// that only reads (`Actor::acts_as_director_of` is false), sees the
/// networks the organisation is ACTIVE in or INVITED to, sits on no body and
/// represents nobody. A revoked client is refused on its next request, so its
/// tokens stop working at once.
async fn client_actor(
    tx: &DatabaseTransaction,
    tenant: TenantKey,
    client_id: Uuid,
    today: NaiveDate,
) -> AppResult<Actor> {
    let client = api_client::Entity::find_by_id(client_id)
        .filter(api_client::Column::TenantId.eq(tenant.id))
        .filter(api_client::Column::RevokedAt.is_null())
        .one(tx)
        .await
        .context("looking up the token's API client")?
        .ok_or_else(|| AppError::Unauthenticated("unknown or revoked API client".into()))?;
    organisation_actor(tx, tenant, client.organisation_id, Some(client.id), today).await
}

/// An organisation as its DIRECTORs see it, acting for nobody: an API client's
/// view, and the webhook worker's when it decides what an organisation may
/// receive.
async fn organisation_actor(
    tx: &DatabaseTransaction,
    tenant: TenantKey,
    organisation_id: Uuid,
    api_client_id: Option<Uuid>,
    today: NaiveDate,
) -> AppResult<Actor> {
    let partnerships = own_partnerships(tx, tenant.id, vec![organisation_id]).await?;
    Ok(Actor {
        tenant_id: tenant.id,
        tenant_slug: tenant.slug,
        person_id: None,
        api_client_id,
        tenant_role: None,
        positions: vec![CurrentPosition { organisation_id, role: PositionRole::Director }],
        body_ids: Vec::new(),
        facilitated_network_ids: Vec::new(),
        partnerships,
        representations: Vec::new(),
        today,
    })
}

/// The ACTIVE and INVITED partnerships of the given organisations: through
/// them an actor sees networks.
async fn own_partnerships(
    tx: &DatabaseTransaction,
    tenant_id: Uuid,
    organisation_ids: Vec<Uuid>,
) -> AppResult<Vec<OwnPartnership>> {
    if organisation_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(partnership::Entity::find()
        .filter(partnership::Column::TenantId.eq(tenant_id))
        .filter(partnership::Column::OrganisationId.is_in(organisation_ids))
        .filter(partnership::Column::Status.is_in([PartnershipStatus::Active, PartnershipStatus::Invited]))
        .all(tx)
        .await
        .context("loading partnerships")?
        .into_iter()
        .map(|p| OwnPartnership {
            partnership_id: p.id,
            network_id: p.network_id,
            organisation_id: p.organisation_id,
            status: p.status,
        })
        .collect())
}
