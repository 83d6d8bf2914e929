//! The read path: the one place where `tenant_id = <the actor's tenant>` is
//! added to a query, and where an object's visibility joins it.
//!
//! Every tenant table implements [`TenantScoped`], and exactly one of two
//! kinds of reading:
//! - [`Visible`]: an object a viewer may or may not see (a network, a person,
//!   a commitment, …). Its rule is stated once, in `visibility`, and
//!   [`Store::visible`] applies tenant scope and the rule together; the
//!   by-id reads ([`Store::fetch_by_ids`], [`Store::fetch_one`]) start there.
//!   [`Store::scoped`] does not accept such a table: forgetting its
//!   visibility does not compile.
//! - [`Dependent`]: rows read only through a visible parent, by the parent's
//!   ids (a commitment's parties, a round's answers, a body's members) or as
//!   the mechanics of the store (events, the webhook outbox): tenant scope
//!   alone, through [`Store::scoped`].
//!
//! The exceptions read with [`Store::tenant_only`], which names them: a write
//! checking what it may change whatever the viewer sees (a unique name, a
//! version), the health facts (counted for those allowed health), the system
//! actor of background work. [`tables`] lists every table with its kind; a
//! test compares it with the database's tenant tables. Before an actor exists
//! (resolving it, the token endpoint, the identity-provider registry across
//! tenants, creating a tenant) there is no tenant to scope by: those reads
//! in `lib.rs`, `actor_sql`, `integration` and `tenants` filter by the tenant
//! they are resolving, by hand, and say so.

use sea_orm::sea_query::IntoCondition;
use sea_orm::{ColumnTrait, Condition, EntityTrait, JoinType, QueryFilter, QuerySelect, Select, SelectTwo};

use uuid::Uuid;

use super::Store;
use crate::domain::{Actor, AppError, AppResult};
use crate::errors::Context;
use crate::visibility;

pub(crate) trait TenantScoped: EntityTrait {
    fn tenant_column() -> Self::Column;
}

/// An object a viewer may or may not see: what it is called when it is not
/// found, and which rows of it the actor sees.
pub(crate) trait Visible: TenantScoped {
    /// The object in NOT_FOUND's message ("network not found"), the same for
    /// a hidden object and one that never existed.
    const NAME: &'static str;
    fn id_column() -> Self::Column;
    fn visible_to(actor: &Actor) -> Condition;
}

/// Rows read through a visible parent, or by the store's own mechanics.
pub(crate) trait Dependent: TenantScoped {}

/// How a tenant table is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    Visible,
    Dependent,
}

macro_rules! tables {
    (visible { $($v:ident: $name:literal => $rule:expr),* $(,)? } dependent { $($d:ident),* $(,)? }) => {
        $(impl TenantScoped for entity::$v::Entity {
            fn tenant_column() -> Self::Column {
                entity::$v::Column::TenantId
            }
        }
        impl Visible for entity::$v::Entity {
            const NAME: &'static str = $name;
            fn id_column() -> Self::Column {
                entity::$v::Column::Id
            }
            fn visible_to(actor: &Actor) -> Condition {
                let rule: fn(&Actor) -> Condition = $rule;
                rule(actor)
            }
        })*
        $(impl TenantScoped for entity::$d::Entity {
            fn tenant_column() -> Self::Column {
                entity::$d::Column::TenantId
            }
        }
        impl Dependent for entity::$d::Entity {})*

        /// Every tenant table and how it is read.
        pub fn tables() -> Vec<(&'static str, Reading)> {
            use sea_orm::EntityName;
            vec![
                $((entity::$v::Entity.table_name(), Reading::Visible),)*
                $((entity::$d::Entity.table_name(), Reading::Dependent),)*
            ]
        }
    };
}

tables! {
    visible {
        person: "person" => visibility::people,
        organisation: "organisation" => visibility::organisations,
        governing_body: "governing body" => visibility::governing_bodies,
        position: "position" => visibility::positions,
        network: "network" => visibility::networks,
        charter_version: "charter version" => visibility::charter_versions,
        partnership: "partnership" => visibility::partnerships,
        representation: "representation" => visibility::representations,
        expectation: "expectation" => visibility::expectations,
        alignment_round: "alignment round" => visibility::alignment_rounds,
        goal: "goal" => |actor| visibility::in_network_column(actor, entity::goal::Column::NetworkId),
        meeting: "meeting" => |actor| visibility::in_network_column(actor, entity::meeting::Column::NetworkId),
        commitment: "commitment" => |actor| visibility::in_network_column(actor, entity::commitment::Column::NetworkId),
        ratification: "ratification" => |actor| visibility::in_network_column(actor, entity::ratification::Column::NetworkId),
        api_client: "API client" => visibility::api_clients,
        webhook: "webhook" => visibility::webhooks,
        calendar_feed: "calendar feed" => visibility::calendar_feeds,
        reminder: "reminder" => visibility::reminders,
        mail: "mail" => visibility::mails,
        indicator: "indicator" => |actor| visibility::in_network_column(actor, entity::indicator::Column::NetworkId),
        measurement: "measurement" => |actor| visibility::in_network_column(actor, entity::measurement::Column::NetworkId),
        cycle: "cycle" => |actor| visibility::in_network_column(actor, entity::cycle::Column::NetworkId),
    }
    dependent {
        body_member,
        event,
        event_organisation,
        network_facilitator,
        alignment_question,
        alignment_invitee,
        alignment_response,
        alignment_answer,
        meeting_attendee,
        meeting_agenda_item,
        commitment_party,
        progress_update,
        mandate_rule,
        ratification_condition,
        ratification_record,
        consultation_input,
        health_tally,
        health_fact,
        health_contribution,
        dossier,
        identity_provider,
        webhook_outbox,
        webhook_delivery,
        webhook_attempt,
        mail_preference,
        indicator_target,
        indicator_reporter,
        commitment_indicator,
        cycle_commitment,
    }
}

impl Store {
    /// `SELECT … FROM <table> WHERE tenant_id = <actor's tenant>`, for rows
    /// read through a visible parent.
    pub(crate) fn scoped<E: Dependent>(&self) -> Select<E> {
        self.tenant_only::<E>()
    }

    /// `SELECT … FROM <table> WHERE tenant_id = <actor's tenant> AND <what the
    /// actor sees of it>`: the start of every read of an object.
    pub(crate) fn visible<E: Visible>(&self) -> Select<E> {
        self.tenant_only::<E>().filter(E::visible_to(&self.actor()))
    }

    /// Tenant scope without visibility, for the exceptions the module's
    /// documentation names; every call says why.
    pub(crate) fn tenant_only<E: TenantScoped>(&self) -> Select<E> {
        E::find().filter(E::tenant_column().eq(self.tenant_id()))
    }

    /// The visible objects among `ids`, in no particular order: what a loader
    /// asks for.
    pub(crate) async fn fetch_by_ids<E>(&self, ids: &[Uuid]) -> AppResult<Vec<E::Model>>
    where
        E: Visible,
        E::Model: Send + Sync,
    {
        let tx = self.tx()?;
        self.visible::<E>()
            .filter(E::id_column().is_in(ids.iter().copied()))
            .all(&*tx)
            .await
            .context("loading objects by id")
    }

    /// One visible object, or NOT_FOUND with the same message whether it is
    /// hidden or never existed.
    pub(crate) async fn fetch_one<E>(&self, id: Uuid) -> AppResult<E::Model>
    where
        E: Visible,
        E::Model: Send + Sync,
    {
        self.fetch_by_ids::<E>(&[id]).await?.pop().ok_or(AppError::NotFound(E::NAME))
    }

    /// `query LEFT JOIN <F> ON <F>.id = <query's from column> AND <F>.tenant_id =
    /// <actor's tenant> AND <visible>`, selecting `F` beside each row: a related
    /// row the viewer may not see joins as `None`, as its loader would answer.
    pub(crate) fn join_scoped<E, F>(
        &self,
        query: Select<E>,
        from: E::Column,
        to: F::Column,
        visible: Condition,
    ) -> SelectTwo<E, F>
    where
        E: EntityTrait,
        F: TenantScoped,
    {
        let tenant = self.tenant_id();
        let relation = E::belongs_to(F::default())
            .from(from)
            .to(to)
            .on_condition(move |_, _| {
                Condition::all().add(F::tenant_column().eq(tenant)).add(visible.clone()).into_condition()
            })
            .into();
        query.join(JoinType::LeftJoin, relation).select_also(F::default())
    }
}
