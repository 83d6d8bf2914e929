//! Tenant scoping: the one place where `tenant_id = <the actor's tenant>` is
//! added to a query. Every tenant table implements [`TenantScoped`].

use sea_orm::sea_query::IntoCondition;
use sea_orm::{ColumnTrait, Condition, EntityTrait, JoinType, QueryFilter, QuerySelect, Select, SelectTwo};

use super::Store;

pub(crate) trait TenantScoped: EntityTrait {
    fn tenant_column() -> Self::Column;
}

macro_rules! tenant_scoped {
    ($($module:ident),* $(,)?) => {
        $(impl TenantScoped for entity::$module::Entity {
            fn tenant_column() -> Self::Column {
                entity::$module::Column::TenantId
            }
        })*
    };
}

tenant_scoped!(
    person,
    organisation,
    governing_body,
    body_member,
    position,
    event,
    event_organisation,
    network,
    network_facilitator,
    charter_version,
    partnership,
    representation,
    expectation,
    alignment_round,
    alignment_question,
    alignment_invitee,
    alignment_response,
    alignment_answer,
    goal,
    meeting,
    meeting_attendee,
    commitment,
    commitment_party,
    progress_update,
    mandate_rule,
    ratification,
    ratification_condition,
    ratification_record,
    consultation_input,
    api_client,
    identity_provider,
    webhook,
    webhook_outbox,
    webhook_delivery,
    webhook_attempt,
);

impl Store {
    /// `SELECT … FROM <table> WHERE tenant_id = <actor's tenant>`: the start of
    /// every read.
    pub(crate) fn scoped<E: TenantScoped>(&self) -> Select<E> {
        E::find().filter(E::tenant_column().eq(self.tenant_id()))
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
