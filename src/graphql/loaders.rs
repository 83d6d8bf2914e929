//! Loaders: one batched, tenant-scoped, visibility-filtered query per
//! relation and nesting level, never one per row. Keys are newtypes so one
//! [`StoreLoader`] serves every relation; [`super::batch::Batcher`] batches
//! and caches them for the request.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::Loader;
use entity::{
    alignment_invitee, alignment_question, alignment_round, charter_version, commitment, commitment_party,
    event_organisation, expectation, goal, governing_body, meeting, meeting_agenda_item, meeting_attendee, network,
    organisation, partnership, person, position, ratification, ratification_condition, ratification_record,
    representation,
};
use uuid::Uuid;

use crate::domain::AppError;
use crate::store::Store;

/// Loads through the request's store, so every batch runs in the request's
/// transaction with the request's actor.
pub struct StoreLoader {
    store: Store,
}

pub type Loaders = super::batch::Batcher<StoreLoader>;

pub fn loaders(store: Store) -> Loaders {
    super::batch::Batcher::new(StoreLoader { store })
}

/// The request's loaders, in the lane of the field being resolved.
pub fn from_context<'a>(ctx: &Context<'a>) -> InLane<'a> {
    InLane { loaders: ctx.data_unchecked::<Loaders>(), lane: super::batch::lane_of(ctx.path_node.as_ref()) }
}

/// Loads in one lane (see [`super::batch`]).
pub struct InLane<'a> {
    loaders: &'a Loaders,
    lane: super::batch::Lane,
}

impl InLane<'_> {
    pub async fn load_one<K>(&self, key: K) -> Result<Option<<StoreLoader as Loader<K>>::Value>, LoadError>
    where
        StoreLoader: Loader<K, Error = LoadError>,
        K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    {
        self.loaders.load_one(self.lane, key).await
    }

    pub async fn load_many<K, I>(&self, keys: I) -> Result<HashMap<K, <StoreLoader as Loader<K>>::Value>, LoadError>
    where
        StoreLoader: Loader<K, Error = LoadError>,
        K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
        I: IntoIterator<Item = K>,
    {
        self.loaders.load_many(self.lane, keys).await
    }
}

/// Primes the request's loaders with rows read together with their parents
/// (see [`super::batch::Batcher::prime`]).
pub fn prime<K>(ctx: &Context<'_>, entries: impl IntoIterator<Item = (K, Option<<StoreLoader as Loader<K>>::Value>)>)
where
    StoreLoader: Loader<K, Error = LoadError>,
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
{
    ctx.data_unchecked::<Loaders>().prime(entries);
}

/// Primes a list loader: every parent in `parents` gets its rows from `rows`,
/// an empty list when it has none.
pub fn prime_lists<K, V>(ctx: &Context<'_>, parents: &[K], rows: impl IntoIterator<Item = (K, V)>)
where
    StoreLoader: Loader<K, Value = Vec<V>, Error = LoadError>,
    K: Send + Sync + std::hash::Hash + Eq + Copy + 'static,
{
    prime(ctx, group(parents, rows).into_iter().map(|(k, v)| (k, Some(v))));
}

/// A person by id through the loader; `None` when absent or not visible.
pub async fn person(ctx: &Context<'_>, id: Option<Uuid>) -> async_graphql::Result<Option<super::people::Person>> {
    match id {
        Some(id) => Ok(from_context(ctx).load_one(PersonId(id)).await?.map(super::people::Person)),
        None => Ok(None),
    }
}

/// An organisation by id through the loader; `None` when not visible.
pub async fn organisation(
    ctx: &Context<'_>,
    id: Uuid,
) -> async_graphql::Result<Option<super::organisations::Organisation>> {
    Ok(from_context(ctx).load_one(OrganisationId(id)).await?.map(super::organisations::Organisation))
}

/// A related object that whoever sees the parent sees too (a commitment's
/// network, a ratification's body: `store::visibility` grants them together),
/// so the schema has it non-null. Absent, that rule was broken: an INTERNAL
/// error, which nulls the parent as the specification says, never a quiet null.
pub fn present<T>(found: Option<T>, what: &'static str) -> async_graphql::Result<T> {
    found.ok_or_else(|| AppError::Internal(anyhow::anyhow!("{what} is not visible with its parent")).into())
}

/// Loader errors are shared between every field waiting on the batch.
pub type LoadError = Arc<AppError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrganisationId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PersonId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BodyId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PositionId(pub Uuid);
/// The active governing bodies of an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BodiesOf(pub Uuid);
/// The person ids of a body's members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MembersOf(pub Uuid);
/// A person's positions (visible ones, ended included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PositionsOf(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NetworkId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartnershipId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RepresentationId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CharterVersionId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExpectationId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoundId(pub Uuid);
/// Every charter version of a network, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CharterVersionsOf(pub Uuid);
/// The person ids of a network's facilitators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FacilitatorsOf(pub Uuid);
/// A partnership's representations; `current` leaves ended ones out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RepresentationsOf {
    pub partnership: Uuid,
    pub current: bool,
}
/// A partnership's expectations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExpectationsOf(pub Uuid);
/// An organisation's partnerships, every period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartnershipsOf(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GoalId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MeetingId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommitmentId(pub Uuid);
/// A commitment's current parties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartiesOf(pub Uuid);
/// A meeting's attendees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttendeesOf(pub Uuid);
/// A meeting's agenda, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AgendaOf(pub Uuid);
/// A round's results as the viewer may see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoundResultsOf(pub Uuid);
/// What a goal and its sub-goals delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GoalResultsOf(pub Uuid);
/// The commitments proposed or agreed at a meeting, each with whether a party
/// agreed there: one statement pair for every meeting of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommitmentsOfMeeting(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RatificationId(pub Uuid);
/// A commitment's current ratifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RatificationsOf(pub Uuid);
/// A ratification's conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConditionsOf(pub Uuid);
/// A ratification's recorded outcomes, reopened ones included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordsOf(pub Uuid);
/// The organisations an event concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventOrganisationsOf(pub Uuid);
/// The first page of an organisation's positions (a connection nested in a
/// list: one statement for every organisation of the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PositionsFirstPage {
    pub organisation: Uuid,
    pub include_ended: bool,
    pub first: u64,
}
/// The first page of a network's partnerships in the given statuses.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartnershipsFirstPage {
    pub network: Uuid,
    pub statuses: Vec<entity::PartnershipStatus>,
    pub first: u64,
}
/// The first page of a network's goals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GoalsFirstPage {
    pub network: Uuid,
    pub first: u64,
}
/// The first page of a round's invitees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InviteesFirstPage {
    pub round: Uuid,
    pub first: u64,
}
/// The viewer's invitation to a round (the organisation they answer for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InvitationsOf(pub Uuid);
/// The viewer's own answers to a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OwnAnswersOf(pub Uuid);
/// A round's questions, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuestionsOf(pub Uuid);
/// An organisation's API clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApiClientsOf(pub Uuid);
/// An organisation's webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WebhooksOfOrganisation(pub Uuid);
/// A network's webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WebhooksOfNetwork(pub Uuid);
/// A webhook delivery's attempts, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttemptsOf(pub Uuid);
/// A network's indicators, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndicatorsOfNetwork(pub Uuid);
/// A network's cycles, newest year first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CyclesOfNetwork(pub Uuid);
/// A goal's indicators, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndicatorsOfGoal(pub Uuid);
/// The indicators a commitment contributes to, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IndicatorsOfCommitment(pub Uuid);
/// An indicator's reporters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportersOf(pub Uuid);
/// An indicator's targets, by period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TargetsOf(pub Uuid);
/// Every measurement of an indicator, corrections included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MeasurementsOf(pub Uuid);
/// A cycle's commitments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommitmentsOfCycle(pub Uuid);

macro_rules! by_id_loader {
    ($key:ident, $model:ty, $method:ident) => {
        impl Loader<$key> for StoreLoader {
            type Value = $model;
            type Error = LoadError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $model>, LoadError> {
                let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
                let rows = self.store.$method(&ids).await.map_err(Arc::new)?;
                Ok(rows.into_iter().map(|row| ($key(row.id), row)).collect())
            }
        }
    };
}

by_id_loader!(OrganisationId, organisation::Model, organisations_by_ids);
by_id_loader!(PersonId, person::Model, people_by_ids);
by_id_loader!(BodyId, governing_body::Model, bodies_by_ids);
by_id_loader!(PositionId, position::Model, positions_by_ids);
by_id_loader!(NetworkId, network::Model, networks_by_ids);
by_id_loader!(PartnershipId, partnership::Model, partnerships_by_ids);
by_id_loader!(RepresentationId, representation::Model, representations_by_ids);
by_id_loader!(CharterVersionId, charter_version::Model, charter_versions_by_ids);
by_id_loader!(ExpectationId, expectation::Model, expectations_by_ids);
by_id_loader!(RoundId, alignment_round::Model, rounds_by_ids);
by_id_loader!(GoalId, goal::Model, goals_by_ids);
by_id_loader!(MeetingId, meeting::Model, meetings_by_ids);
by_id_loader!(CommitmentId, commitment::Model, commitments_by_ids);
by_id_loader!(RatificationId, ratification::Model, ratifications_by_ids);

/// Groups rows under the key they belong to; keys without rows get an empty list.
fn group<K, V>(keys: &[K], rows: impl IntoIterator<Item = (K, V)>) -> HashMap<K, Vec<V>>
where
    K: std::hash::Hash + Eq + Copy,
{
    let mut grouped: HashMap<K, Vec<V>> = keys.iter().map(|k| (*k, Vec::new())).collect();
    for (key, value) in rows {
        grouped.entry(key).or_default().push(value);
    }
    grouped
}

impl Loader<BodiesOf> for StoreLoader {
    type Value = Vec<governing_body::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[BodiesOf]) -> Result<HashMap<BodiesOf, Self::Value>, LoadError> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let rows = self.store.bodies_of(&ids).await.map_err(Arc::new)?;
        Ok(group(keys, rows.into_iter().map(|b| (BodiesOf(b.organisation_id), b))))
    }
}

impl Loader<MembersOf> for StoreLoader {
    type Value = Vec<Uuid>;
    type Error = LoadError;

    async fn load(&self, keys: &[MembersOf]) -> Result<HashMap<MembersOf, Self::Value>, LoadError> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let rows = self.store.body_member_ids(&ids).await.map_err(Arc::new)?;
        Ok(group(keys, rows.into_iter().map(|(body, person)| (MembersOf(body), person))))
    }
}

impl Loader<PositionsOf> for StoreLoader {
    type Value = Vec<position::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[PositionsOf]) -> Result<HashMap<PositionsOf, Self::Value>, LoadError> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let rows = self.store.positions_of_people(&ids).await.map_err(Arc::new)?;
        Ok(group(keys, rows.into_iter().map(|p| (PositionsOf(p.person_id), p))))
    }
}

/// Defines a loader of lists keyed by a parent id: `$store_call` loads the rows
/// of all parents at once and `$parent` names the row's parent id.
macro_rules! list_loader {
    ($key:ident, $model:ty, |$store:ident, $ids:ident| $store_call:expr, |$row:ident| $parent:expr) => {
        impl Loader<$key> for StoreLoader {
            type Value = Vec<$model>;
            type Error = LoadError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, LoadError> {
                let $ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
                let $store = &self.store;
                let rows = $store_call.await.map_err(Arc::new)?;
                Ok(group(keys, rows.into_iter().map(|$row| ($key($parent), $row))))
            }
        }
    };
}

list_loader!(CharterVersionsOf, charter_version::Model, |store, ids| store.charter_versions_of(&ids), |row| row
    .network_id);
list_loader!(ExpectationsOf, expectation::Model, |store, ids| store.expectations_of(&ids), |row| row.partnership_id);
list_loader!(PartnershipsOf, partnership::Model, |store, ids| store.partnerships_of_organisations(&ids), |row| row
    .organisation_id);
list_loader!(PartiesOf, commitment_party::Model, |store, ids| store.parties_of(&ids), |row| row.commitment_id);
list_loader!(AttendeesOf, meeting_attendee::Model, |store, ids| store.attendees_of(&ids), |row| row.meeting_id);
list_loader!(AgendaOf, meeting_agenda_item::Model, |store, ids| store.agenda_items_of(&ids), |row| row.meeting_id);
list_loader!(
    CommitmentsOfMeeting,
    (Uuid, entity::commitment::Model, bool),
    |store, ids| store.commitments_of_meetings(&ids),
    |row| row.0
);
list_loader!(RatificationsOf, ratification::Model, |store, ids| store.ratifications_of(&ids), |row| row.commitment_id);
list_loader!(ConditionsOf, ratification_condition::Model, |store, ids| store.conditions_of(&ids), |row| row
    .ratification_id);
list_loader!(RecordsOf, ratification_record::Model, |store, ids| store.records_of(&ids), |row| row.ratification_id);
list_loader!(EventOrganisationsOf, event_organisation::Model, |store, ids| store.event_organisations(&ids), |row| row
    .event_id);
list_loader!(ApiClientsOf, entity::api_client::Model, |store, ids| store.api_clients_of(&ids), |row| row
    .organisation_id);
list_loader!(
    WebhooksOfOrganisation,
    entity::webhook::Model,
    |store, ids| store.webhooks_of_organisations(&ids),
    |row| row.organisation_id.unwrap_or_default()
);
list_loader!(WebhooksOfNetwork, entity::webhook::Model, |store, ids| store.webhooks_of_networks(&ids), |row| row
    .network_id
    .unwrap_or_default());
list_loader!(AttemptsOf, entity::webhook_attempt::Model, |store, ids| store.webhook_attempts(&ids), |row| row
    .delivery_id);
list_loader!(InvitationsOf, (Uuid, Uuid), |store, ids| store.viewer_invitations(&ids), |row| row.0);
list_loader!(OwnAnswersOf, (Uuid, String, i32, Option<String>), |store, ids| store.own_answers_in(&ids), |row| row.0);
list_loader!(QuestionsOf, alignment_question::Model, |store, ids| store.questions_of(&ids), |row| row.round_id);
list_loader!(IndicatorsOfNetwork, entity::indicator::Model, |store, ids| store.indicators_of_networks(&ids), |row| row
    .network_id);
list_loader!(CyclesOfNetwork, entity::cycle::Model, |store, ids| store.cycles_of_networks(&ids), |row| row.network_id);
list_loader!(IndicatorsOfGoal, entity::indicator::Model, |store, ids| store.indicators_of_goals(&ids), |row| row
    .goal_id);
list_loader!(
    IndicatorsOfCommitment,
    (Uuid, entity::indicator::Model),
    |store, ids| store.contributions_of(&ids),
    |row| row.0
);
list_loader!(ReportersOf, entity::indicator_reporter::Model, |store, ids| store.reporters_of(&ids), |row| row
    .indicator_id);
list_loader!(TargetsOf, entity::indicator_target::Model, |store, ids| store.targets_of(&ids), |row| row.indicator_id);
list_loader!(MeasurementsOf, entity::measurement::Model, |store, ids| store.measurements_of(&ids), |row| row
    .indicator_id);
list_loader!(
    CommitmentsOfCycle,
    (Uuid, entity::commitment::Model),
    |store, ids| store.commitments_of_cycles(&ids),
    |row| row.0
);

/// Every round of a page in the same statements (`service::alignment::results_of`).
impl Loader<RoundResultsOf> for StoreLoader {
    type Value = crate::service::alignment::VisibleResults;
    type Error = LoadError;

    async fn load(&self, keys: &[RoundResultsOf]) -> Result<HashMap<RoundResultsOf, Self::Value>, LoadError> {
        let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
        let rounds = self.store.rounds_by_ids(&ids).await.map_err(Arc::new)?;
        let results = crate::service::alignment::results_of(&self.store, &rounds).await.map_err(Arc::new)?;
        Ok(results.into_iter().filter_map(|(id, results)| Some((RoundResultsOf(id), results?))).collect())
    }
}

/// Every goal of a page in the same four statements (`service::work::goals_results`).
impl Loader<GoalResultsOf> for StoreLoader {
    type Value = crate::service::work::GoalResults;
    type Error = LoadError;

    async fn load(&self, keys: &[GoalResultsOf]) -> Result<HashMap<GoalResultsOf, Self::Value>, LoadError> {
        let ids: Vec<Uuid> = keys.iter().map(|key| key.0).collect();
        let goals = self.store.goals_by_ids(&ids).await.map_err(Arc::new)?;
        let results = crate::service::work::goals_results(&self.store, &goals).await.map_err(Arc::new)?;
        Ok(results.into_iter().map(|(id, results)| (GoalResultsOf(id), results)).collect())
    }
}

/// Groups first-page keys by their arguments (siblings of one list ask with the
/// same ones): each group is one statement for all its parents.
fn by_arguments<K, A: PartialEq>(keys: &[K], split: impl Fn(&K) -> (Uuid, A)) -> Vec<(A, Vec<Uuid>)> {
    let mut groups: Vec<(A, Vec<Uuid>)> = Vec::new();
    for (parent, arguments) in keys.iter().map(split) {
        match groups.iter_mut().find(|(a, _)| *a == arguments) {
            Some((_, parents)) => parents.push(parent),
            None => groups.push((arguments, vec![parent])),
        }
    }
    groups
}

/// The first page of a nested connection through its loader, which reads it
/// together with the pages of the parent's siblings.
pub async fn first_page<K, T>(ctx: &Context<'_>, key: K) -> async_graphql::Result<crate::store::Page<T>>
where
    StoreLoader: Loader<K, Value = crate::store::Page<T>, Error = LoadError>,
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
{
    let page = from_context(ctx).load_one(key).await?;
    // The loaders answer every key they are given, an empty page included.
    Ok(page.ok_or_else(|| AppError::Internal(anyhow::anyhow!("a first-page loader left a key out")))?)
}

impl Loader<PositionsFirstPage> for StoreLoader {
    type Value = crate::store::Page<position::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[PositionsFirstPage]) -> Result<HashMap<PositionsFirstPage, Self::Value>, LoadError> {
        let mut result = HashMap::new();
        for ((include_ended, first), ids) in by_arguments(keys, |k| (k.organisation, (k.include_ended, k.first))) {
            let pages = self.store.positions_first_pages(&ids, include_ended, first).await.map_err(Arc::new)?;
            result.extend(
                pages
                    .into_iter()
                    .map(|(organisation, page)| (PositionsFirstPage { organisation, include_ended, first }, page)),
            );
        }
        Ok(result)
    }
}

impl Loader<PartnershipsFirstPage> for StoreLoader {
    type Value = crate::store::Page<partnership::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[PartnershipsFirstPage],
    ) -> Result<HashMap<PartnershipsFirstPage, Self::Value>, LoadError> {
        let mut result = HashMap::new();
        for ((statuses, first), ids) in by_arguments(keys, |k| (k.network, (k.statuses.clone(), k.first))) {
            let pages = self.store.partnerships_first_pages(&ids, &statuses, first).await.map_err(Arc::new)?;
            result.extend(
                pages.into_iter().map(|(network, page)| {
                    (PartnershipsFirstPage { network, statuses: statuses.clone(), first }, page)
                }),
            );
        }
        Ok(result)
    }
}

impl Loader<GoalsFirstPage> for StoreLoader {
    type Value = crate::store::Page<goal::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[GoalsFirstPage]) -> Result<HashMap<GoalsFirstPage, Self::Value>, LoadError> {
        let mut result = HashMap::new();
        for (first, ids) in by_arguments(keys, |k| (k.network, k.first)) {
            let pages = self.store.goals_first_pages(&ids, first).await.map_err(Arc::new)?;
            result.extend(pages.into_iter().map(|(network, page)| (GoalsFirstPage { network, first }, page)));
        }
        Ok(result)
    }
}

impl Loader<InviteesFirstPage> for StoreLoader {
    type Value = crate::store::Page<alignment_invitee::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[InviteesFirstPage]) -> Result<HashMap<InviteesFirstPage, Self::Value>, LoadError> {
        let mut result = HashMap::new();
        for (first, ids) in by_arguments(keys, |k| (k.round, k.first)) {
            let pages = self.store.invitees_first_pages(&ids, first).await.map_err(Arc::new)?;
            result.extend(pages.into_iter().map(|(round, page)| (InviteesFirstPage { round, first }, page)));
        }
        Ok(result)
    }
}

impl Loader<FacilitatorsOf> for StoreLoader {
    type Value = Vec<Uuid>;
    type Error = LoadError;

    async fn load(&self, keys: &[FacilitatorsOf]) -> Result<HashMap<FacilitatorsOf, Self::Value>, LoadError> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let rows = self.store.facilitators_of(&ids).await.map_err(Arc::new)?;
        Ok(group(keys, rows.into_iter().map(|(network, person)| (FacilitatorsOf(network), person))))
    }
}

impl Loader<RepresentationsOf> for StoreLoader {
    type Value = Vec<representation::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[RepresentationsOf]) -> Result<HashMap<RepresentationsOf, Self::Value>, LoadError> {
        let mut result: HashMap<RepresentationsOf, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for current in [true, false] {
            let ids: Vec<Uuid> = keys.iter().filter(|k| k.current == current).map(|k| k.partnership).collect();
            if ids.is_empty() {
                continue;
            }
            for row in self.store.representations_of(&ids, current).await.map_err(Arc::new)? {
                result.entry(RepresentationsOf { partnership: row.partnership_id, current }).or_default().push(row);
            }
        }
        Ok(result)
    }
}
