//! The record that a reminder went to a person: once per rule, subject and
//! person, whether or not it was also mailed.

use sea_orm::entity::prelude::*;

use crate::ReminderRule;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reminders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub network_id: Uuid,
    pub rule: ReminderRule,
    /// The ratification, round or condition reminded of.
    pub subject_id: Uuid,
    pub person_id: Uuid,
    /// The date the reminder is about: the decision's due date, the round's
    /// closing day, the condition's date.
    pub due_on: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
