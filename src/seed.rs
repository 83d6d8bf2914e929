//! `eendracht seed`: deterministic bulk data for benchmarks and scale tests.
//!
//! Unlike the demo, which tells one network's story through the use cases, the
//! seed writes rows directly in multi-row `INSERT`s, a batch per transaction,
//! so a tenant with a million commitments loads in minutes. The same sizes and
//! seed give the same rows, ids included: ids are UUIDv7 built from the rows'
//! own (synthetic) times and a seeded random generator, so a benchmark can be
//! repeated on identical data.
//!
//! What it builds, per tenant: organisations with an executive board,
//! supervisory board and works council and their people; networks whose
//! partners are those organisations (ACTIVE, charter acknowledged) and whose
//! representatives are the directors; a facilitator for every network and an
//! ADMIN; goals; commitments at every scope and in every status, with their
//! parties, their ratifications (answered for started and delivered work,
//! awaiting for agreed work) and a `commitment.proposed` event each; closed
//! alignment rounds answered by every representative.

use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    BodyKind, BodyRight, CommitmentKind, CommitmentScope, CommitmentStatus, GoalHorizon, NetworkStatus,
    OrganisationKind, PartnershipStatus, PositionRole, RatificationOutcome, RatificationStatus, RoundStatus,
    TenantRole, alignment_answer, alignment_invitee, alignment_question, alignment_response, alignment_round,
    body_member, charter_version, commitment, commitment_party, event, goal, governing_body, network,
    network_facilitator, organisation, partnership, person, position, ratification, representation, tenant,
};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
    Statement, TransactionTrait,
};
use serde::Serialize;
use uuid::Uuid;

use crate::domain::alignment::STANDARD_QUESTIONS;
use crate::store::Db;

/// How much to build. Every size is per tenant or per network as named.
#[derive(Debug, Clone, clap::Args)]
pub struct SeedSize {
    /// The tenant's slug; the seed refuses to write into an existing tenant.
    #[arg(long, default_value = "bench")]
    pub tenant: String,
    /// Networks in the tenant.
    #[arg(long, default_value_t = 1)]
    pub networks: u32,
    /// Organisations in the tenant; every network has all of them as partners
    /// unless `--partners` is smaller.
    #[arg(long, default_value_t = 10)]
    pub organisations: u32,
    /// Partners per network (at most `--organisations`), taken in turn.
    #[arg(long)]
    pub partners: Option<u32>,
    /// Staff per organisation, besides its director and supervisor.
    #[arg(long, default_value_t = 3)]
    pub staff: u32,
    /// Goals per network.
    #[arg(long, default_value_t = 10)]
    pub goals: u32,
    /// Commitments per network.
    #[arg(long, default_value_t = 100)]
    pub commitments: u64,
    /// Closed alignment rounds per network, answered by every representative.
    #[arg(long, default_value_t = 2)]
    pub rounds: u32,
    /// Seed of the random generator: the same seed and sizes give the same rows.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The day the data runs up to; commitments spread over the year before it.
    #[arg(long, default_value = "2026-11-01")]
    pub until: NaiveDate,
    /// Rows per INSERT statement (each batch of commitments is one transaction).
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// Show a progress bar (on by default when stderr is a terminal).
    #[arg(long)]
    pub progress: bool,
}

impl SeedSize {
    /// Small sizes for tests, with every other size at its default.
    pub fn small(tenant: &str) -> Self {
        Self {
            tenant: tenant.to_owned(),
            networks: 1,
            organisations: 5,
            partners: None,
            staff: 1,
            goals: 3,
            commitments: 20,
            rounds: 1,
            seed: 1,
            until: NaiveDate::from_ymd_opt(2026, 11, 1).expect("a valid date"),
            batch: 1000,
            progress: false,
        }
    }

    fn partners(&self) -> u32 {
        self.partners.unwrap_or(self.organisations).min(self.organisations)
    }
}

/// What the seed built: enough to sign in and query it.
#[derive(Debug, Clone, Serialize)]
pub struct SeedSummary {
    pub tenant: String,
    pub tenant_id: Uuid,
    pub admin_subject: String,
    pub facilitator_subject: String,
    /// A director of the first organisation, a partner of every network.
    pub director_subject: String,
    pub networks: Vec<Uuid>,
    pub organisations: Vec<Uuid>,
    /// Rows written per table.
    pub rows: std::collections::BTreeMap<&'static str, u64>,
    pub seconds: f64,
}

/// Builds the tenant. Refuses when the tenant slug exists.
pub async fn seed(db: &Db, size: &SeedSize) -> anyhow::Result<SeedSummary> {
    if size.organisations == 0 || size.networks == 0 {
        bail!("--organisations and --networks must be at least 1");
    }
    if size.batch == 0 || size.batch > 2000 {
        bail!("--batch must be between 1 and 2000 (PostgreSQL allows 65,535 values per statement)");
    }
    let started = std::time::Instant::now();
    let conn = db.connection();
    let existing =
        tenant::Entity::find().filter(tenant::Column::Slug.eq(size.tenant.as_str())).one(conn).await?.is_some();
    if existing {
        bail!("tenant `{}` exists already; seed a fresh slug or a fresh database", size.tenant);
    }
    let mut g = Generator::new(db.backend(), size);
    let summary = g.run(db).await?;
    // The generator writes rows directly; health's kept facts are counted from them once.
    crate::store::health_facts::build_missing(db, std::sync::Arc::new(crate::clock::SystemClock)).await?;
    Ok(SeedSummary { seconds: started.elapsed().as_secs_f64(), ..summary })
}

/// Generates the rows in a fixed order from one random generator.
struct Generator<'a> {
    backend: DbBackend,
    size: &'a SeedSize,
    rng: StdRng,
    tenant_id: Uuid,
    start: DateTime<Utc>,
    rows: std::collections::BTreeMap<&'static str, u64>,
}

/// One organisation's people and bodies.
struct Org {
    id: Uuid,
    director: Uuid,
    executive_board: Uuid,
}

const ORGANISATION_KINDS: [OrganisationKind; 5] = [
    OrganisationKind::HousingCorporation,
    OrganisationKind::Municipality,
    OrganisationKind::CareProvider,
    OrganisationKind::SchoolBoard,
    OrganisationKind::Welfare,
];

impl<'a> Generator<'a> {
    fn new(backend: DbBackend, size: &'a SeedSize) -> Self {
        let until = size.until.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc();
        let start = until - chrono::Duration::days(365);
        let mut rng = StdRng::seed_from_u64(size.seed);
        let tenant_id = uuid_at(&mut rng, start - chrono::Duration::days(30));
        Self { backend, size, rng, tenant_id, start, rows: Default::default() }
    }

    /// A UUIDv7 for a row created at `at`: time-ordered like the ids the API
    /// makes, but reproducible.
    fn id(&mut self, at: DateTime<Utc>) -> Uuid {
        uuid_at(&mut self.rng, at)
    }

    fn at_day(&self, day: i64) -> DateTime<Utc> {
        self.start + chrono::Duration::days(day)
    }

    async fn run(&mut self, db: &Db) -> anyhow::Result<SeedSummary> {
        let size = self.size;
        let conn = db.connection();
        let founded = self.start - chrono::Duration::days(30);

        // The tenant, its organisations, people and bodies.
        let tx = self.begin(conn).await?;
        tenant::ActiveModel::from(tenant::Model {
            id: self.tenant_id,
            slug: size.tenant.clone(),
            name: format!("Benchmark tenant {}", size.tenant),
            created_at: founded,
            language: crate::i18n::Locale::TENANT_DEFAULT.tag().to_owned(),
        })
        .insert(&tx)
        .await
        .context("inserting the tenant")?;
        self.count("tenants", 1);

        let mut people = Vec::new();
        self.person(&mut people, "seed-admin", "Seed Admin", Some(TenantRole::Admin), founded);
        let facilitator =
            self.person(&mut people, "seed-facilitator", "Seed Facilitator", Some(TenantRole::Facilitator), founded);

        let mut organisations = Vec::new();
        let mut orgs = Vec::new();
        let mut bodies = Vec::new();
        let mut positions = Vec::new();
        let mut members = Vec::new();
        let since = founded.date_naive();
        for i in 0..size.organisations {
            let id = self.id(founded);
            organisations.push(organisation::Model {
                id,
                tenant_id: self.tenant_id,
                name: format!("Organisation {:04}", i + 1),
                kind: ORGANISATION_KINDS[i as usize % ORGANISATION_KINDS.len()],
                created_at: founded,
                updated_at: founded,
                version: 1,
            });
            let director =
                self.person(&mut people, &format!("seed-org{i}-director"), &format!("Director {i}"), None, founded);
            let supervisor =
                self.person(&mut people, &format!("seed-org{i}-supervisor"), &format!("Supervisor {i}"), None, founded);
            let mut staff = Vec::new();
            for s in 0..size.staff {
                staff.push(self.person(
                    &mut people,
                    &format!("seed-org{i}-staff{s}"),
                    &format!("Staff {i}.{s}"),
                    None,
                    founded,
                ));
            }
            let mut body = |g: &mut Self, kind: BodyKind, right: BodyRight, name: &str| {
                let body_id = g.id(founded);
                bodies.push(governing_body::Model {
                    id: body_id,
                    tenant_id: g.tenant_id,
                    organisation_id: id,
                    name: name.to_owned(),
                    kind,
                    right,
                    response_days: 42,
                    retired_at: None,
                    created_at: founded,
                });
                body_id
            };
            let executive_board = body(self, BodyKind::ExecutiveBoard, BodyRight::Decides, "Bestuur");
            let supervisory_board = body(self, BodyKind::SupervisoryBoard, BodyRight::Approves, "Raad van Toezicht");
            let works_council = body(self, BodyKind::WorksCouncil, BodyRight::Advises, "Ondernemingsraad");
            let mut hold = |g: &mut Self, person_id: Uuid, role: PositionRole| {
                let position_id = g.id(founded);
                positions.push(position::Model {
                    id: position_id,
                    tenant_id: g.tenant_id,
                    person_id,
                    organisation_id: id,
                    role,
                    started_on: since,
                    ended_on: None,
                    created_at: founded,
                });
            };
            hold(self, director, PositionRole::Director);
            hold(self, supervisor, PositionRole::Supervisor);
            for s in &staff {
                hold(self, *s, PositionRole::Staff);
            }
            let mut seat = |body_id: Uuid, person_id: Uuid| {
                members.push(body_member::Model { body_id, person_id, tenant_id: self.tenant_id, created_at: founded })
            };
            seat(executive_board, director);
            seat(supervisory_board, supervisor);
            if let Some(first) = staff.first() {
                seat(works_council, *first);
            }
            orgs.push(Org { id, director, executive_board });
        }
        self.insert_all(&tx, "people", people.into_iter().map(person::ActiveModel::from)).await?;
        self.insert_all(&tx, "organisations", organisations.into_iter().map(organisation::ActiveModel::from)).await?;
        self.insert_all(&tx, "governing_bodies", bodies.into_iter().map(governing_body::ActiveModel::from)).await?;
        self.insert_all(&tx, "positions", positions.into_iter().map(position::ActiveModel::from)).await?;
        self.insert_all(&tx, "body_members", members.into_iter().map(body_member::ActiveModel::from)).await?;
        tx.commit().await?;

        let progress = self.progress_bar(size.commitments * u64::from(size.networks));
        let mut network_ids = Vec::new();
        for n in 0..size.networks {
            let partners: Vec<&Org> = (0..size.partners())
                .map(|p| &orgs[((n * size.partners() + p) % size.organisations) as usize])
                .collect();
            let network_id = self.network(db, n, facilitator, &partners).await?;
            self.commitments(db, network_id, &partners, &progress).await?;
            network_ids.push(network_id);
        }
        progress.finish_and_clear();

        Ok(SeedSummary {
            tenant: size.tenant.clone(),
            tenant_id: self.tenant_id,
            admin_subject: "seed-admin".into(),
            facilitator_subject: "seed-facilitator".into(),
            director_subject: "seed-org0-director".into(),
            networks: network_ids,
            organisations: orgs.iter().map(|o| o.id).collect(),
            rows: self.rows.clone(),
            seconds: 0.0,
        })
    }

    fn person(
        &mut self,
        people: &mut Vec<person::Model>,
        subject: &str,
        name: &str,
        tenant_role: Option<TenantRole>,
        at: DateTime<Utc>,
    ) -> Uuid {
        let id = self.id(at);
        people.push(person::Model {
            id,
            tenant_id: self.tenant_id,
            subject: subject.to_owned(),
            name: name.to_owned(),
            email: Some(format!("{subject}@example.org")),
            tenant_role,
            created_at: at,
            updated_at: at,
            anonymized_at: None,
            language: None,
        });
        id
    }

    /// A network with its charter, facilitator, partners, representatives,
    /// goals and closed alignment rounds.
    async fn network(&mut self, db: &Db, n: u32, facilitator: Uuid, partners: &[&Org]) -> anyhow::Result<Uuid> {
        let size = self.size;
        let created = self.start - chrono::Duration::days(20);
        let network_id = self.id(created);
        let tx = self.begin(db.connection()).await?;
        self.insert_all(
            &tx,
            "networks",
            [network::ActiveModel::from(network::Model {
                id: network_id,
                tenant_id: self.tenant_id,
                name: format!("Network {:03}", n + 1),
                purpose: "Benchmark data: a network that works together on housing, care and education.".into(),
                status: NetworkStatus::Active,
                settings: serde_json::json!({}),
                created_at: created,
                updated_at: created,
                version: 1,
            })],
        )
        .await?;
        let facilitated = network_facilitator::Model {
            network_id,
            person_id: facilitator,
            tenant_id: self.tenant_id,
            assigned_at: created,
        };
        self.insert_all(&tx, "network_facilitators", [network_facilitator::ActiveModel::from(facilitated)]).await?;
        let adopted = self.start - chrono::Duration::days(10);
        let charter = charter_version::Model {
            id: self.id(adopted),
            tenant_id: self.tenant_id,
            network_id,
            version: 1,
            goals: "Enough affordable homes with care nearby, and every child in school.".into(),
            working_agreements: "We decide together, each board ratifies within six weeks.".into(),
            adopted_at: adopted,
            adopted_by: Some(facilitator),
        };
        self.insert_all(&tx, "charter_versions", [charter_version::ActiveModel::from(charter)]).await?;

        let joined = self.start - chrono::Duration::days(5);
        let mut partnerships = Vec::new();
        let mut representations = Vec::new();
        for org in partners {
            let partnership_id = self.id(created);
            partnerships.push(partnership::Model {
                id: partnership_id,
                tenant_id: self.tenant_id,
                network_id,
                organisation_id: org.id,
                status: PartnershipStatus::Active,
                invited_at: created,
                joined_on: Some(joined.date_naive()),
                left_on: None,
                left_reason: None,
                acknowledged_charter_version: Some(1),
                acknowledged_at: Some(joined),
            });
            representations.push(representation::Model {
                id: self.id(joined),
                tenant_id: self.tenant_id,
                network_id,
                partnership_id,
                organisation_id: org.id,
                person_id: org.director,
                started_on: joined.date_naive(),
                ended_on: None,
                acknowledged_charter_version: Some(1),
                acknowledged_at: Some(joined),
            });
        }
        self.insert_all(&tx, "partnerships", partnerships.into_iter().map(partnership::ActiveModel::from)).await?;
        self.insert_all(&tx, "representations", representations.into_iter().map(representation::ActiveModel::from))
            .await?;

        let mut goals = Vec::new();
        let mut long_term = Vec::new();
        for g in 0..size.goals {
            let at = self.start + chrono::Duration::hours(i64::from(g));
            let id = self.id(at);
            let horizon = if g < size.goals.div_ceil(4) { GoalHorizon::LongTerm } else { GoalHorizon::MidTerm };
            let parent_id = match horizon {
                GoalHorizon::LongTerm => {
                    long_term.push(id);
                    None
                }
                GoalHorizon::MidTerm => long_term.get(g as usize % long_term.len().max(1)).copied(),
            };
            goals.push(goal::Model {
                id,
                tenant_id: self.tenant_id,
                network_id,
                parent_id,
                title: format!("Goal {}", g + 1),
                description: None,
                horizon,
                target_date: Some((self.start + chrono::Duration::days(730)).date_naive()),
                created_at: at,
                updated_at: at,
                version: 1,
            });
        }
        self.insert_all(&tx, "goals", goals.into_iter().map(goal::ActiveModel::from)).await?;
        self.rounds(&tx, network_id, partners).await?;
        tx.commit().await?;
        Ok(network_id)
    }

    /// Closed rounds, evenly spread over the year, each answered by every
    /// partner's representative.
    async fn rounds(&mut self, tx: &DatabaseTransaction, network_id: Uuid, partners: &[&Org]) -> anyhow::Result<()> {
        let (mut rounds, mut questions, mut invitees, mut responses, mut answers) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let count = self.size.rounds;
        for r in 0..count {
            let opened = self.at_day(i64::from(r + 1) * 365 / i64::from(count + 1));
            let closes = opened + chrono::Duration::days(14);
            let round_id = self.id(opened);
            rounds.push(alignment_round::Model {
                id: round_id,
                tenant_id: self.tenant_id,
                network_id,
                status: RoundStatus::Closed,
                opened_at: opened,
                closes_at: closes,
                closed_at: Some(closes),
            });
            for (position, (key, _)) in STANDARD_QUESTIONS.iter().enumerate() {
                let text = crate::domain::alignment::standard_text(crate::i18n::Locale::En, key).unwrap_or_default();
                questions.push(alignment_question::Model {
                    id: self.id(opened),
                    tenant_id: self.tenant_id,
                    round_id,
                    key: (*key).to_owned(),
                    text,
                    position: position as i32 + 1,
                });
            }
            for org in partners {
                invitees.push(alignment_invitee::Model {
                    round_id,
                    person_id: org.director,
                    tenant_id: self.tenant_id,
                    organisation_id: org.id,
                });
                let submitted = opened + chrono::Duration::days(self.rng.random_range(1..14));
                let response_id = self.id(submitted);
                responses.push(alignment_response::Model {
                    id: response_id,
                    tenant_id: self.tenant_id,
                    round_id,
                    person_id: org.director,
                    organisation_id: org.id,
                    submitted_at: submitted,
                });
                for (key, _) in STANDARD_QUESTIONS {
                    answers.push(alignment_answer::Model {
                        id: self.id(submitted),
                        tenant_id: self.tenant_id,
                        round_id,
                        response_id,
                        organisation_id: org.id,
                        question_key: key.to_owned(),
                        score: self.rng.random_range(1..=5),
                        comment: None,
                    });
                }
            }
        }
        self.insert_all(tx, "alignment_rounds", rounds.into_iter().map(alignment_round::ActiveModel::from)).await?;
        self.insert_all(tx, "alignment_questions", questions.into_iter().map(alignment_question::ActiveModel::from))
            .await?;
        self.insert_all(tx, "alignment_invitees", invitees.into_iter().map(alignment_invitee::ActiveModel::from))
            .await?;
        self.insert_all(tx, "alignment_responses", responses.into_iter().map(alignment_response::ActiveModel::from))
            .await?;
        self.insert_all(tx, "alignment_answers", answers.into_iter().map(alignment_answer::ActiveModel::from)).await?;
        Ok(())
    }

    /// The network's commitments, a batch per transaction, each with its
    /// parties, ratifications and `commitment.proposed` event.
    async fn commitments(
        &mut self,
        db: &Db,
        network_id: Uuid,
        partners: &[&Org],
        progress: &ProgressBar,
    ) -> anyhow::Result<()> {
        let total = self.size.commitments;
        let goals: Vec<Uuid> = {
            let tx = self.begin(db.connection()).await?;
            let ids = goal::Entity::find()
                .filter(goal::Column::TenantId.eq(self.tenant_id))
                .filter(goal::Column::NetworkId.eq(network_id))
                .all(&tx)
                .await?
                .into_iter()
                .map(|g| g.id)
                .collect();
            tx.commit().await?;
            ids
        };
        let span_ms = 365 * 24 * 3600 * 1000_i64;
        let batch = self.size.batch as u64;
        let mut done = 0;
        while done < total {
            let end = (done + batch).min(total);
            let (mut commitments, mut parties, mut ratifications, mut events) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for i in done..end {
                let proposed =
                    self.start + chrono::Duration::milliseconds((i as i64) * (span_ms / total.max(1) as i64));
                let id = self.id(proposed);
                let roll = self.rng.random_range(0..100);
                let scope = match roll {
                    0..50 => CommitmentScope::Organisation,
                    50..95 => CommitmentScope::Coalition,
                    _ => CommitmentScope::Network,
                };
                let lead = self.rng.random_range(0..partners.len());
                let involved: Vec<usize> = match scope {
                    CommitmentScope::Organisation => vec![lead],
                    CommitmentScope::Coalition => {
                        let extra = self.rng.random_range(1..=2).min(partners.len().saturating_sub(1));
                        let mut v = vec![lead];
                        for k in 1..=extra {
                            v.push((lead + k) % partners.len());
                        }
                        v
                    }
                    CommitmentScope::Network => (0..partners.len()).collect(),
                };
                let status = match self.rng.random_range(0..100) {
                    0..20 => CommitmentStatus::Proposed,
                    20..50 => CommitmentStatus::Agreed,
                    50..80 => CommitmentStatus::InProgress,
                    80..95 => CommitmentStatus::Delivered,
                    _ => CommitmentStatus::Dropped,
                };
                let kind = if self.rng.random_range(0..4) == 0 {
                    CommitmentKind::QuickWin
                } else {
                    CommitmentKind::Initiative
                };
                let agreed_at = (status != CommitmentStatus::Proposed && status != CommitmentStatus::Dropped)
                    .then(|| proposed + chrono::Duration::days(7));
                let goal_id = if !goals.is_empty() && self.rng.random_range(0..10) < 7 {
                    Some(goals[self.rng.random_range(0..goals.len())])
                } else {
                    None
                };
                let due_days = if kind == CommitmentKind::QuickWin { 60 } else { 365 };
                commitments.push(commitment::Model {
                    id,
                    tenant_id: self.tenant_id,
                    network_id,
                    goal_id,
                    title: format!("Commitment {}", i + 1),
                    description: None,
                    scope,
                    kind,
                    lead_organisation_id: partners[lead].id,
                    due_on: (proposed + chrono::Duration::days(due_days)).date_naive(),
                    status,
                    needs_replanning: false,
                    replanning_reason: None,
                    proposed_at: proposed,
                    proposed_by: Some(partners[lead].director),
                    proposed_in_meeting_id: None,
                    agreed_at,
                    delivered_at: (status == CommitmentStatus::Delivered)
                        .then(|| proposed + chrono::Duration::days(50)),
                    dropped_at: (status == CommitmentStatus::Dropped).then(|| proposed + chrono::Duration::days(3)),
                    dropped_reason: (status == CommitmentStatus::Dropped).then(|| "No longer needed".to_owned()),
                    updated_at: proposed,
                    version: 1,
                    replanned_count: 0,
                    last_replanned_at: None,
                    last_replanning_reason: None,
                });
                for &p in &involved {
                    let org = partners[p];
                    parties.push(commitment_party::Model {
                        id: self.id(proposed),
                        tenant_id: self.tenant_id,
                        commitment_id: id,
                        organisation_id: org.id,
                        contribution_euros: i64::from(self.rng.random_range(0..50u32)) * 1000,
                        contribution_hours: self.rng.random_range(0..200),
                        contribution_note: None,
                        agreed_at,
                        agreed_by: agreed_at.map(|_| org.director),
                        agreed_in_meeting_id: None,
                        removed_at: None,
                    });
                    if let Some(agreed) = agreed_at {
                        let decided = status != CommitmentStatus::Agreed;
                        let decided_at = agreed + chrono::Duration::days(self.rng.random_range(5..40));
                        ratifications.push(ratification::Model {
                            id: self.id(agreed),
                            tenant_id: self.tenant_id,
                            network_id,
                            commitment_id: id,
                            organisation_id: org.id,
                            body_id: org.executive_board,
                            right: BodyRight::Decides,
                            status: if decided { RatificationStatus::Done } else { RatificationStatus::Awaiting },
                            outcome: decided.then_some(RatificationOutcome::Approved),
                            reason: None,
                            decided_on: decided.then(|| decided_at.date_naive()),
                            minutes_reference: decided.then(|| format!("BB-{}", i + 1)),
                            recorded_by: decided.then_some(org.director),
                            recorded_at: decided.then_some(decided_at),
                            consultation_started_at: None,
                            due_on: Some((agreed + chrono::Duration::days(42)).date_naive()),
                            withdrawn_at: None,
                            created_at: agreed,
                            version: 1,
                            dossier_hash: None,
                        });
                    }
                }
                events.push(event::Model {
                    id: self.id(proposed),
                    tenant_id: self.tenant_id,
                    network_id: Some(network_id),
                    actor_person_id: Some(partners[lead].director),
                    actor_api_client_id: None,
                    kind: "commitment.proposed".into(),
                    subject_id: id,
                    occurred_at: proposed,
                    payload: serde_json::json!({}),
                });
            }
            let tx = self.begin(db.connection()).await?;
            self.insert_all(&tx, "commitments", commitments.into_iter().map(commitment::ActiveModel::from)).await?;
            self.insert_all(&tx, "commitment_parties", parties.into_iter().map(commitment_party::ActiveModel::from))
                .await?;
            self.insert_all(&tx, "ratifications", ratifications.into_iter().map(ratification::ActiveModel::from))
                .await?;
            self.insert_all(&tx, "events", events.into_iter().map(event::ActiveModel::from)).await?;
            tx.commit().await?;
            progress.inc(end - done);
            done = end;
        }
        Ok(())
    }

    fn progress_bar(&self, total: u64) -> ProgressBar {
        let show = self.size.progress || std::io::IsTerminal::is_terminal(&std::io::stderr());
        if !show || total < 10_000 {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} commitments {human_pos}/{human_len} {wide_bar} {per_sec} eta {eta}",
            )
            .expect("a valid template"),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }

    async fn begin(&self, conn: &sea_orm::DatabaseConnection) -> anyhow::Result<DatabaseTransaction> {
        let tx = conn.begin().await.context("starting a seed transaction")?;
        self.set_tenant(&tx).await?;
        Ok(tx)
    }

    /// Row-level security: rows are written under this tenant. The tenant row
    /// itself is not under a policy, so it goes first.
    async fn set_tenant(&self, tx: &DatabaseTransaction) -> anyhow::Result<()> {
        if self.backend == DbBackend::Postgres {
            tx.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                // A crash mid-seed loses the last batches, which a fresh run
                // rewrites; not waiting for each commit's flush is worth it.
                "SELECT set_config('app.tenant_id', $1, true), set_config('synchronous_commit', 'off', true)",
                [self.tenant_id.to_string().into()],
            ))
            .await
            .context("setting the tenant")?;
        }
        Ok(())
    }

    /// Inserts `rows` in multi-row statements of at most `--batch` rows.
    async fn insert_all<A, I>(&mut self, tx: &DatabaseTransaction, table: &'static str, rows: I) -> anyhow::Result<()>
    where
        A: ActiveModelTrait + Send,
        I: IntoIterator<Item = A>,
    {
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<A> = rows.by_ref().take(self.size.batch).collect();
            let n = chunk.len() as u64;
            A::Entity::insert_many(chunk)
                .exec_without_returning(tx)
                .await
                .with_context(|| format!("inserting {table}"))?;
            self.count(table, n);
        }
        Ok(())
    }

    fn count(&mut self, table: &'static str, n: u64) {
        *self.rows.entry(table).or_default() += n;
    }
}

/// A UUIDv7 for `at` with seeded random bits.
fn uuid_at(rng: &mut StdRng, at: DateTime<Utc>) -> Uuid {
    let mut bytes = [0u8; 10];
    rng.fill(&mut bytes);
    uuid::Builder::from_unix_timestamp_millis(at.timestamp_millis() as u64, &bytes).into_uuid()
}
