//! Privacy (GDPR): erasing a person's personal data and exporting everything
//! held about them. Both work on rows of the actor's tenant only.

use chrono::NaiveDate;
use entity::{
    alignment_answer, alignment_invitee, alignment_response, body_member, charter_version, commitment,
    commitment_party, consultation_input, event, expectation, meeting, meeting_attendee, network_facilitator, person,
    position, progress_update, ratification_condition, ratification_record, representation,
};
use sea_orm::sea_query::{CaseStatement, Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::Store;
use super::scope::TenantScoped;
use crate::domain::AppResult;
use crate::domain::privacy::FORMER_MEMBER;
use crate::errors::Context;

/// `ended_on` of a period cut short today: today, or for a period that had not
/// started yet, the day it would have started (it never held).
fn period_end(started_on: impl ColumnTrait, today: NaiveDate) -> Expr {
    CaseStatement::new().case(started_on.gt(today), Expr::col(started_on)).finally(Expr::value(today)).into()
}

impl Store {
    /// Overwrites a person's personal data and ends what they hold. Kept: the
    /// row and its id (so decisions, answers and history stay attributed, now
    /// to a former member) and what they wrote for their organisations
    /// (consultation inputs, progress, expectations: organisational records).
    /// Erased: name, e-mail, the sign-in subject (no token matches any more),
    /// the tenant role, board and facilitator seats, and their alignment
    /// comments, which only they could ever read.
    pub async fn anonymize_person(&self, id: Uuid) -> AppResult<person::Model> {
        let tx = self.tx()?;
        let tenant = self.tenant_id();
        let now = self.now();
        let today = self.actor().today;
        person::Entity::update_many()
            .col_expr(person::Column::Name, Expr::value(FORMER_MEMBER))
            .col_expr(person::Column::Email, Expr::value(Option::<String>::None))
            .col_expr(person::Column::Subject, Expr::value(format!("anonymized:{id}")))
            .col_expr(person::Column::TenantRole, Expr::value(Option::<String>::None))
            .col_expr(person::Column::AnonymizedAt, Expr::value(now))
            .col_expr(person::Column::UpdatedAt, Expr::value(now))
            .filter(person::Column::TenantId.eq(tenant))
            .filter(person::Column::Id.eq(id))
            .exec(&*tx)
            .await
            .context("anonymizing a person")?;
        // Their calendar URLs stop answering with the next fetch, and no
        // mail goes to them any more.
        self.revoke_calendar_feeds_of(id).await?;
        self.stop_all_mail_to(id).await?;
        use position::Column as P;
        use representation::Column as R;
        position::Entity::update_many()
            .col_expr(P::EndedOn, period_end(P::StartedOn, today))
            .filter(P::TenantId.eq(tenant))
            .filter(P::PersonId.eq(id))
            .filter(P::EndedOn.is_null())
            .exec(&*tx)
            .await
            .context("ending the person's positions")?;
        representation::Entity::update_many()
            .col_expr(R::EndedOn, period_end(R::StartedOn, today))
            .filter(R::TenantId.eq(tenant))
            .filter(R::PersonId.eq(id))
            .filter(R::EndedOn.is_null())
            .exec(&*tx)
            .await
            .context("ending the person's representations")?;
        body_member::Entity::delete_many()
            .filter(body_member::Column::TenantId.eq(tenant))
            .filter(body_member::Column::PersonId.eq(id))
            .exec(&*tx)
            .await
            .context("removing the person's board seats")?;
        network_facilitator::Entity::delete_many()
            .filter(network_facilitator::Column::TenantId.eq(tenant))
            .filter(network_facilitator::Column::PersonId.eq(id))
            .exec(&*tx)
            .await
            .context("removing the person as facilitator")?;
        let responses = Query::select()
            .column(alignment_response::Column::Id)
            .from(alignment_response::Entity)
            .and_where(alignment_response::Column::TenantId.eq(tenant))
            .and_where(alignment_response::Column::PersonId.eq(id))
            .to_owned();
        alignment_answer::Entity::update_many()
            .col_expr(alignment_answer::Column::Comment, Expr::value(Option::<String>::None))
            .filter(alignment_answer::Column::TenantId.eq(tenant))
            .filter(alignment_answer::Column::ResponseId.in_subquery(responses))
            .exec(&*tx)
            .await
            .context("erasing the person's alignment comments")?;
        self.person(id).await
    }

    /// Everything held about one person, as stored: their row, and every row
    /// that names them, section by section (keys are the tables' columns).
    pub async fn person_data(&self, id: Uuid) -> AppResult<Value> {
        let mut data = Map::new();
        let mut section = |name: &str, rows: Vec<Value>| {
            data.insert(name.to_owned(), Value::Array(rows));
        };
        section("person", self.rows_naming(person::Column::Id, id).await?);
        section("positions", self.rows_naming(position::Column::PersonId, id).await?);
        section("bodyMemberships", self.rows_naming(body_member::Column::PersonId, id).await?);
        section("facilitatedNetworks", self.rows_naming(network_facilitator::Column::PersonId, id).await?);
        section("representations", self.rows_naming(representation::Column::PersonId, id).await?);
        section("alignmentInvitations", self.rows_naming(alignment_invitee::Column::PersonId, id).await?);
        let responses = self.rows_naming(alignment_response::Column::PersonId, id).await?;
        let response_ids: Vec<Uuid> =
            responses.iter().filter_map(|r| r["id"].as_str().and_then(|s| s.parse().ok())).collect();
        section("alignmentResponses", responses);
        let tx = self.tx()?;
        let answers = self
            .scoped::<alignment_answer::Entity>()
            .filter(alignment_answer::Column::ResponseId.is_in(response_ids))
            .order_by_asc(alignment_answer::Column::Id)
            .into_json()
            .all(&*tx)
            .await
            .context("exporting alignment answers")?;
        section("alignmentAnswers", answers);
        section("meetingAttendance", self.rows_naming(meeting_attendee::Column::PersonId, id).await?);
        section("meetingsRecorded", self.rows_naming(meeting::Column::RecordedBy, id).await?);
        section("charterVersionsAdopted", self.rows_naming(charter_version::Column::AdoptedBy, id).await?);
        section("commitmentsProposed", self.rows_naming(commitment::Column::ProposedBy, id).await?);
        section("commitmentAgreements", self.rows_naming(commitment_party::Column::AgreedBy, id).await?);
        section("expectationsRecorded", self.rows_naming(expectation::Column::RecordedBy, id).await?);
        section("progressUpdates", self.rows_naming(progress_update::Column::AuthorId, id).await?);
        section("consultationInputs", self.rows_naming(consultation_input::Column::AuthorId, id).await?);
        section("ratificationOutcomes", self.rows_naming(ratification_record::Column::RecordedBy, id).await?);
        section("conditionsMet", self.rows_naming(ratification_condition::Column::MetBy, id).await?);
        section("calendarFeeds", self.rows_naming(entity::calendar_feed::Column::PersonId, id).await?);
        section("mailPreferences", self.rows_naming(entity::mail_preference::Column::PersonId, id).await?);
        section("reminders", self.rows_naming(entity::reminder::Column::PersonId, id).await?);
        section("mails", self.rows_naming(entity::mail::Column::PersonId, id).await?);
        section("measurementsRecorded", self.rows_naming(entity::measurement::Column::RecordedBy, id).await?);
        section("cyclesClosed", self.rows_naming(entity::cycle::Column::ClosedBy, id).await?);
        section("eventsAsActor", self.rows_naming(event::Column::ActorPersonId, id).await?);
        Ok(Value::Object(data))
    }

    /// The tenant's rows of one table whose `column` names the person.
    async fn rows_naming<C>(&self, column: C, person_id: Uuid) -> AppResult<Vec<Value>>
    where
        C: ColumnTrait,
        C::EntityName: TenantScoped<Column = C>,
    {
        let tx = self.tx()?;
        // The person's own data, for their export, whoever may see it otherwise.
        self.tenant_only::<C::EntityName>()
            .filter(column.eq(person_id))
            .into_json()
            .all(&*tx)
            .await
            .with_context(|| format!("exporting {}", sea_orm::EntityName::table_name(&C::EntityName::default())))
    }
}
