//! The demo tenant: a year in the life of a regional network of a
//! municipality, two housing corporations, a care provider, a welfare
//! organisation and a school board.
//!
//! Everything is built through the use cases in `service`, each step performed
//! by the person who would really take it, in its own transaction, while a
//! [`ManualClock`] walks from a year ago to now. So the demo obeys every rule
//! the API obeys, its events tell the story in order, and every health signal
//! has something to say. The content is the same on every run; ids differ.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use entity::{
    AgendaItemKind, BodyKind, CommitmentKind, CommitmentScope, CommitmentStatus, ExpectationKind, GoalHorizon,
    MandateAppliesTo, OrganisationKind, PositionRole, RatificationOutcome, Stance, TenantRole,
    ratification as ratification_row, tenant,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::{Principal, TenantRef};
use crate::clock::{Clock, ManualClock};
use crate::domain::alignment::STANDARD_QUESTIONS;
use crate::domain::values::{Name, Slug, Subject};
use crate::domain::{AppError, AppResult};
use crate::service::{alignment, meetings, networks, organisations, people, ratification, work};
use crate::store::{Access, Db, PageRequest, Store, tenants};

/// The demo tenant's slug: the `tid` of its tokens.
pub const TENANT_SLUG: &str = "demo";
pub const TENANT_NAME: &str = "Demo: Verbindkracht Advies";
pub const NETWORK_NAME: &str = "Samen Wonen Regio Rivierenland";

const ADMIN_SUBJECT: &str = "demo-admin";
const ADMIN_NAME: &str = "Anouk Brink";
const FACILITATOR: &str = "femke.devries";

/// How long one step of the story may take.
const STEP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// What was loaded (or found), for the command line to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub tenant_slug: String,
    pub tenant_name: String,
    /// False when the demo tenant already existed and nothing was changed.
    pub created: bool,
    pub network_id: Uuid,
    pub network_name: String,
    /// A facilitator, a director, a supervisor and a staff member to sign in as.
    pub people: Vec<DemoPerson>,
    /// Each of them's calendar feed token (`None`: revoked), once made
    /// (`calendar_feeds`).
    pub feeds: Vec<(&'static str, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPerson {
    /// `facilitator`, `director`, `supervisor` or `staff`.
    pub role: &'static str,
    pub name: &'static str,
    pub subject: &'static str,
    /// Who they are in the story.
    pub description: &'static str,
}

const SHOWCASE: [DemoPerson; 4] = [
    DemoPerson {
        role: "facilitator",
        name: "Femke de Vries",
        subject: FACILITATOR,
        description: "facilitates the network: charter, meetings, commitments, alignment rounds",
    },
    DemoPerson {
        role: "director",
        name: "Marco de Graaf",
        subject: "marco.degraaf",
        description: "DIRECTOR of Woonstichting De Linge, its representative at the table",
    },
    DemoPerson {
        role: "supervisor",
        name: "Hendrik Bos",
        subject: "hendrik.bos",
        description: "SUPERVISOR of Woonstichting De Linge, member of its Raad van Commissarissen",
    },
    DemoPerson {
        role: "staff",
        name: "Eva Koster",
        subject: "eva.koster",
        description: "STAFF of Woonstichting De Linge, member of its Ondernemingsraad",
    },
];

// ---- the cast ----

const GEMEENTE: usize = 0;
const DE_LINGE: usize = 1;
const WOONGOED: usize = 2;
const ZORGGROEP: usize = 3;
const WELZIJN: usize = 4;
const SCHOLENGROEP: usize = 5;

/// Name, kind and e-mail domain, in the order they are created.
const ORGANISATIONS: [(&str, OrganisationKind, &str); 6] = [
    ("Gemeente Rivierstad", OrganisationKind::Municipality, "rivierstad.nl"),
    ("Woonstichting De Linge", OrganisationKind::HousingCorporation, "delinge.nl"),
    ("Woongoed Rivierenland", OrganisationKind::HousingCorporation, "woongoedrivierenland.nl"),
    ("Zorggroep Betuwe", OrganisationKind::CareProvider, "zorggroepbetuwe.nl"),
    ("Welzijn Rivierstad", OrganisationKind::Welfare, "welzijnrivierstad.nl"),
    ("Scholengroep Rivierenland", OrganisationKind::SchoolBoard, "scholengroeprivierenland.nl"),
];

/// A position, and the bodies of that organisation the person sits on.
struct Seat {
    org: usize,
    role: PositionRole,
    bodies: &'static [BodyKind],
}

struct Cast {
    subject: &'static str,
    name: &'static str,
    seats: &'static [Seat],
}

const fn seat(org: usize, role: PositionRole, bodies: &'static [BodyKind]) -> Seat {
    Seat { org, role, bodies }
}

use BodyKind::{ClientCouncil, ExecutiveBoard, MunicipalCouncil, SupervisoryBoard, WorksCouncil};
use PositionRole::{Director, Staff, Supervisor};

/// Everyone with a position. Marieke Jansen directs Welzijn Rivierstad and
/// supervises Zorggroep Betuwe, on its Raad van Toezicht.
const PEOPLE: &[Cast] = &[
    Cast { subject: "ingrid.smits", name: "Ingrid Smits", seats: &[seat(GEMEENTE, Director, &[ExecutiveBoard])] },
    Cast {
        subject: "ahmed.elamrani",
        name: "Ahmed El Amrani",
        seats: &[seat(GEMEENTE, Supervisor, &[MunicipalCouncil])],
    },
    Cast { subject: "joris.hendriks", name: "Joris Hendriks", seats: &[seat(GEMEENTE, Staff, &[])] },
    Cast { subject: "lotte.mulder", name: "Lotte Mulder", seats: &[seat(GEMEENTE, Staff, &[])] },
    Cast { subject: "kees.verbeek", name: "Kees Verbeek", seats: &[seat(GEMEENTE, Staff, &[])] },
    Cast { subject: "marco.degraaf", name: "Marco de Graaf", seats: &[seat(DE_LINGE, Director, &[ExecutiveBoard])] },
    Cast { subject: "hendrik.bos", name: "Hendrik Bos", seats: &[seat(DE_LINGE, Supervisor, &[SupervisoryBoard])] },
    Cast { subject: "eva.koster", name: "Eva Koster", seats: &[seat(DE_LINGE, Staff, &[WorksCouncil])] },
    Cast { subject: "gerda.willems", name: "Gerda Willems", seats: &[seat(DE_LINGE, Staff, &[ClientCouncil])] },
    Cast { subject: "nina.jacobs", name: "Nina Jacobs", seats: &[seat(DE_LINGE, Staff, &[])] },
    Cast { subject: "pieter.vandijk", name: "Pieter van Dijk", seats: &[seat(WOONGOED, Director, &[ExecutiveBoard])] },
    Cast { subject: "wim.peters", name: "Wim Peters", seats: &[seat(WOONGOED, Supervisor, &[SupervisoryBoard])] },
    Cast { subject: "sanne.visser", name: "Sanne Visser", seats: &[seat(WOONGOED, Staff, &[])] },
    Cast { subject: "bas.deboer", name: "Bas de Boer", seats: &[seat(WOONGOED, Staff, &[WorksCouncil])] },
    Cast { subject: "fatima.yilmaz", name: "Fatima Yilmaz", seats: &[seat(WOONGOED, Staff, &[ClientCouncil])] },
    Cast { subject: "annemiek.vos", name: "Annemiek Vos", seats: &[seat(ZORGGROEP, Director, &[ExecutiveBoard])] },
    Cast { subject: "jan.dekker", name: "Jan Dekker", seats: &[seat(ZORGGROEP, Supervisor, &[SupervisoryBoard])] },
    Cast { subject: "rik.meijer", name: "Rik Meijer", seats: &[seat(ZORGGROEP, Staff, &[WorksCouncil])] },
    Cast { subject: "yvonne.dewit", name: "Yvonne de Wit", seats: &[seat(ZORGGROEP, Staff, &[ClientCouncil])] },
    Cast { subject: "daan.schouten", name: "Daan Schouten", seats: &[seat(ZORGGROEP, Staff, &[])] },
    Cast {
        subject: "marieke.jansen",
        name: "Marieke Jansen",
        seats: &[seat(WELZIJN, Director, &[ExecutiveBoard]), seat(ZORGGROEP, Supervisor, &[SupervisoryBoard])],
    },
    Cast {
        subject: "theo.vanleeuwen",
        name: "Theo van Leeuwen",
        seats: &[seat(WELZIJN, Supervisor, &[SupervisoryBoard])],
    },
    Cast { subject: "sophie.brouwer", name: "Sophie Brouwer", seats: &[seat(WELZIJN, Staff, &[WorksCouncil])] },
    Cast { subject: "mohamed.aydin", name: "Mohamed Aydin", seats: &[seat(WELZIJN, Staff, &[])] },
    Cast { subject: "linda.kok", name: "Linda Kok", seats: &[seat(WELZIJN, Staff, &[])] },
    Cast {
        subject: "erik.vandenberg",
        name: "Erik van den Berg",
        seats: &[seat(SCHOLENGROEP, Director, &[ExecutiveBoard])],
    },
    Cast {
        subject: "carla.huisman",
        name: "Carla Huisman",
        seats: &[seat(SCHOLENGROEP, Supervisor, &[SupervisoryBoard])],
    },
    Cast { subject: "lisa.dejong", name: "Lisa de Jong", seats: &[seat(SCHOLENGROEP, Staff, &[WorksCouncil])] },
    Cast { subject: "thomas.smit", name: "Thomas Smit", seats: &[seat(SCHOLENGROEP, Staff, &[])] },
    Cast { subject: "noor.vanvliet", name: "Noor van Vliet", seats: &[seat(SCHOLENGROEP, Staff, &[])] },
];

/// The director of each organisation, who accepts, names representatives
/// and acknowledges the charter for it.
const DIRECTORS: [&str; 6] =
    ["ingrid.smits", "marco.degraaf", "pieter.vandijk", "annemiek.vos", "marieke.jansen", "erik.vandenberg"];

/// Loads the demo tenant as it stands at `now`, after a year of history; when
/// the tenant `demo` already exists nothing is changed.
pub async fn load(db: &Db, now: DateTime<Utc>) -> anyhow::Result<DemoSummary> {
    let existing = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(TENANT_SLUG))
        .one(db.connection())
        .await
        .context("looking for the demo tenant")?;
    if existing.is_some() {
        return existing_summary(db, now).await;
    }
    let story = Story::new(db, now);
    let network_id = story.tell().await?;
    Ok(summary(true, network_id))
}

/// The calendar feed of each showcase person, made once (a feed named
/// "Demo"): its secret is derived from `key` (the token-signing secret), so
/// every run can print the same URL without keeping it. Returns each person's
/// subject with their feed's token, or `None` where the person revoked it.
pub async fn calendar_feeds(
    db: &Db,
    key: &[u8],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(&'static str, Option<String>)>> {
    let mut feeds = Vec::with_capacity(SHOWCASE.len());
    for person in SHOWCASE {
        let store = signed_in(db, person.subject, Access::Write, now).await?;
        let token = crate::auth::feeds::FeedToken::derive(store.tenant_id(), key, person.subject);
        let made = async {
            let me = store.actor().person()?;
            let existing = store.calendar_feeds_of(me).await?.into_iter().find(|f| f.token_hash == token.hash());
            match existing {
                Some(feed) => Ok(feed.revoked_at.is_none()),
                None => {
                    crate::service::calendar::create_feed_with(&store, "Demo", token.clone()).await?;
                    Ok(true)
                }
            }
        }
        .await;
        let live = match made {
            Ok(live) => live,
            Err(error) => {
                store.rollback().await;
                return Err(explain(error, "making a demo calendar feed"));
            }
        };
        store.commit().await.map_err(|e| explain(e, "keeping a demo calendar feed"))?;
        feeds.push((person.subject, live.then(|| token.expose())));
    }
    Ok(feeds)
}

/// Each showcase person's digest of the week before `now`, in their own
/// language, as Markdown: what `eendracht demo --digests` prints.
pub async fn digests(db: &Db, now: DateTime<Utc>) -> anyhow::Result<Vec<(&'static str, String)>> {
    let mut out = Vec::with_capacity(SHOWCASE.len());
    for person in SHOWCASE {
        let store = signed_in(db, person.subject, Access::Read, now).await?;
        let digest = crate::service::digest::digest(&store, now - Duration::days(7), None).await;
        store.rollback().await;
        let digest = digest.map_err(|e| explain(e, "making a demo digest"))?;
        let markdown = crate::domain::digest::markdown(&digest.owner, digest.since, &digest.lines, digest.locale);
        out.push((person.subject, markdown));
    }
    Ok(out)
}

/// The reminders the demo's network rules would send in the week from `now`,
/// each on the first day it comes due, rendered as its mail (nothing is
/// recorded): what `eendracht demo --reminders` prints.
pub async fn reminders(
    db: &Db,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(chrono::NaiveDate, crate::service::mail::Preview)>> {
    let facilitator = signed_in(db, FACILITATOR, Access::Read, now).await?;
    let tenant_id = facilitator.tenant_id();
    facilitator.rollback().await;
    let mut out: Vec<(chrono::NaiveDate, crate::service::mail::Preview)> = Vec::new();
    for day in 0..=7 {
        let at = now + Duration::days(day);
        let store = Store::system(db, tenant_id, Access::Read, Arc::new(ManualClock::new(at)))
            .await
            .map_err(|e| explain(e, "reading the demo's reminders"))?;
        let due = crate::service::mail::preview_reminders(&store).await;
        store.rollback().await;
        for preview in due.map_err(|e| explain(e, "reading the demo's reminders"))? {
            let known = out.iter().any(|(_, p)| {
                (p.rule, p.subject_id, p.person_id) == (preview.rule, preview.subject_id, preview.person_id)
            });
            if !known {
                out.push((crate::i18n::local_day(at), preview));
            }
        }
    }
    Ok(out)
}

/// A transaction as one of the demo's people, at `now`.
async fn signed_in(db: &Db, subject: &str, access: Access, now: DateTime<Utc>) -> anyhow::Result<Store> {
    let principal = Principal::person(TenantRef::Slug(TENANT_SLUG.to_owned()), subject);
    Store::begin(db, &principal, access, Arc::new(ManualClock::new(now)), STEP_TIMEOUT)
        .await
        .map_err(|e| explain(e, "signing in as a demo person"))
}

fn summary(created: bool, network_id: Uuid) -> DemoSummary {
    DemoSummary {
        tenant_slug: TENANT_SLUG.to_owned(),
        tenant_name: TENANT_NAME.to_owned(),
        created,
        network_id,
        network_name: NETWORK_NAME.to_owned(),
        people: SHOWCASE.to_vec(),
        feeds: Vec::new(),
    }
}

/// The summary of a demo loaded earlier, found as its facilitator sees it.
async fn existing_summary(db: &Db, now: DateTime<Utc>) -> anyhow::Result<DemoSummary> {
    let store = signed_in(db, FACILITATOR, Access::Read, now)
        .await
        .context("the tenant `demo` exists but is not the demo; use another database")?;
    let page = store.networks_page(None, PageRequest { first: PageRequest::MAX_SIZE, after: None }).await;
    store.rollback().await;
    let network = page
        .map_err(|e| explain(e, "finding the demo network"))?
        .items
        .into_iter()
        .find(|n| n.name == NETWORK_NAME)
        .context("the tenant `demo` has no demo network; it was not loaded completely")?;
    Ok(summary(false, network.id))
}

/// An [`AppError`] as an error for the operator: the cause of an internal
/// error is not masked here.
fn explain(error: AppError, doing: &str) -> anyhow::Error {
    match error {
        AppError::Internal(cause) => cause.context(doing.to_owned()),
        other => anyhow::Error::new(other).context(doing.to_owned()),
    }
}

// ---- the story ----

/// A commitment as proposed: parties are (organisation, euros, hours).
struct Proposal {
    by: &'static str,
    title: &'static str,
    description: &'static str,
    scope: CommitmentScope,
    kind: CommitmentKind,
    parties: Vec<(usize, i64, i32)>,
    lead: usize,
    goal: Option<Uuid>,
    due_in_days: i64,
    meeting: Option<Uuid>,
}

/// A body's outcome, recorded by one of its members.
struct Decision {
    by: &'static str,
    commitment: Uuid,
    org: usize,
    body: BodyKind,
    outcome: RatificationOutcome,
    minutes: &'static str,
    reason: Option<&'static str>,
    conditions: &'static [&'static str],
}

impl Decision {
    fn new(by: &'static str, commitment: Uuid, org: usize, body: BodyKind, outcome: RatificationOutcome) -> Self {
        Self { by, commitment, org, body, outcome, minutes: "", reason: None, conditions: &[] }
    }

    fn minutes(self, minutes: &'static str) -> Self {
        Self { minutes, ..self }
    }

    fn reason(self, reason: &'static str) -> Self {
        Self { reason: Some(reason), ..self }
    }

    fn conditions(self, conditions: &'static [&'static str]) -> Self {
        Self { conditions, ..self }
    }
}

struct Story<'a> {
    db: &'a Db,
    clock: ManualClock,
    start: DateTime<Utc>,
    organisations: Vec<Uuid>,
    bodies: HashMap<(usize, BodyKind), Uuid>,
    people: HashMap<&'static str, Uuid>,
    partnerships: Vec<Uuid>,
    network: Uuid,
}

impl<'a> Story<'a> {
    fn new(db: &'a Db, now: DateTime<Utc>) -> Self {
        let start = now - Duration::days(365);
        Self {
            db,
            clock: ManualClock::new(start),
            start,
            organisations: Vec::new(),
            bodies: HashMap::new(),
            people: HashMap::new(),
            partnerships: Vec::new(),
            network: Uuid::nil(),
        }
    }

    /// Moves the clock to day `day` of the year (day 365 is `now`).
    fn day(&self, day: i64) {
        self.clock.set(self.start + Duration::days(day));
    }

    fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    fn org(&self, index: usize) -> Uuid {
        self.organisations[index]
    }

    fn person(&self, subject: &str) -> Uuid {
        self.people[subject]
    }

    fn body(&self, org: usize, kind: BodyKind) -> Uuid {
        self.bodies[&(org, kind)]
    }

    /// One step: `subject` signs in, does `f` in its own transaction, commits.
    async fn act<T, Fut>(&self, subject: &str, f: impl FnOnce(Store) -> Fut) -> anyhow::Result<T>
    where
        Fut: Future<Output = AppResult<T>>,
    {
        let doing = || format!("demo step on {} as {subject}", self.today());
        let principal = Principal::person(TenantRef::Slug(TENANT_SLUG.to_owned()), subject);
        let store = Store::begin(self.db, &principal, Access::Write, Arc::new(self.clock.clone()), STEP_TIMEOUT)
            .await
            .map_err(|e| explain(e, &doing()))?;
        match f(store.clone()).await {
            Ok(value) => {
                store.commit().await.map_err(|e| explain(e, &doing()))?;
                Ok(value)
            }
            Err(error) => {
                store.rollback().await;
                Err(explain(error, &doing()))
            }
        }
    }

    async fn tell(mut self) -> anyhow::Result<Uuid> {
        self.day(0);
        self.cast().await?;
        self.day(1);
        self.found_network().await?;
        self.join().await?;
        let goals = self.goals().await?;
        let measured = self.indicators(&goals).await?;
        self.year(&goals).await?;
        self.account(&measured).await?;
        self.mail_preferences().await?;
        Ok(self.network)
    }

    /// Today: the supervisor takes the digest weekly, the director daily;
    /// everyone keeps reminders (the default). With `EENDRACHT_SMTP_URL` they
    /// arrive by mail (docs/mail.md).
    async fn mail_preferences(&mut self) -> anyhow::Result<()> {
        use entity::DigestRhythm::{Daily, Weekly};
        for (subject, rhythm) in [("hendrik.bos", Weekly), ("marco.degraaf", Daily)] {
            self.act(subject, |s| async move { crate::service::mail::set_preferences(&s, Some(rhythm), None).await })
                .await?;
        }
        Ok(())
    }

    /// Day 0: the tenant, its admin, the organisations with their bodies, and
    /// everyone in their positions.
    async fn cast(&mut self) -> anyhow::Result<()> {
        let invalid = |e: AppError| anyhow::anyhow!("{e}");
        tenants::bootstrap(
            self.db,
            &Slug::parse(TENANT_SLUG).map_err(invalid)?,
            &Name::parse("tenant name", TENANT_NAME).map_err(invalid)?,
            &Subject::parse("admin subject", ADMIN_SUBJECT).map_err(invalid)?,
            &Name::parse("admin name", ADMIN_NAME).map_err(invalid)?,
            self.clock.now(),
        )
        .await?;
        let facilitator = self
            .act(ADMIN_SUBJECT, |s| async move {
                people::create_person(
                    &s,
                    people::CreatePerson {
                        subject: FACILITATOR.to_owned(),
                        name: "Femke de Vries".to_owned(),
                        email: Some("femke@verbindkracht.nl".to_owned()),
                        tenant_role: Some(TenantRole::Facilitator),
                    },
                )
                .await
            })
            .await?;
        self.people.insert(FACILITATOR, facilitator.id);
        for (name, kind, _) in ORGANISATIONS {
            let organisation = self
                .act(ADMIN_SUBJECT, |s| async move {
                    organisations::create(&s, organisations::CreateOrganisation { name: name.to_owned(), kind }).await
                })
                .await?;
            self.organisations.push(organisation.id);
        }
        for cast in PEOPLE {
            let domain = ORGANISATIONS[cast.seats[0].org].2;
            let person = self
                .act(ADMIN_SUBJECT, |s| async move {
                    people::create_person(
                        &s,
                        people::CreatePerson {
                            subject: cast.subject.to_owned(),
                            name: cast.name.to_owned(),
                            email: Some(format!("{}@{domain}", cast.subject)),
                            tenant_role: None,
                        },
                    )
                    .await
                })
                .await?;
            self.people.insert(cast.subject, person.id);
            for seat in cast.seats {
                let organisation_id = self.org(seat.org);
                // They have been in their jobs for a while when the story starts.
                let started_on = Some(self.today() - Duration::days(3 * 365));
                self.act(ADMIN_SUBJECT, |s| async move {
                    people::assign_position(
                        &s,
                        people::AssignPosition { person_id: person.id, organisation_id, role: seat.role, started_on },
                    )
                    .await
                })
                .await?;
            }
        }
        for (index, organisation_id) in self.organisations.clone().into_iter().enumerate() {
            let members: Vec<(BodyKind, Uuid)> = PEOPLE
                .iter()
                .flat_map(|cast| {
                    cast.seats
                        .iter()
                        .filter(|seat| seat.org == index)
                        .flat_map(|seat| seat.bodies.iter().map(|kind| (*kind, self.person(cast.subject))))
                })
                .collect();
            let bodies = self
                .act(ADMIN_SUBJECT, |s| async move {
                    let bodies = s.bodies_of(&[organisation_id]).await?;
                    let input = bodies
                        .iter()
                        .map(|body| organisations::GoverningBodyInput {
                            id: Some(body.id),
                            name: body.name.clone(),
                            kind: body.kind,
                            right: body.right,
                            response_days: body.response_days,
                            member_ids: members.iter().filter(|(k, _)| *k == body.kind).map(|(_, p)| *p).collect(),
                        })
                        .collect();
                    organisations::set_governing_bodies(
                        &s,
                        organisations::SetGoverningBodies { organisation_id, bodies: input },
                    )
                    .await?;
                    Ok(bodies)
                })
                .await?;
            for body in bodies {
                self.bodies.insert((index, body.kind), body.id);
            }
        }
        Ok(())
    }

    /// Day 1: the facilitator founds the network, adopts its first charter and
    /// invites the six organisations.
    async fn found_network(&mut self) -> anyhow::Result<()> {
        let network = self
            .act(FACILITATOR, |s| async move {
                networks::create(
                    &s,
                    networks::CreateNetwork {
                        name: NETWORK_NAME.to_owned(),
                        purpose: "Samen zorgen dat inwoners van Rivierenland passend wonen, met zorg en welzijn \
                                  dichtbij, en dat kinderen een kansrijke start krijgen."
                            .to_owned(),
                    },
                )
                .await
            })
            .await?;
        self.network = network.id;
        self.adopt_charter(
            "1. Passend en betaalbaar wonen voor iedereen. 2. Zorg en welzijn dichtbij in de wijk. \
             3. Elk kind een kansrijke start.",
            "We maken afspraken die elke partner door de eigen organisatie laat dragen. We beginnen klein: \
             liever drie quick wins dan één groot plan. We zeggen het aan tafel als iets niet lukt.",
        )
        .await?;
        for index in 0..ORGANISATIONS.len() {
            let (network_id, organisation_id) = (self.network, self.org(index));
            let partnership = self
                .act(FACILITATOR, |s| async move { networks::invite_partner(&s, network_id, organisation_id).await })
                .await?;
            self.partnerships.push(partnership.id);
        }
        Ok(())
    }

    async fn adopt_charter(&self, goals: &'static str, agreements: &'static str) -> anyhow::Result<i32> {
        let network_id = self.network;
        let charter = self
            .act(FACILITATOR, |s| async move {
                networks::adopt_charter(
                    &s,
                    networks::AdoptCharter {
                        network_id,
                        goals: goals.to_owned(),
                        working_agreements: agreements.to_owned(),
                    },
                )
                .await
            })
            .await?;
        Ok(charter.version)
    }

    /// Days 3–12: each director accepts, takes the seat at the table and
    /// acknowledges the charter; De Linge sets its mandate; every partner says
    /// what it expects.
    async fn join(&self) -> anyhow::Result<()> {
        for (index, director) in DIRECTORS.into_iter().enumerate() {
            self.day(3 + index as i64);
            let partnership = self.partnerships[index];
            self.act(director, |s| async move { networks::accept(&s, partnership).await }).await?;
            self.set_representatives(director, index, &[director]).await?;
            self.acknowledge(director, index, 1).await?;
        }
        self.day(9);
        let rules = vec![
            (self.body(DE_LINGE, SupervisoryBoard), 50_000),
            (self.body(DE_LINGE, WorksCouncil), 0),
            (self.body(DE_LINGE, ClientCouncil), 0),
        ];
        let de_linge = self.org(DE_LINGE);
        self.act("marco.degraaf", |s| async move {
            let rules = rules
                .into_iter()
                .map(|(body_id, min_contribution_euros)| ratification::MandateRuleInput {
                    body_id,
                    applies_to: MandateAppliesTo::Initiative,
                    min_contribution_euros,
                })
                .collect();
            ratification::set_mandate(&s, de_linge, rules).await
        })
        .await?;
        let expectations: [(i64, usize, ExpectationKind, &str); 7] = [
            (10, GEMEENTE, ExpectationKind::Goal, "Een sluitende aanpak voor wonen met zorg, in alle kernen."),
            (
                10,
                DE_LINGE,
                ExpectationKind::Contribution,
                "Wij brengen woningen en wijkconsulenten in, geen geld voor gezamenlijke overhead.",
            ),
            (11, WOONGOED, ExpectationKind::Result, "Binnen een jaar zichtbaar meer doorstroming van senioren."),
            (
                11,
                ZORGGROEP,
                ExpectationKind::WayOfWorking,
                "Voorstellen gaan vroeg langs onze ondernemingsraad en cliëntenraad, niet pas na het akkoord.",
            ),
            (
                12,
                WELZIJN,
                ExpectationKind::WayOfWorking,
                "Gelijkwaardigheid: een kleine partner heeft aan tafel evenveel stem als een grote.",
            ),
            (12, SCHOLENGROEP, ExpectationKind::Goal, "Aandacht voor jonge gezinnen, niet alleen voor ouderen."),
            (12, ZORGGROEP, ExpectationKind::Result, "Minder mensen die te laat in beeld komen bij de wijkteams."),
        ];
        for (day, index, kind, text) in expectations {
            self.day(day);
            let partnership = self.partnerships[index];
            self.act(
                DIRECTORS[index],
                |s| async move { networks::record_expectation(&s, partnership, kind, text).await },
            )
            .await?;
        }
        Ok(())
    }

    async fn set_representatives(&self, by: &str, index: usize, subjects: &[&str]) -> anyhow::Result<()> {
        let partnership = self.partnerships[index];
        let people: Vec<Uuid> = subjects.iter().map(|s| self.person(s)).collect();
        self.act(by, |s| async move { networks::set_representatives(&s, partnership, people).await }).await?;
        Ok(())
    }

    async fn acknowledge(&self, by: &str, index: usize, version: i32) -> anyhow::Result<()> {
        let partnership = self.partnerships[index];
        self.act(by, |s| async move { networks::acknowledge_charter(&s, partnership, version).await }).await?;
        Ok(())
    }

    /// Day 14: long-term goals with mid-term goals under them.
    async fn goals(&self) -> anyhow::Result<Goals> {
        self.day(14);
        let year = self.today().year();
        let on = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
        let wonen = self
            .goal(
                None,
                "Betaalbaar en passend wonen voor iedereen in Rivierenland",
                GoalHorizon::LongTerm,
                on(year + 6, 12, 31),
            )
            .await?;
        let doorstroming = self
            .goal(
                Some(wonen),
                "Doorstroming van senioren naar passende woningen",
                GoalHorizon::MidTerm,
                on(year + 2, 12, 31),
            )
            .await?;
        let achterstanden = self
            .goal(
                Some(wonen),
                "Niemand uit huis door betalingsachterstanden",
                GoalHorizon::MidTerm,
                on(year + 2, 6, 30),
            )
            .await?;
        let dichtbij =
            self.goal(None, "Zorg en welzijn dichtbij in de wijk", GoalHorizon::LongTerm, on(year + 6, 12, 31)).await?;
        let wijkteam = self
            .goal(Some(dichtbij), "Eén wijkteam, één aanspreekpunt", GoalHorizon::MidTerm, on(year + 2, 12, 31))
            .await?;
        let kansrijk = self.goal(None, "Elk kind een kansrijke start", GoalHorizon::LongTerm, None).await?;
        Ok(Goals { wonen, doorstroming, achterstanden, dichtbij, wijkteam, kansrijk })
    }

    async fn goal(
        &self,
        parent_id: Option<Uuid>,
        title: &'static str,
        horizon: GoalHorizon,
        target_date: Option<NaiveDate>,
    ) -> anyhow::Result<Uuid> {
        let network_id = self.network;
        let goal = self
            .act(FACILITATOR, |s| async move {
                work::create_goal(
                    &s,
                    work::CreateGoal {
                        network_id,
                        parent_id,
                        title: title.to_owned(),
                        description: None,
                        horizon,
                        target_date,
                    },
                )
                .await
            })
            .await?;
        Ok(goal.id)
    }

    async fn meeting(&self, notes: &'static str, attendees: &[&str]) -> anyhow::Result<Uuid> {
        let network_id = self.network;
        let held_on = self.today();
        let mut attendee_ids: Vec<Uuid> = attendees.iter().map(|s| self.person(s)).collect();
        attendee_ids.push(self.person(FACILITATOR));
        let meeting = self
            .act(FACILITATOR, |s| async move {
                work::record_meeting(
                    &s,
                    work::RecordMeeting { network_id, held_on, notes: Some(notes.to_owned()), attendee_ids },
                )
                .await
            })
            .await?;
        Ok(meeting.id)
    }

    async fn propose(&self, proposal: Proposal) -> anyhow::Result<Uuid> {
        let network_id = self.network;
        let parties: Vec<work::PartyInput> = proposal
            .parties
            .iter()
            .map(|(org, euros, hours)| work::PartyInput {
                organisation_id: self.org(*org),
                contribution_euros: *euros,
                contribution_hours: *hours,
                contribution_note: None,
            })
            .collect();
        let lead_organisation_id = self.org(proposal.lead);
        let due_on = self.today() + Duration::days(proposal.due_in_days);
        let commitment = self
            .act(proposal.by, |s| async move {
                work::propose(
                    &s,
                    work::ProposeCommitment {
                        network_id,
                        title: proposal.title.to_owned(),
                        description: Some(proposal.description.to_owned()),
                        scope: proposal.scope,
                        kind: proposal.kind,
                        parties,
                        lead_organisation_id,
                        goal_id: proposal.goal,
                        due_on,
                        meeting_id: proposal.meeting,
                        additional_body_ids: vec![],
                    },
                )
                .await
            })
            .await?;
        Ok(commitment.id)
    }

    async fn agree(&self, by: &str, commitment: Uuid, org: usize, meeting: Option<Uuid>) -> anyhow::Result<()> {
        let organisation_id = self.org(org);
        self.act(by, |s| async move { work::agree(&s, commitment, organisation_id, meeting).await }).await?;
        Ok(())
    }

    async fn progress(
        &self,
        by: &str,
        commitment: Uuid,
        note: &'static str,
        percent: i32,
        status: Option<CommitmentStatus>,
    ) -> anyhow::Result<()> {
        self.act(by, |s| async move {
            work::add_progress(
                &s,
                work::AddProgress { commitment_id: commitment, note: note.to_owned(), percent: Some(percent), status },
            )
            .await
        })
        .await?;
        Ok(())
    }

    async fn consult(&self, commitment: Uuid, org: usize) -> anyhow::Result<()> {
        let organisation_id = self.org(org);
        self.act(
            DIRECTORS[org],
            |s| async move { ratification::start_consultation(&s, commitment, organisation_id).await },
        )
        .await?;
        Ok(())
    }

    async fn input(
        &self,
        by: &str,
        commitment: Uuid,
        org: usize,
        stance: Stance,
        text: &'static str,
    ) -> anyhow::Result<()> {
        let organisation_id = self.org(org);
        self.act(by, |s| async move {
            ratification::add_consultation_input(&s, commitment, organisation_id, stance, text).await
        })
        .await?;
        Ok(())
    }

    async fn ratification_of(s: &Store, commitment: Uuid, body_id: Uuid) -> AppResult<ratification_row::Model> {
        s.ratifications_of(&[commitment])
            .await?
            .into_iter()
            .find(|r| r.body_id == body_id)
            .ok_or(AppError::NotFound("ratification"))
    }

    async fn decide(&self, decision: Decision) -> anyhow::Result<ratification_row::Model> {
        let body_id = self.body(decision.org, decision.body);
        let Decision { by, commitment, outcome, minutes, reason, conditions, .. } = decision;
        let minutes = if minutes.is_empty() { format!("Notulen {}", self.today()) } else { minutes.to_owned() };
        self.act(by, |s| async move {
            let row = Self::ratification_of(&s, commitment, body_id).await?;
            // The body decides on its party's dossier, as a secretary would
            // put it on the agenda: the outcome carries the dossier's hash.
            let dossier =
                crate::service::dossier::dossier(&s, commitment, row.organisation_id, crate::i18n::Locale::Nl).await?;
            ratification::record_outcome(
                &s,
                ratification::RecordOutcome {
                    ratification_id: row.id,
                    expected_version: row.version,
                    outcome,
                    decided_on: s.actor().today,
                    minutes_reference: minutes,
                    reason: reason.map(str::to_owned),
                    conditions: conditions.iter().map(|c| (*c).to_owned()).collect(),
                    dossier_hash: dossier.map(|d| d.content_hash),
                },
            )
            .await
        })
        .await
    }

    /// Answers of everyone in `PEOPLE` but `absent`, spread over a week.
    async fn answer(&self, round: Uuid, second: bool, from_day: i64, absent: &[&str]) -> anyhow::Result<()> {
        let mut keys: Vec<&str> = STANDARD_QUESTIONS.iter().map(|(key, _)| *key).collect();
        if second {
            keys.push(VISION_KEY);
        }
        let respondents: Vec<(usize, &Cast)> =
            PEOPLE.iter().enumerate().filter(|(_, cast)| !absent.contains(&cast.subject)).collect();
        for (i, (person, cast)) in respondents.iter().enumerate() {
            self.day(from_day + (i * 7 / respondents.len()) as i64);
            let org = cast.seats[0].org;
            let answers: Vec<alignment::Answer> = keys
                .iter()
                .enumerate()
                .map(|(question, key)| {
                    let score = score(second, org, *person, question);
                    alignment::Answer {
                        question_key: (*key).to_owned(),
                        score,
                        comment: comment(second, key, score, *person),
                    }
                })
                .collect();
            self.act(cast.subject, |s| async move { alignment::submit(&s, round, answers).await }).await?;
        }
        Ok(())
    }

    async fn open_round(&self, closes_in_days: i64, custom: bool) -> anyhow::Result<Uuid> {
        let network_id = self.network;
        let closes_at = self.clock.now() + Duration::days(closes_in_days);
        let round = self
            .act(FACILITATOR, |s| async move {
                let custom_questions = if custom {
                    vec![alignment::CustomQuestion { key: VISION_KEY.to_owned(), text: VISION_TEXT.to_owned() }]
                } else {
                    vec![]
                };
                alignment::open(&s, alignment::OpenRound { network_id, closes_at, custom_questions, invitee_ids: None })
                    .await
            })
            .await?;
        Ok(round.id)
    }

    async fn close_round(&self, round: Uuid) -> anyhow::Result<()> {
        self.act(FACILITATOR, |s| async move { alignment::close(&s, round).await }).await?;
        Ok(())
    }

    /// Days 20–358: the year itself, in order.
    async fn year(&self, goals: &Goals) -> anyhow::Result<()> {
        use CommitmentKind::{Initiative, QuickWin};
        use CommitmentScope::{Coalition, Network, Organisation};
        use RatificationOutcome::{
            Approved, ApprovedWithConditions, Negative, Positive, Rejected, Responded, WithConditions,
        };
        use Stance::{Concern, Objection, Support};

        self.day(20);
        let everyone =
            ["ingrid.smits", "marco.degraaf", "pieter.vandijk", "annemiek.vos", "marieke.jansen", "erik.vandenberg"];
        self.meeting(
            "Startbijeenkomst. Iedere partner vertelt wat hij verwacht; we spreken af klein te beginnen.",
            &everyone,
        )
        .await?;

        // The first alignment round: views are close together.
        self.day(30);
        let round1 = self.open_round(14, false).await?;
        self.answer(
            round1,
            false,
            31,
            &["kees.verbeek", "nina.jacobs", "fatima.yilmaz", "daan.schouten", "noor.vanvliet"],
        )
        .await?;
        self.day(42);
        self.close_round(round1).await?;

        // A first quick win of one organisation.
        self.day(50);
        let spreekuur = self
            .propose(Proposal {
                by: "marco.degraaf",
                title: "Spreekuur huurachterstanden in wijkcentrum De Brug",
                description: "Elke dinsdag een spreekuur met schuldhulp van de gemeente, voordat een achterstand \
                              oploopt.",
                scope: Organisation,
                kind: QuickWin,
                parties: vec![(DE_LINGE, 8_000, 120)],
                lead: DE_LINGE,
                goal: Some(goals.achterstanden),
                due_in_days: 60,
                meeting: None,
            })
            .await?;
        self.agree("marco.degraaf", spreekuur, DE_LINGE, None).await?;
        self.day(52);
        self.decide(Decision::new("marco.degraaf", spreekuur, DE_LINGE, ExecutiveBoard, Approved)).await?;

        // The big one: a network-wide vision, consulted early by some partners.
        self.day(60);
        let visie = self
            .propose(Proposal {
                by: FACILITATOR,
                title: "Regionale woonzorgvisie 2030",
                description: "Eén visie op wonen met zorg voor de hele regio, met afspraken per kern over \
                              geclusterde woonvormen en zorg in de buurt.",
                scope: Network,
                kind: Initiative,
                parties: vec![
                    (GEMEENTE, 250_000, 800),
                    (DE_LINGE, 120_000, 400),
                    (WOONGOED, 120_000, 400),
                    (ZORGGROEP, 150_000, 600),
                    (WELZIJN, 40_000, 300),
                    (SCHOLENGROEP, 20_000, 100),
                ],
                lead: GEMEENTE,
                goal: Some(goals.wonen),
                due_in_days: 330,
                meeting: None,
            })
            .await?;
        self.progress(
            "nina.jacobs",
            spreekuur,
            "Het spreekuur draait; de gemeente schuift elke week aan.",
            30,
            Some(CommitmentStatus::InProgress),
        )
        .await?;
        self.day(62);
        for org in [ZORGGROEP, DE_LINGE, SCHOLENGROEP] {
            self.consult(visie, org).await?;
        }
        self.day(65);
        self.input("rik.meijer", visie, ZORGGROEP, Objection, "De wijkteams zitten nu al aan hun taks.").await?;
        self.input("yvonne.dewit", visie, ZORGGROEP, Concern, "Hoe houden cliënten keuzevrijheid in hun woonvorm?")
            .await?;
        self.input("daan.schouten", visie, ZORGGROEP, Support, "Eindelijk één visie in plaats van vijf plannen.")
            .await?;
        self.day(66);
        self.input("eva.koster", visie, DE_LINGE, Support, "Goed voor onze wijkconsulenten: één aanspreekpunt.")
            .await?;
        self.input("nina.jacobs", visie, DE_LINGE, Concern, "Wie betaalt de aanpassing van bestaande complexen?")
            .await?;

        // A coalition that will not make it.
        self.day(70);
        let statushouders = self
            .propose(Proposal {
                by: "ingrid.smits",
                title: "Tijdelijke units voor statushouders",
                description: "Veertig tijdelijke woningen op het terrein van de oude veiling.",
                scope: Coalition,
                kind: Initiative,
                parties: vec![(GEMEENTE, 20_000, 200), (WOONGOED, 20_000, 200)],
                lead: GEMEENTE,
                goal: Some(goals.doorstroming),
                due_in_days: 200,
                meeting: None,
            })
            .await?;

        // Advice while the vision is still a proposal.
        self.day(85);
        self.decide(Decision::new("lisa.dejong", visie, SCHOLENGROEP, WorksCouncil, Positive)).await?;
        self.day(88);
        self.decide(Decision::new("eva.koster", visie, DE_LINGE, WorksCouncil, Positive)).await?;
        self.day(90);
        self.decide(
            Decision::new("rik.meijer", visie, ZORGGROEP, WorksCouncil, Negative)
                .reason("De werkdruk in de wijkteams is al te hoog; eerst extra formatie, dan een visie."),
        )
        .await?;
        self.day(92);
        self.decide(Decision::new("yvonne.dewit", visie, ZORGGROEP, ClientCouncil, Positive)).await?;
        self.day(95);
        self.decide(
            Decision::new("gerda.willems", visie, DE_LINGE, ClientCouncil, WithConditions)
                .conditions(&["Huurders denken per wijk mee over de uitwerking."]),
        )
        .await?;

        // Second meeting: the vision is agreed at the table, and a coalition
        // quick win is born there.
        self.day(100);
        let m2 = self
            .meeting(
                "De woonzorgvisie is aan tafel akkoord; iedere partner legt haar nu voor aan de eigen organen. \
                 Zorggroep, Welzijn en gemeente starten huisbezoeken bij 75-plussers.",
                &everyone,
            )
            .await?;
        self.agree("marco.degraaf", visie, DE_LINGE, Some(m2)).await?;
        for org in [GEMEENTE, WOONGOED, ZORGGROEP, WELZIJN, SCHOLENGROEP] {
            self.agree(FACILITATOR, visie, org, Some(m2)).await?;
        }
        let huisbezoeken = self
            .propose(Proposal {
                by: FACILITATOR,
                title: "Huisbezoeken bij 75-plussers in Rivierstad-Oost",
                description: "Wijkverpleging, welzijnswerk en de gemeente gaan samen langs bij alle 75-plussers in \
                              één wijk.",
                scope: Coalition,
                kind: QuickWin,
                parties: vec![(WELZIJN, 5_000, 160), (ZORGGROEP, 5_000, 160), (GEMEENTE, 10_000, 40)],
                lead: WELZIJN,
                goal: Some(goals.wijkteam),
                due_in_days: 75,
                meeting: Some(m2),
            })
            .await?;
        for org in [WELZIJN, ZORGGROEP, GEMEENTE] {
            self.agree(FACILITATOR, huisbezoeken, org, Some(m2)).await?;
        }
        self.day(103);
        self.decide(Decision::new("marieke.jansen", huisbezoeken, WELZIJN, ExecutiveBoard, Approved)).await?;
        self.day(104);
        self.decide(Decision::new("ingrid.smits", huisbezoeken, GEMEENTE, ExecutiveBoard, Approved)).await?;
        self.day(105);
        self.decide(Decision::new("marco.degraaf", visie, DE_LINGE, ExecutiveBoard, Approved)).await?;
        self.progress(
            "nina.jacobs",
            spreekuur,
            "Afgerond: 41 huishoudens geholpen, geen enkele ontruiming.",
            100,
            Some(CommitmentStatus::Delivered),
        )
        .await?;
        self.day(106);
        self.decide(Decision::new("annemiek.vos", huisbezoeken, ZORGGROEP, ExecutiveBoard, Approved)).await?;
        self.day(108);
        self.decide(Decision::new("erik.vandenberg", visie, SCHOLENGROEP, ExecutiveBoard, Approved)).await?;
        // The executive board departs from its works council's negative advice.
        self.day(110);
        self.decide(Decision::new("annemiek.vos", visie, ZORGGROEP, ExecutiveBoard, Approved).reason(
            "De Raad van Bestuur neemt de zorg over de werkdruk serieus, maar zonder regionale visie blijft de \
                 druk op de wijkteams groeien. De OR krijgt een vaste plek in de uitwerking.",
        ))
        .await?;
        self.day(115);
        let rvc = self
            .decide(
                Decision::new("hendrik.bos", visie, DE_LINGE, SupervisoryBoard, ApprovedWithConditions)
                    .minutes("RvC-vergadering, besluit 2025-14")
                    .conditions(&["Halfjaarlijkse rapportage aan de RvC over de besteding van de bijdrage."]),
            )
            .await?;
        self.progress(
            "linda.kok",
            huisbezoeken,
            "De eerste honderd bezoeken zijn gedaan.",
            40,
            Some(CommitmentStatus::InProgress),
        )
        .await?;
        self.day(120);
        self.decide(
            Decision::new("marieke.jansen", visie, ZORGGROEP, SupervisoryBoard, ApprovedWithConditions)
                .minutes("RvT Zorggroep Betuwe, besluit 2025-09")
                .conditions(&["Jaarlijkse evaluatie van de werkdruk met de ondernemingsraad."]),
        )
        .await?;
        self.set_representatives("ingrid.smits", GEMEENTE, &["ingrid.smits", "joris.hendriks"]).await?;
        let woonzorgkaart = self
            .propose(Proposal {
                by: "ingrid.smits",
                title: "Woonzorgkaart Rivierstad",
                description: "Een openbare kaart van alle woonvormen met zorg in de gemeente.",
                scope: Organisation,
                kind: Initiative,
                parties: vec![(GEMEENTE, 30_000, 300)],
                lead: GEMEENTE,
                goal: Some(goals.doorstroming),
                due_in_days: 180,
                meeting: None,
            })
            .await?;
        self.agree("ingrid.smits", woonzorgkaart, GEMEENTE, None).await?;
        self.day(121);
        self.acknowledge("joris.hendriks", GEMEENTE, 1).await?;
        self.day(122);
        self.decide(Decision::new("ingrid.smits", woonzorgkaart, GEMEENTE, ExecutiveBoard, Approved)).await?;
        self.day(125);
        self.decide(
            Decision::new("ahmed.elamrani", visie, GEMEENTE, MunicipalCouncil, Responded)
                .reason("De raad vraagt aandacht voor de kleine kernen en voor jonge gezinnen."),
        )
        .await?;
        self.day(130);
        self.decide(Decision::new("ingrid.smits", visie, GEMEENTE, ExecutiveBoard, Approved)).await?;
        self.progress(
            "joris.hendriks",
            woonzorgkaart,
            "Inventarisatie gestart.",
            10,
            Some(CommitmentStatus::InProgress),
        )
        .await?;
        self.day(140);
        self.decide(Decision::new("sophie.brouwer", visie, WELZIJN, WorksCouncil, Positive)).await?;
        self.day(141);
        self.decide(Decision::new("marieke.jansen", visie, WELZIJN, ExecutiveBoard, Approved)).await?;

        // The second round: after the big vision, views drift apart.
        self.day(150);
        let version = self.act(FACILITATOR, |s| async move { s.commitment(statushouders).await }).await?.version;
        self.act(FACILITATOR, |s| async move {
            work::drop_commitment(&s, statushouders, version, "Opgegaan in de regionale woonzorgvisie.").await
        })
        .await?;
        let round2 = self.open_round(14, true).await?;
        self.answer(
            round2,
            true,
            151,
            &["lotte.mulder", "gerda.willems", "bas.deboer", "yvonne.dewit", "thomas.smit", "mohamed.aydin"],
        )
        .await?;
        self.day(160);
        self.close_round(round2).await?;

        self.day(172);
        self.progress(
            "linda.kok",
            huisbezoeken,
            "Alle 312 huisbezoeken gedaan; 27 mensen in beeld die hulp nodig hadden.",
            100,
            Some(CommitmentStatus::Delivered),
        )
        .await?;

        // Woongoed sends someone else to the table.
        self.day(180);
        self.set_representatives("pieter.vandijk", WOONGOED, &["sanne.visser"]).await?;
        self.day(182);
        self.acknowledge("sanne.visser", WOONGOED, 1).await?;

        self.day(190);
        let m3 = self
            .meeting(
                "Woongoed stelt flexwonen voor spoedzoekers voor, samen met De Linge en de gemeente.",
                &["ingrid.smits", "joris.hendriks", "marco.degraaf", "sanne.visser", "annemiek.vos", "marieke.jansen"],
            )
            .await?;
        let flexwonen = self
            .propose(Proposal {
                by: "sanne.visser",
                title: "Flexwonen voor spoedzoekers",
                description: "Zestig flexwoningen voor mensen die na een scheiding of crisis snel een huis nodig \
                              hebben.",
                scope: Coalition,
                kind: Initiative,
                parties: vec![(WOONGOED, 400_000, 600), (DE_LINGE, 80_000, 200), (GEMEENTE, 50_000, 300)],
                lead: WOONGOED,
                goal: Some(goals.doorstroming),
                due_in_days: 365,
                meeting: Some(m3),
            })
            .await?;
        self.agree("sanne.visser", flexwonen, WOONGOED, Some(m3)).await?;
        self.day(195);
        self.agree("marco.degraaf", flexwonen, DE_LINGE, None).await?;
        self.day(196);
        self.agree("ingrid.smits", flexwonen, GEMEENTE, None).await?;

        self.day(200);
        let rvc_conditions = self.act("marco.degraaf", |s| async move { s.conditions_of(&[rvc.id]).await }).await?;
        let huurders = self.body(DE_LINGE, ClientCouncil);
        let huurders_conditions = self
            .act("marco.degraaf", |s| async move {
                let row = Self::ratification_of(&s, visie, huurders).await?;
                s.conditions_of(&[row.id]).await
            })
            .await?;
        for condition in rvc_conditions.into_iter().chain(huurders_conditions) {
            self.act("marco.degraaf", |s| async move { ratification::mark_condition_met(&s, condition.id).await })
                .await?;
        }
        self.decide(Decision::new("eva.koster", flexwonen, DE_LINGE, WorksCouncil, Positive)).await?;
        let brede_school = self
            .propose(Proposal {
                by: "erik.vandenberg",
                title: "Brede school De Waard als wijkhuis",
                description: "Na schooltijd wordt de school een wijkhuis met welzijnswerk en spreekuren.",
                scope: Coalition,
                kind: Initiative,
                parties: vec![(SCHOLENGROEP, 60_000, 400), (WELZIJN, 30_000, 500), (GEMEENTE, 90_000, 100)],
                lead: SCHOLENGROEP,
                goal: Some(goals.kansrijk),
                due_in_days: 300,
                meeting: None,
            })
            .await?;
        self.consult(brede_school, SCHOLENGROEP).await?;
        self.day(201);
        self.decide(Decision::new("gerda.willems", flexwonen, DE_LINGE, ClientCouncil, Positive)).await?;
        self.input("thomas.smit", brede_school, SCHOLENGROEP, Support, "Ouders vragen hier al jaren om.").await?;
        self.input(
            "noor.vanvliet",
            brede_school,
            SCHOLENGROEP,
            Concern,
            "Wie is na schooltijd verantwoordelijk voor het gebouw?",
        )
        .await?;
        self.day(205);
        self.decide(
            Decision::new("marco.degraaf", flexwonen, DE_LINGE, ExecutiveBoard, Approved)
                .minutes("Bestuur, besluit 2024-31"),
        )
        .await?;
        self.agree("erik.vandenberg", brede_school, SCHOLENGROEP, None).await?;
        self.agree("marieke.jansen", brede_school, WELZIJN, None).await?;
        self.day(206);
        self.agree("ingrid.smits", brede_school, GEMEENTE, None).await?;
        // The wrong minutes were cited: the board reopens and records again.
        self.day(207);
        let bestuur = self.body(DE_LINGE, ExecutiveBoard);
        self.act("marco.degraaf", |s| async move {
            let row = Self::ratification_of(&s, flexwonen, bestuur).await?;
            ratification::reopen(&s, row.id, row.version).await
        })
        .await?;
        self.decide(Decision::new("lisa.dejong", brede_school, SCHOLENGROEP, WorksCouncil, Positive)).await?;
        self.day(208);
        self.decide(
            Decision::new("marco.degraaf", flexwonen, DE_LINGE, ExecutiveBoard, Approved)
                .minutes("Bestuur, besluit 2025-31"),
        )
        .await?;
        self.decide(Decision::new("sophie.brouwer", brede_school, WELZIJN, WorksCouncil, Positive)).await?;
        self.day(209);
        self.decide(Decision::new("erik.vandenberg", brede_school, SCHOLENGROEP, ExecutiveBoard, Approved)).await?;
        self.decide(Decision::new("marieke.jansen", brede_school, WELZIJN, ExecutiveBoard, Approved)).await?;
        self.day(210);
        self.decide(Decision::new("ingrid.smits", flexwonen, GEMEENTE, ExecutiveBoard, Approved)).await?;
        self.day(212);
        self.decide(Decision::new("ingrid.smits", brede_school, GEMEENTE, ExecutiveBoard, Approved)).await?;
        self.day(215);
        self.decide(Decision::new("hendrik.bos", flexwonen, DE_LINGE, SupervisoryBoard, Approved)).await?;
        self.day(220);
        self.progress(
            "thomas.smit",
            brede_school,
            "Het bouwkundig onderzoek is gestart.",
            20,
            Some(CommitmentStatus::InProgress),
        )
        .await?;
        // Woongoed's supervisory board does not carry what was agreed.
        self.day(230);
        self.decide(
            Decision::new("wim.peters", flexwonen, WOONGOED, SupervisoryBoard, Rejected)
                .minutes("RvC Woongoed, besluit 2025-22")
                .reason("Het financiële risico is te groot bij de huidige bouwkosten en rente."),
        )
        .await?;

        // The school board leaves; its open commitments need re-planning.
        self.day(250);
        let school = self.partnerships[SCHOLENGROEP];
        self.act("erik.vandenberg", |s| async move {
            networks::remove(
                &s,
                school,
                "De Scholengroep richt zich het komende jaar volledig op de eigen onderwijshuisvesting.",
            )
            .await
        })
        .await?;
        self.day(260);
        self.progress(
            "joris.hendriks",
            woonzorgkaart,
            "De woonzorgkaart staat online.",
            100,
            Some(CommitmentStatus::Delivered),
        )
        .await?;
        self.day(280);
        self.meeting(
            "Na het vertrek van de Scholengroep: wat doen we met de brede school en de woonzorgvisie?",
            &["ingrid.smits", "joris.hendriks", "marco.degraaf", "sanne.visser", "annemiek.vos", "marieke.jansen"],
        )
        .await?;

        // A new charter version late in the year; Woongoed does not acknowledge it.
        self.day(300);
        self.adopt_charter(
            "1. Passend en betaalbaar wonen voor iedereen. 2. Zorg en welzijn dichtbij in de wijk. \
             3. Elk kind een kansrijke start, samen met het onderwijs waar dat kan.",
            "We maken afspraken die elke partner door de eigen organisatie laat dragen, en raadplegen onze \
             ondernemingsraden en cliëntenraden vóór het akkoord aan tafel. Liever drie quick wins dan één groot \
             plan. Wie vertrekt, draagt lopende afspraken netjes over.",
        )
        .await?;
        let pool = self
            .propose(Proposal {
                by: "annemiek.vos",
                title: "Regionale pool van wijkverpleging en welzijnswerk",
                description: "Eén gezamenlijke flexpool zodat wijkteams niet leeglopen bij ziekte en vakantie.",
                scope: Network,
                kind: Initiative,
                parties: vec![
                    (ZORGGROEP, 200_000, 1_200),
                    (WELZIJN, 60_000, 600),
                    (GEMEENTE, 150_000, 100),
                    (DE_LINGE, 60_000, 50),
                    (WOONGOED, 25_000, 50),
                ],
                lead: ZORGGROEP,
                goal: Some(goals.wijkteam),
                due_in_days: 365,
                meeting: None,
            })
            .await?;
        for (day, by, org) in [
            (302, "ingrid.smits", GEMEENTE),
            (303, "joris.hendriks", GEMEENTE),
            (304, "marco.degraaf", DE_LINGE),
            (306, "annemiek.vos", ZORGGROEP),
            (308, "marieke.jansen", WELZIJN),
        ] {
            self.day(day);
            self.acknowledge(by, org, 2).await?;
        }

        // Work without a goal, and more and more together.
        self.day(320);
        let dashboard = self
            .propose(Proposal {
                by: FACILITATOR,
                title: "Regionaal datadashboard wonen, zorg en welzijn",
                description: "Eén dashboard met cijfers van alle partners.",
                scope: Network,
                kind: Initiative,
                parties: vec![
                    (GEMEENTE, 20_000, 100),
                    (DE_LINGE, 15_000, 40),
                    (WOONGOED, 15_000, 40),
                    (ZORGGROEP, 15_000, 80),
                    (WELZIJN, 10_000, 40),
                ],
                lead: GEMEENTE,
                goal: None,
                due_in_days: 240,
                meeting: None,
            })
            .await?;
        self.day(322);
        self.consult(dashboard, WELZIJN).await?;
        self.day(323);
        self.input("linda.kok", dashboard, WELZIJN, Concern, "Mogen cliëntgegevens wel in een gedeeld dashboard?")
            .await?;
        self.input("mohamed.aydin", dashboard, WELZIJN, Support, "Dan zien we eindelijk wat we samen bereiken.")
            .await?;
        self.day(325);
        self.agree("ingrid.smits", dashboard, GEMEENTE, None).await?;
        self.day(326);
        self.agree("annemiek.vos", dashboard, ZORGGROEP, None).await?;
        self.day(330);
        self.propose(Proposal {
            by: "sanne.visser",
            title: "Energiecoaches voor huurders",
            description: "Vrijwillige energiecoaches bezoeken huurders met hoge energierekeningen.",
            scope: Organisation,
            kind: QuickWin,
            parties: vec![(WOONGOED, 6_000, 80)],
            lead: WOONGOED,
            goal: None,
            due_in_days: 75,
            meeting: None,
        })
        .await?;

        self.day(340);
        let m5 = self
            .meeting(
                "De flexpool is aan tafel akkoord. Woongoed licht de afwijzing van flexwonen door haar RvC toe.",
                &["ingrid.smits", "joris.hendriks", "marco.degraaf", "sanne.visser", "annemiek.vos", "marieke.jansen"],
            )
            .await?;
        for org in [ZORGGROEP, WELZIJN, GEMEENTE, DE_LINGE, WOONGOED] {
            self.agree(FACILITATOR, pool, org, Some(m5)).await?;
        }
        self.day(345);
        self.decide(
            Decision::new("rik.meijer", pool, ZORGGROEP, WorksCouncil, Negative)
                .reason("Een flexpool maakt roosters onvoorspelbaar voor onze medewerkers."),
        )
        .await?;
        self.day(350);
        self.decide(Decision::new("eva.koster", pool, DE_LINGE, WorksCouncil, Positive)).await?;
        let campaign = self
            .propose(Proposal {
                by: FACILITATOR,
                title: "Gezamenlijke wervingscampagne zorg en welzijn",
                description: "Eén campagne en één vacaturesite voor werken in zorg en welzijn in Rivierenland.",
                scope: Network,
                kind: Initiative,
                parties: vec![
                    (GEMEENTE, 25_000, 40),
                    (DE_LINGE, 5_000, 20),
                    (WOONGOED, 5_000, 20),
                    (ZORGGROEP, 40_000, 120),
                    (WELZIJN, 15_000, 80),
                ],
                lead: ZORGGROEP,
                goal: Some(goals.dichtbij),
                due_in_days: 200,
                meeting: None,
            })
            .await?;
        self.day(352);
        self.decide(Decision::new("yvonne.dewit", pool, ZORGGROEP, ClientCouncil, Positive)).await?;
        self.day(355);
        self.decide(Decision::new("annemiek.vos", pool, ZORGGROEP, ExecutiveBoard, Approved).reason(
            "Roosters blijven vier weken vooruit vast; de pool vangt alleen uitval op. Daarmee komen we de OR \
                 zo ver mogelijk tegemoet.",
        ))
        .await?;

        // The municipality takes on one more of its own, and the table a
        // second network-wide plan: the municipality is now in too much (the
        // collaboration graph shows it), and the network does too much together.
        self.day(357);
        self.propose(Proposal {
            by: FACILITATOR,
            title: "Wijkteams in elke kern",
            description: "Een wijkteam van gemeente, zorg en welzijn in elke kern, met één aanspreekpunt.",
            scope: Organisation,
            kind: Initiative,
            parties: vec![(GEMEENTE, 60_000, 400)],
            lead: GEMEENTE,
            goal: Some(goals.dichtbij),
            due_in_days: 240,
            meeting: None,
        })
        .await?;
        self.propose(Proposal {
            by: FACILITATOR,
            title: "Eén loket voor wonen, zorg en welzijn",
            description: "Inwoners melden zich op één plek; de partners regelen de rest achter de schermen.",
            scope: Network,
            kind: Initiative,
            parties: vec![
                (GEMEENTE, 30_000, 200),
                (DE_LINGE, 10_000, 60),
                (WOONGOED, 10_000, 60),
                (ZORGGROEP, 20_000, 120),
                (WELZIJN, 10_000, 80),
            ],
            lead: GEMEENTE,
            goal: Some(goals.dichtbij),
            due_in_days: 300,
            meeting: None,
        })
        .await?;

        // The next meeting is planned, with its agenda: the campaign to agree
        // to, the second round's results, and the round of questions.
        self.day(360);
        self.plan_meeting(campaign, round2).await?;
        Ok(())
    }

    /// Plans the first meeting of the new year, three weeks after the year's end.
    async fn plan_meeting(&self, campaign: Uuid, round: Uuid) -> anyhow::Result<Uuid> {
        let network_id = self.network;
        let day = self.start.date_naive() + Duration::days(365 + 21);
        let starts_at = Utc.from_utc_datetime(&day.and_hms_opt(18, 0, 0).unwrap_or_default());
        let item = |kind, title: &str, commitment_id, round_id| meetings::AgendaItemInput {
            kind,
            title: title.to_owned(),
            notes: None,
            commitment_id,
            charter_version: None,
            round_id,
        };
        let agenda = vec![
            item(AgendaItemKind::AgreeCommitment, "Instemmen met de wervingscampagne", Some(campaign), None),
            item(AgendaItemKind::DiscussRound, "De tweede afstemmingsronde: waar lopen we uiteen?", None, Some(round)),
            item(AgendaItemKind::Other, "Rondvraag", None, None),
        ];
        let meeting = self
            .act(FACILITATOR, |s| async move {
                meetings::plan(
                    &s,
                    network_id,
                    meetings::PlanInput {
                        title: Some("Bestuurlijk overleg januari".to_owned()),
                        starts_at,
                        ends_at: Some(starts_at + Duration::hours(2)),
                        location: Some("Gemeentehuis, raadzaal".to_owned()),
                        online_url: Some("https://meet.example.nl/rivierenland".to_owned()),
                        agenda,
                    },
                )
                .await
            })
            .await?;
        Ok(meeting.id)
    }
}

/// A figure a partner reports: the indicator, the period, the value.
type Figure = (Uuid, String, f64);

/// The demo's indicators and yearly cycle (docs/indicators.md,
/// docs/cycles.md): the year the story mostly runs in is the cycle's.
struct Measured {
    year: i32,
    cycle: Uuid,
    dwellings: Uuid,
    evictions: Uuid,
    waiting: Uuid,
}

impl Story<'_> {
    /// Day 14, with the goals: three shared indicators with their baselines
    /// and targets, the partners' figures of the two years before, and the
    /// cycle of the year opened.
    async fn indicators(&self, goals: &Goals) -> anyhow::Result<Measured> {
        use crate::service::{cycles, indicators};
        use entity::{IndicatorAggregation as Agg, IndicatorCadence as Cadence, IndicatorDirection as Dir};
        let year = (self.start + Duration::days(200)).year();
        let define = |goal: Uuid,
                      name: &'static str,
                      unit: &'static str,
                      direction: Dir,
                      aggregation: Agg,
                      cadence: Cadence,
                      baseline: (f64, String),
                      reporters: [usize; 3],
                      targets: Vec<(String, f64)>| {
            let reporter_ids = reporters.iter().map(|org| self.org(*org)).collect();
            self.act(FACILITATOR, move |s| async move {
                indicators::create_indicator(
                    &s,
                    indicators::CreateIndicator {
                        goal_id: goal,
                        name: name.to_owned(),
                        description: None,
                        unit: unit.to_owned(),
                        direction,
                        aggregation,
                        cadence,
                        baseline: baseline.0,
                        baseline_period: baseline.1,
                        reporter_ids,
                        targets,
                    },
                )
                .await
            })
        };
        let y = |offset: i32| (year + offset).to_string();
        let dwellings = define(
            goals.doorstroming,
            "Woningen vrijgekomen door verhuizing van senioren",
            "woningen",
            Dir::Higher,
            Agg::Sum,
            Cadence::Yearly,
            (120.0, y(-2)),
            [DE_LINGE, WOONGOED, ZORGGROEP],
            vec![(y(-1), 140.0), (y(0), 160.0), (y(1), 180.0)],
        )
        .await?
        .id;
        let evictions = define(
            goals.achterstanden,
            "Huisuitzettingen wegens huurachterstand",
            "huishoudens",
            Dir::Lower,
            Agg::Sum,
            Cadence::Yearly,
            (38.0, y(-2)),
            [GEMEENTE, DE_LINGE, WOONGOED],
            vec![(y(-1), 30.0), (y(0), 20.0)],
        )
        .await?
        .id;
        let quarters = |year: i32| (1..=4).map(move |q| format!("{year}-Q{q}"));
        let waiting = define(
            goals.wijkteam,
            "Wachttijd tot het eerste gesprek met het wijkteam",
            "dagen",
            Dir::Lower,
            Agg::Mean,
            Cadence::Quarterly,
            (35.0, format!("{}-Q4", year - 2)),
            [GEMEENTE, ZORGGROEP, WELZIJN],
            quarters(year).map(|q| (q, 28.0)).collect(),
        )
        .await?
        .id;

        // The partners put the two years before on record, each its own
        // figures in one report.
        let history: [(usize, Vec<Figure>); 5] = [
            (GEMEENTE, {
                let mut f = vec![(evictions, y(-2), 9.0), (evictions, y(-1), 7.0)];
                f.extend(quarters(year - 1).zip([34.0, 31.0, 30.0, 29.0]).map(|(q, v)| (waiting, q, v)));
                f
            }),
            (
                DE_LINGE,
                vec![
                    (dwellings, y(-2), 55.0),
                    (dwellings, y(-1), 62.0),
                    (evictions, y(-2), 16.0),
                    (evictions, y(-1), 13.0),
                ],
            ),
            (
                WOONGOED,
                vec![
                    (dwellings, y(-2), 48.0),
                    (dwellings, y(-1), 54.0),
                    (evictions, y(-2), 13.0),
                    (evictions, y(-1), 11.0),
                ],
            ),
            (ZORGGROEP, {
                let mut f = vec![(dwellings, y(-2), 17.0), (dwellings, y(-1), 20.0)];
                f.extend(quarters(year - 1).zip([36.0, 33.0, 31.0, 30.0]).map(|(q, v)| (waiting, q, v)));
                f
            }),
            (WELZIJN, quarters(year - 1).zip([33.0, 32.0, 29.0, 28.0]).map(|(q, v)| (waiting, q, v)).collect()),
        ];
        for (org, figures) in history {
            self.report(org, figures, None).await?;
        }

        let network_id = self.network;
        let title = format!("Prestatieafspraken {year}");
        let cycle = self
            .act(FACILITATOR, |s| async move { cycles::create_cycle(&s, network_id, year, Some(title)).await })
            .await?
            .id;
        Ok(Measured { year, cycle, dwellings, evictions, waiting })
    }

    /// One partner's report of figures, recorded all or nothing.
    async fn report(&self, org: usize, figures: Vec<Figure>, note: Option<&'static str>) -> anyhow::Result<()> {
        let organisation_id = self.org(org);
        let inputs = figures
            .into_iter()
            .map(|(indicator_id, period, value)| {
                Ok(crate::service::indicators::RecordMeasurement {
                    indicator_id,
                    organisation_id,
                    period,
                    value,
                    note: note.map(str::to_owned),
                })
            })
            .collect();
        self.act(DIRECTORS[org], |s| async move { crate::service::indicators::record_measurements(&s, inputs).await })
            .await?;
        Ok(())
    }

    /// Days 361–363: the year's figures, one corrected; the year's
    /// commitments put in the cycle and linked to the indicators they move;
    /// the cycle closed with its report.
    async fn account(&self, m: &Measured) -> anyhow::Result<()> {
        use crate::service::{cycles, indicators};
        self.day(361);
        let y = m.year.to_string();
        let quarters: Vec<String> = (1..=4).map(|q| format!("{}-Q{q}", m.year)).collect();
        let waiting = |values: [f64; 4]| -> Vec<Figure> {
            quarters.iter().cloned().zip(values).map(|(q, v)| (m.waiting, q, v)).collect()
        };
        let mut gemeente = vec![(m.evictions, y.clone(), 6.0)];
        gemeente.extend(waiting([29.0, 30.0, 31.0, 33.0]));
        let mut zorggroep = vec![(m.dwellings, y.clone(), 24.0)];
        zorggroep.extend(waiting([30.0, 31.0, 33.0, 34.0]));
        let reports: [(usize, Vec<Figure>); 5] = [
            (GEMEENTE, gemeente),
            (DE_LINGE, vec![(m.dwellings, y.clone(), 78.0), (m.evictions, y.clone(), 12.0)]),
            (WOONGOED, vec![(m.dwellings, y.clone(), 61.0), (m.evictions, y.clone(), 10.0)]),
            (ZORGGROEP, zorggroep),
            (WELZIJN, waiting([28.0, 29.0, 30.0, 32.0])),
        ];
        for (org, figures) in reports {
            self.report(org, figures, None).await?;
        }
        // Woongoed finds it counted a transfer twice.
        self.day(362);
        self.report(
            WOONGOED,
            vec![(m.dwellings, y.clone(), 59.0)],
            Some("Twee verhuizingen binnen Woongoed dubbel geteld; gecorrigeerd."),
        )
        .await?;

        let network_id = self.network;
        let cycle = m.cycle;
        let commitments = self
            .act(FACILITATOR, |s| async move {
                let mut ids = Vec::new();
                let mut after = None;
                loop {
                    let page = s
                        .commitments_page_of_network(network_id, &Default::default(), PageRequest { first: 100, after })
                        .await?;
                    ids.extend(page.items.iter().map(|c| (c.id, c.title.clone())));
                    if !page.has_next_page {
                        break;
                    }
                    after = page.items.last().map(|c| c.id);
                }
                Ok(ids)
            })
            .await?;
        let ids: Vec<Uuid> = commitments.iter().map(|(id, _)| *id).collect();
        let version = self
            .act(FACILITATOR, |s| async move {
                let cycle = s.cycle(cycle).await?;
                cycles::change_commitments(&s, cycle.id, cycle.version, ids, vec![]).await
            })
            .await?
            .version;
        let links: [(&str, Vec<Uuid>); 4] = [
            ("Regionale woonzorgvisie 2030", vec![m.dwellings]),
            ("Spreekuur huurachterstanden in wijkcentrum De Brug", vec![m.evictions]),
            ("Huisbezoeken bij 75-plussers in Rivierstad-Oost", vec![m.dwellings, m.waiting]),
            ("Wijkteams in elke kern", vec![m.waiting]),
        ];
        for (title, indicator_ids) in links {
            let Some((commitment, _)) = commitments.iter().find(|(_, t)| t == title) else { continue };
            let commitment = *commitment;
            self.act(
                FACILITATOR,
                |s| async move { indicators::set_contributions(&s, commitment, indicator_ids).await },
            )
            .await?;
        }

        self.day(363);
        let note = "Het eerste jaar van de regionale samenwerking: meer doorstroming dan afgesproken, maar de wachttijd voor het wijkteam loopt op.";
        self.act(FACILITATOR, |s| async move { cycles::close_cycle(&s, cycle, version, Some(note.to_owned())).await })
            .await?;
        Ok(())
    }
}

/// The goals of the network.
struct Goals {
    wonen: Uuid,
    doorstroming: Uuid,
    achterstanden: Uuid,
    dichtbij: Uuid,
    wijkteam: Uuid,
    kansrijk: Uuid,
}

const VISION_KEY: &str = "REGIONAL_VISION";
const VISION_TEXT: &str = "De regionale woonzorgvisie is van ons allemaal.";

/// A respondent's score. In the first round everyone is around 4; in the
/// second the housing corporations are enthusiastic, care and welfare are
/// disappointed, and the alignment index drops well past the threshold.
fn score(second: bool, org: usize, person: usize, question: usize) -> i32 {
    let score = if second {
        let base = [3, 5, 4, 1, 2, 3][org];
        base + [0, 0, -1, 1][(person + question) % 4]
    } else {
        4 + [0, 0, 1, 0, -1, 0][(person + question + org) % 6]
    };
    score.clamp(1, 5)
}

/// A few respondents explain a low score.
fn comment(second: bool, key: &str, score: i32, person: usize) -> Option<String> {
    if !second || score > 2 || person % 2 == 1 {
        return None;
    }
    let text = match key {
        "FOCUS" => "We doen te veel tegelijk; kies een paar dingen en maak die af.",
        "RESULTS" => "In de wijk merken we nog weinig van wat we hier afspreken.",
        "BACKING" => "Onze ondernemingsraad voelt zich niet gehoord.",
        VISION_KEY => "De visie is vooral een woonvisie; zorg en welzijn komen er bekaaid af.",
        _ => return None,
    };
    Some(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subject_is_unique_and_every_showcase_person_is_in_the_cast() {
        let mut subjects: Vec<&str> = PEOPLE.iter().map(|c| c.subject).collect();
        subjects.push(FACILITATOR);
        subjects.sort_unstable();
        let before = subjects.len();
        subjects.dedup();
        assert_eq!(before, subjects.len());
        for person in SHOWCASE {
            assert!(person.subject == FACILITATOR || PEOPLE.iter().any(|c| c.subject == person.subject));
        }
    }

    #[test]
    fn scores_stay_on_the_scale() {
        for second in [false, true] {
            for org in 0..6 {
                for person in 0..PEOPLE.len() {
                    for question in 0..7 {
                        assert!((1..=5).contains(&score(second, org, person, question)));
                    }
                }
            }
        }
    }
}
