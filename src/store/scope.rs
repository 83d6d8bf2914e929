//! Tenant scoping: the one place where `tenant_id = <the actor's tenant>` is
//! added to a query. Every tenant table implements [`TenantScoped`].

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

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
);

impl Store {
    /// `SELECT … FROM <table> WHERE tenant_id = <actor's tenant>`: the start of
    /// every read.
    pub(crate) fn scoped<E: TenantScoped>(&self) -> Select<E> {
        E::find().filter(E::tenant_column().eq(self.tenant_id()))
    }
}
