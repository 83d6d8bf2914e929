//! The authorization matrix as data: for every GraphQL mutation and every
//! query field that exposes data, what each kind of viewer gets — allowed,
//! hidden (null or NOT_FOUND, exactly as if the object did not exist),
//! FORBIDDEN, or HTTP 401 — with a one-line reason.
//!
//! The table records what the code enforces today (`domain::policy`, the use
//! cases in `service`, `store::visibility`), checked cell by cell over real
//! HTTP by `tests/api/matrix/mod.rs`. `docs/authorization.md` is rendered from it
//! by [`markdown`]; a test fails when the checked-in file differs.
//!
//! Roles are relative to one operation's target: "the network" is the network
//! the target belongs to, "the party" the organisation the operation is about
//! or acts for, "the body" the governing body whose outcome is concerned.

use std::fmt::Write as _;

/// A kind of viewer: a column of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Admin,
    Facilitator,
    OtherFacilitator,
    Representative,
    PartyDirector,
    PartySupervisor,
    PartyStaff,
    WorksCouncilMember,
    SupervisoryBoardMember,
    TwoPositions,
    PartnerDirector,
    PartnerSupervisor,
    PartnerStaff,
    OutsiderDirector,
    OutsiderSupervisor,
    OutsiderStaff,
    OtherTenant,
    ApiClient,
    Anonymous,
}

impl Role {
    pub const ALL: [Role; 19] = [
        Role::Admin,
        Role::Facilitator,
        Role::OtherFacilitator,
        Role::Representative,
        Role::PartyDirector,
        Role::PartySupervisor,
        Role::PartyStaff,
        Role::WorksCouncilMember,
        Role::SupervisoryBoardMember,
        Role::TwoPositions,
        Role::PartnerDirector,
        Role::PartnerSupervisor,
        Role::PartnerStaff,
        Role::OutsiderDirector,
        Role::OutsiderSupervisor,
        Role::OutsiderStaff,
        Role::OtherTenant,
        Role::ApiClient,
        Role::Anonymous,
    ];

    /// The short column header.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "ADM",
            Role::Facilitator => "FAC",
            Role::OtherFacilitator => "FAC²",
            Role::Representative => "REP",
            Role::PartyDirector => "DIR",
            Role::PartySupervisor => "SUP",
            Role::PartyStaff => "STF",
            Role::WorksCouncilMember => "OR",
            Role::SupervisoryBoardMember => "RvC",
            Role::TwoPositions => "2POS",
            Role::PartnerDirector => "pDIR",
            Role::PartnerSupervisor => "pSUP",
            Role::PartnerStaff => "pSTF",
            Role::OutsiderDirector => "xDIR",
            Role::OutsiderSupervisor => "xSUP",
            Role::OutsiderStaff => "xSTF",
            Role::OtherTenant => "TEN²",
            Role::ApiClient => "API",
            Role::Anonymous => "ANON",
        }
    }

    /// Who this is, in a sentence fragment.
    pub fn description(self) -> &'static str {
        match self {
            Role::Admin => "tenant ADMIN",
            Role::Facilitator => "FACILITATOR of the network",
            Role::OtherFacilitator => "FACILITATOR of another network of the tenant only",
            Role::Representative => {
                "representative of the party in the network (holds a STAFF position there, no other rights)"
            }
            Role::PartyDirector => "DIRECTOR of the party (not seated at the table, on no body)",
            Role::PartySupervisor => "SUPERVISOR of the party (on no body)",
            Role::PartyStaff => "STAFF of the party (on no body)",
            Role::WorksCouncilMember => {
                "member of the party's works council (ondernemingsraad, an ADVISES body), holding a STAFF position"
            }
            Role::SupervisoryBoardMember => {
                "member of the party's supervisory board (raad van commissarissen, an APPROVES body), a SUPERVISOR"
            }
            Role::TwoPositions => {
                "one person with two positions: STAFF of the party and DIRECTOR of a non-partner organisation"
            }
            Role::PartnerDirector => "DIRECTOR of an ACTIVE partner of the network that is not a party",
            Role::PartnerSupervisor => "SUPERVISOR of an ACTIVE partner that is not a party",
            Role::PartnerStaff => "STAFF of an ACTIVE partner that is not a party",
            Role::OutsiderDirector => "DIRECTOR of an organisation that is no partner of the network",
            Role::OutsiderSupervisor => "SUPERVISOR of an organisation that is no partner of the network",
            Role::OutsiderStaff => "STAFF of an organisation that is no partner of the network",
            Role::OtherTenant => "ADMIN of another tenant",
            Role::ApiClient => "API client of the party (a client-credentials token from `POST /oauth/token`)",
            Role::Anonymous => "no token, or a token the server does not accept",
        }
    }
}

/// What a viewer gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The operation runs (a mutation writes; a field shows the target).
    Allowed,
    /// Exactly as if the target did not exist: null in `node`/`nodes` and
    /// single-object fields, absent from lists, NOT_FOUND with the same message
    /// from a mutation.
    Hidden,
    /// `FORBIDDEN`: the viewer may see the target but not do this; nothing written.
    Forbidden,
    /// HTTP 401 before any GraphQL runs.
    Unauthenticated,
}

impl Outcome {
    pub fn symbol(self) -> &'static str {
        match self {
            Outcome::Allowed => "✓",
            Outcome::Hidden => "∅",
            Outcome::Forbidden => "✗",
            Outcome::Unauthenticated => "401",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Hidden => "hidden",
            Outcome::Forbidden => "FORBIDDEN",
            Outcome::Unauthenticated => "401",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Area {
    Reads,
    PeopleAndOrganisations,
    Networks,
    Work,
    Ratification,
    Alignment,
    Integration,
}

impl Area {
    pub const ALL: [Area; 7] = [
        Area::Reads,
        Area::PeopleAndOrganisations,
        Area::Networks,
        Area::Work,
        Area::Ratification,
        Area::Alignment,
        Area::Integration,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Area::Reads => "Reading: queries and notable fields",
            Area::PeopleAndOrganisations => "Mutations: people and organisations",
            Area::Networks => "Mutations: networks",
            Area::Work => "Mutations: goals, meetings and commitments",
            Area::Ratification => "Mutations: ratification",
            Area::Alignment => "Mutations: alignment rounds",
            Area::Integration => "Integration: API clients, identity providers, webhooks",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A root query field.
    Query,
    /// A field nested in an object.
    Field,
    Mutation,
}

/// Some roles, one outcome, one reason.
#[derive(Debug)]
pub struct Rule {
    pub roles: &'static [Role],
    pub outcome: Outcome,
    pub reason: &'static str,
}

/// One row: an operation on a target, with a rule for every role except the
/// two in [`COMMON`], which are the same for every row.
#[derive(Debug)]
pub struct Entry {
    pub area: Area,
    pub kind: Kind,
    /// The GraphQL name (`Type.field` for nested fields); unique.
    pub operation: &'static str,
    /// What the row is about, which fixes "the network", "the party" and "the body".
    pub target: &'static str,
    pub rules: &'static [Rule],
}

/// One cell: an operation, a role, and what that role gets.
#[derive(Debug, Clone, Copy)]
pub struct Cell {
    pub entry: &'static Entry,
    pub role: Role,
    pub outcome: Outcome,
    pub reason: &'static str,
}

/// The rules every row shares: nobody without a credential of the tenant gets
/// anything.
pub static COMMON: &[Rule] = &[Rule {
    roles: &[Role::Anonymous],
    outcome: Outcome::Unauthenticated,
    reason: "no valid token: HTTP 401 before any resolver runs",
}];

/// An API client acts for its organisation as a DIRECTOR that only reads: a row
/// without its own rule for [`Role::ApiClient`] gives it what the party's
/// DIRECTOR gets, except that what the DIRECTOR may do it may not.
static CLIENT_READS_AS_DIRECTOR: Rule = Rule {
    roles: &[Role::ApiClient],
    outcome: Outcome::Allowed,
    reason: "reads what a DIRECTOR of its organisation reads",
};
static CLIENT_WRITES_NOTHING: Rule = Rule {
    roles: &[Role::ApiClient],
    outcome: Outcome::Forbidden,
    reason: "an API client reads for its organisation and writes no business data",
};

impl Entry {
    /// The cell of `role` in this row.
    ///
    /// # Panics
    /// When the row has no rule for the role; `tests::every_row_names_every_role_once`
    /// guarantees it never happens for [`MATRIX`].
    pub fn cell(&'static self, role: Role) -> Cell {
        let rule = self
            .rules
            .iter()
            .chain(COMMON)
            .find(|rule| rule.roles.contains(&role))
            .or_else(|| (role == Role::ApiClient).then(|| self.client_rule()))
            .unwrap_or_else(|| panic!("{} has no rule for {role:?}", self.operation));
        Cell { entry: self, role, outcome: rule.outcome, reason: rule.reason }
    }

    /// The API client's rule of a row that gives none: the party DIRECTOR's
    /// reads, none of its writes.
    fn client_rule(&'static self) -> &'static Rule {
        let director = self.cell(Role::PartyDirector);
        match (self.kind, director.outcome) {
            (Kind::Mutation, Outcome::Allowed) => &CLIENT_WRITES_NOTHING,
            (_, Outcome::Allowed) => &CLIENT_READS_AS_DIRECTOR,
            _ => self
                .rules
                .iter()
                .find(|rule| rule.roles.contains(&Role::PartyDirector))
                .unwrap_or(&CLIENT_WRITES_NOTHING),
        }
    }

    pub fn cells(&'static self) -> impl Iterator<Item = Cell> {
        Role::ALL.into_iter().map(move |role| self.cell(role))
    }
}

/// Every cell of the matrix, row by row.
pub fn cells() -> impl Iterator<Item = Cell> {
    MATRIX.iter().flat_map(Entry::cells)
}

/// The row of an operation.
pub fn entry(operation: &str) -> Option<&'static Entry> {
    MATRIX.iter().find(|e| e.operation == operation)
}

use Role::*;

/// Everyone of the party (the representative is one of its STAFF).
const PARTY: &[Role] = &[
    Representative,
    PartyDirector,
    PartySupervisor,
    PartyStaff,
    WorksCouncilMember,
    SupervisoryBoardMember,
    TwoPositions,
];
/// A calendar feed is its owner's: seen by them and an admin only.
const FEEDS_ARE_THEIR_OWNERS: &str = "a feed is seen by its owner and an admin only";
const PARTNER: &[Role] = &[PartnerDirector, PartnerSupervisor, PartnerStaff];
/// Everyone who sees the network through an ACTIVE partnership.
const MEMBERS: &[Role] = &[
    Representative,
    PartyDirector,
    PartySupervisor,
    PartyStaff,
    WorksCouncilMember,
    SupervisoryBoardMember,
    TwoPositions,
    PartnerDirector,
    PartnerSupervisor,
    PartnerStaff,
];
/// People of the tenant who do not see the network at all.
const OUTSIDE: &[Role] = &[OtherFacilitator, OutsiderDirector, OutsiderSupervisor, OutsiderStaff];
const OUTSIDERS: &[Role] = &[OutsiderDirector, OutsiderSupervisor, OutsiderStaff];
/// Who reports progress, one update or a report of many.
static PROGRESS_RULES: &[Rule] = &[
    Rule {
        roles: &[Admin],
        outcome: Outcome::Forbidden,
        reason: "only people of a party, or a facilitator, report progress",
    },
    Rule { roles: &[Facilitator], outcome: Outcome::Allowed, reason: "facilitates the network" },
    Rule {
        roles: PARTY,
        outcome: Outcome::Allowed,
        reason: "any current position at a party reports progress (DIRECTOR and SUPERVISOR included)",
    },
    Rule { roles: PARTNER, outcome: Outcome::Forbidden, reason: "sees it, but is not a party to it" },
    Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
    Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
];
/// Everyone of the tenant who is not an admin or the network's facilitator.
const NOT_STEWARDS: &[Role] = &[
    OtherFacilitator,
    Representative,
    PartyDirector,
    PartySupervisor,
    PartyStaff,
    WorksCouncilMember,
    SupervisoryBoardMember,
    TwoPositions,
    PartnerDirector,
    PartnerSupervisor,
    PartnerStaff,
    OutsiderDirector,
    OutsiderSupervisor,
    OutsiderStaff,
];
const SIGNED_IN: &[Role] = &[
    Admin,
    Facilitator,
    OtherFacilitator,
    Representative,
    PartyDirector,
    PartySupervisor,
    PartyStaff,
    WorksCouncilMember,
    SupervisoryBoardMember,
    TwoPositions,
    PartnerDirector,
    PartnerSupervisor,
    PartnerStaff,
    OutsiderDirector,
    OutsiderSupervisor,
    OutsiderStaff,
    OtherTenant,
];
/// Of the party, everyone but its DIRECTOR.
const PARTY_BUT_DIRECTOR: &[Role] =
    &[Representative, PartySupervisor, PartyStaff, WorksCouncilMember, SupervisoryBoardMember, TwoPositions];
/// Of the party, everyone who neither directs it nor sits at the table for it.
const PARTY_BUT_ACTORS: &[Role] =
    &[PartySupervisor, PartyStaff, WorksCouncilMember, SupervisoryBoardMember, TwoPositions];
/// Of the party, everyone but the member of the body concerned.
const PARTY_BUT_BODY: &[Role] =
    &[Representative, PartyDirector, PartySupervisor, PartyStaff, SupervisoryBoardMember, TwoPositions];

const TENANT_WALL: &str = "another tenant: tenants share no rows, so its ids do not exist there";
const NOT_THEIR_NETWORK: &str =
    "not a facilitator of the network and no organisation of theirs is a partner: it does not exist for them";

/// The network is the target or holds it; visibility follows the network.
const SEES_WITH_NETWORK: &[Rule] = &[
    Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "an admin sees the whole tenant" },
    Rule { roles: &[Facilitator], outcome: Outcome::Allowed, reason: "facilitates the network" },
    Rule { roles: MEMBERS, outcome: Outcome::Allowed, reason: "one of their organisations is an ACTIVE partner" },
    Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
    Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
];

/// Tenant administration that creates something new (no target).
const ADMIN_CREATES: &[Rule] = &[
    Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "tenant administration is the admin's" },
    Rule { roles: &[Facilitator], outcome: Outcome::Forbidden, reason: "only a tenant administrator may do this" },
    Rule { roles: NOT_STEWARDS, outcome: Outcome::Forbidden, reason: "only a tenant administrator may do this" },
    Rule {
        roles: &[OtherTenant],
        outcome: Outcome::Allowed,
        reason: "an admin of their own tenant: it is created there and nothing of this tenant changes",
    },
];

/// Tenant administration on the party organisation.
const ADMIN_ON_PARTY: &[Rule] = &[
    Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "tenant administration is the admin's" },
    Rule {
        roles: &[Facilitator],
        outcome: Outcome::Forbidden,
        reason: "sees the organisation (a partner of their network) but may not administer it",
    },
    Rule { roles: PARTY, outcome: Outcome::Forbidden, reason: "sees their own organisation but may not administer it" },
    Rule { roles: PARTNER, outcome: Outcome::Forbidden, reason: "sees a fellow partner but may not administer it" },
    Rule {
        roles: OUTSIDE,
        outcome: Outcome::Hidden,
        reason: "shares no network with the organisation: it does not exist for them",
    },
    Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
];

/// Administration of a STAFF member of the party (their person or position).
const ADMIN_ON_COLLEAGUE: &[Rule] = &[
    Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "tenant administration is the admin's" },
    Rule {
        roles: &[Facilitator],
        outcome: Outcome::Forbidden,
        reason: "sees the people of their network's partners but may not administer them",
    },
    Rule { roles: PARTY, outcome: Outcome::Forbidden, reason: "sees a colleague but may not administer them" },
    Rule {
        roles: PARTNER,
        outcome: Outcome::Hidden,
        reason: "partners see each other's representatives, never each other's staff",
    },
    Rule {
        roles: OUTSIDE,
        outcome: Outcome::Hidden,
        reason: "shares no network with the person's organisation: they do not exist for them",
    },
    Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
];

/// Running a network: its facilitators and admins.
const STEWARDS_RUN_NETWORK: &[Rule] = &[
    Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "admins run every network of the tenant" },
    Rule { roles: &[Facilitator], outcome: Outcome::Allowed, reason: "facilitates the network" },
    Rule {
        roles: MEMBERS,
        outcome: Outcome::Forbidden,
        reason: "sees the network but only its facilitators or an admin run it",
    },
    Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
    Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
];

/// Facilitator work on the network or something in it (admins included out).
/// Who records an organisation's figures: its own people, nobody for it.
static MEASUREMENT_RULES: &[Rule] = &[
    Rule {
        roles: &[Admin, Facilitator],
        outcome: Outcome::Forbidden,
        reason: "only people of the reporting organisation record its figures",
    },
    Rule {
        roles: PARTY,
        outcome: Outcome::Allowed,
        reason: "any current position at the reporting organisation records its figures",
    },
    Rule {
        roles: PARTNER,
        outcome: Outcome::Forbidden,
        reason: "sees the indicator, but reports for its own organisation",
    },
    Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
    Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
];

/// Who says which indicators a commitment moves.
static CONTRIBUTION_RULES: &[Rule] = &[
    Rule {
        roles: &[Admin],
        outcome: Outcome::Forbidden,
        reason: "only people of a party, or a facilitator, link a commitment to indicators",
    },
    Rule { roles: &[Facilitator], outcome: Outcome::Allowed, reason: "facilitates the network" },
    Rule { roles: PARTY, outcome: Outcome::Allowed, reason: "any current position at a party" },
    Rule { roles: PARTNER, outcome: Outcome::Forbidden, reason: "sees it, but is not a party to it" },
    Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
    Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
];

const FACILITATOR_ONLY: &[Rule] = &[
    Rule {
        roles: &[Admin],
        outcome: Outcome::Forbidden,
        reason: "facilitator work: an admin who is not a facilitator of the network may not",
    },
    Rule { roles: &[Facilitator], outcome: Outcome::Allowed, reason: "facilitates the network" },
    Rule { roles: MEMBERS, outcome: Outcome::Forbidden, reason: "sees the network but only its facilitators do this" },
    Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
    Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
];

/// Something only the party's DIRECTOR does; everyone in the network sees the target.
const DIRECTOR_ONLY: &[Rule] = &[
    Rule {
        roles: &[Admin],
        outcome: Outcome::Forbidden,
        reason: "only a DIRECTOR of the party acts for it; admins administer, they do not act for organisations",
    },
    Rule { roles: &[Facilitator], outcome: Outcome::Forbidden, reason: "only a DIRECTOR of the party acts for it" },
    Rule { roles: &[PartyDirector], outcome: Outcome::Allowed, reason: "a DIRECTOR acts for their organisation" },
    Rule {
        roles: PARTY_BUT_DIRECTOR,
        outcome: Outcome::Forbidden,
        reason: "works for the party but is not its DIRECTOR (a directorship elsewhere does not count)",
    },
    Rule { roles: PARTNER, outcome: Outcome::Forbidden, reason: "sees it, but one partner never acts for another" },
    Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
    Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
];

/// The commitment's parties act (a DIRECTOR or representative) and the facilitator.
const PARTY_ACTORS_OR_FACILITATOR: &[Rule] = &[
    Rule {
        roles: &[Admin],
        outcome: Outcome::Forbidden,
        reason: "admins do not act in commitments; a facilitator or a party does",
    },
    Rule { roles: &[Facilitator], outcome: Outcome::Allowed, reason: "facilitates the network" },
    Rule { roles: &[PartyDirector], outcome: Outcome::Allowed, reason: "a DIRECTOR acts for the party" },
    Rule { roles: &[Representative], outcome: Outcome::Allowed, reason: "sits at the network's table for the party" },
    Rule {
        roles: PARTY_BUT_ACTORS,
        outcome: Outcome::Forbidden,
        reason: "works for the party but neither directs it nor represents it in the network",
    },
    Rule { roles: PARTNER, outcome: Outcome::Forbidden, reason: "sees it, but is not a party to it" },
    Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
    Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
];

/// Only a member of the body records (or reopens) its outcome.
const BODY_ONLY: &[Rule] = &[
    Rule {
        roles: &[Admin],
        outcome: Outcome::Forbidden,
        reason: "a body speaks for itself: only its members record its outcome",
    },
    Rule {
        roles: &[Facilitator],
        outcome: Outcome::Forbidden,
        reason: "a body speaks for itself: only its members record its outcome",
    },
    Rule { roles: &[WorksCouncilMember], outcome: Outcome::Allowed, reason: "sits on the body" },
    Rule {
        roles: PARTY_BUT_BODY,
        outcome: Outcome::Forbidden,
        reason: "works for the party (or sits on another of its bodies) but not on this body",
    },
    Rule {
        roles: PARTNER,
        outcome: Outcome::Forbidden,
        reason: "other partners see the ratification's status, never record it",
    },
    Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
    Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
];

/// Of the party, everyone but the member of its supervisory board.
const PARTY_BUT_SUPERVISORY_BOARD: &[Role] =
    &[Representative, PartyDirector, PartySupervisor, PartyStaff, WorksCouncilMember, TwoPositions];

/// Only a member of the supervisory board records its approval.
const SUPERVISORY_BOARD_ONLY: &[Rule] = &[
    Rule {
        roles: &[Admin],
        outcome: Outcome::Forbidden,
        reason: "a body speaks for itself: only its members record its outcome",
    },
    Rule {
        roles: &[Facilitator],
        outcome: Outcome::Forbidden,
        reason: "a body speaks for itself: only its members record its outcome",
    },
    Rule { roles: &[SupervisoryBoardMember], outcome: Outcome::Allowed, reason: "sits on the body" },
    Rule {
        roles: PARTY_BUT_SUPERVISORY_BOARD,
        outcome: Outcome::Forbidden,
        reason: "works for the party (or sits on another of its bodies) but not on this body",
    },
    Rule {
        roles: PARTNER,
        outcome: Outcome::Forbidden,
        reason: "other partners see the ratification's status, never record it",
    },
    Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
    Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
];

/// A partnership of the party in the network, acted on by its DIRECTOR or a facilitator.
const DIRECTOR_OR_FACILITATOR_ON_PARTNERSHIP: &[Rule] = &[
    Rule {
        roles: &[Admin],
        outcome: Outcome::Forbidden,
        reason: "only a DIRECTOR of the partner or a facilitator of the network may",
    },
    Rule { roles: &[Facilitator], outcome: Outcome::Allowed, reason: "facilitates the network" },
    Rule { roles: &[PartyDirector], outcome: Outcome::Allowed, reason: "a DIRECTOR acts for the partner" },
    Rule {
        roles: PARTY_BUT_DIRECTOR,
        outcome: Outcome::Forbidden,
        reason: "works for the partner (or sits at its table) but is not its DIRECTOR",
    },
    Rule {
        roles: PARTNER,
        outcome: Outcome::Forbidden,
        reason: "sees the partnership; one partner never acts for another",
    },
    Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
    Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
];

/// The whole matrix, one row per operation.
pub static MATRIX: &[Entry] = &[
    // ---- reads ----
    Entry {
        area: Area::Reads,
        kind: Kind::Query,
        operation: "viewer",
        target: "the signed-in person or API client",
        rules: &[Rule {
            roles: SIGNED_IN,
            outcome: Outcome::Allowed,
            reason: "every signed-in person sees themself and their standing",
        }],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Viewer.pendingDecisions",
        target: "the works council's pending advice on a commitment of the party",
        rules: &[
            Rule { roles: &[WorksCouncilMember], outcome: Outcome::Allowed, reason: "sits on the body" },
            Rule {
                roles: &[
                    Admin,
                    Facilitator,
                    OtherFacilitator,
                    Representative,
                    PartyDirector,
                    PartySupervisor,
                    PartyStaff,
                    SupervisoryBoardMember,
                    TwoPositions,
                    PartnerDirector,
                    PartnerSupervisor,
                    PartnerStaff,
                    OutsiderDirector,
                    OutsiderSupervisor,
                    OutsiderStaff,
                    OtherTenant,
                ],
                outcome: Outcome::Hidden,
                reason: "lists only what the bodies the viewer sits on must decide: the item is absent",
            },
        ],
    },
    Entry { area: Area::Reads, kind: Kind::Query, operation: "node", target: "the network", rules: SEES_WITH_NETWORK },
    Entry { area: Area::Reads, kind: Kind::Query, operation: "nodes", target: "the network", rules: SEES_WITH_NETWORK },
    Entry {
        area: Area::Reads,
        kind: Kind::Query,
        operation: "network",
        target: "the network",
        rules: SEES_WITH_NETWORK,
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Query,
        operation: "networks",
        target: "the network (in the list)",
        rules: SEES_WITH_NETWORK,
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Query,
        operation: "organisations",
        target: "the party (in the list)",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "an admin sees the whole tenant" },
            Rule { roles: &[Facilitator], outcome: Outcome::Allowed, reason: "a partner of a network they facilitate" },
            Rule { roles: PARTY, outcome: Outcome::Allowed, reason: "their own organisation" },
            Rule { roles: PARTNER, outcome: Outcome::Allowed, reason: "shares a network with theirs" },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: "shares no network with theirs: absent" },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Query,
        operation: "people",
        target: "a STAFF member of the party (in the list)",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "an admin sees the whole tenant" },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Allowed,
                reason: "sees the people of their networks' partners",
            },
            Rule { roles: PARTY, outcome: Outcome::Allowed, reason: "a colleague" },
            Rule {
                roles: PARTNER,
                outcome: Outcome::Hidden,
                reason: "partners see each other's representatives, never each other's staff: absent",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: "shares no network with the person: absent" },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Person.email",
        target: "the party's representative",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "admins see e-mail addresses" },
            Rule { roles: &[Facilitator], outcome: Outcome::Allowed, reason: "facilitators see e-mail addresses" },
            Rule {
                roles: PARTY,
                outcome: Outcome::Allowed,
                reason: "works for the same organisation (the representative: their own address)",
            },
            Rule {
                roles: PARTNER,
                outcome: Outcome::Hidden,
                reason: "sees the representative of a fellow partner, but the address is null",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: "the person does not exist for them" },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Person.subject",
        target: "the party's representative",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "admins manage sign-in subjects" },
            Rule { roles: &[Representative], outcome: Outcome::Allowed, reason: "their own subject" },
            Rule {
                roles: &[
                    Facilitator,
                    PartyDirector,
                    PartySupervisor,
                    PartyStaff,
                    WorksCouncilMember,
                    SupervisoryBoardMember,
                    TwoPositions,
                    PartnerDirector,
                    PartnerSupervisor,
                    PartnerStaff,
                ],
                outcome: Outcome::Hidden,
                reason: "sees the person, but the subject is for admins and the person only: null",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: "the person does not exist for them" },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Organisation.positions",
        target: "the party's positions",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "an admin sees the whole tenant" },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Allowed,
                reason: "sees the staff of their networks' partners",
            },
            Rule { roles: PARTY, outcome: Outcome::Allowed, reason: "their own organisation" },
            Rule {
                roles: PARTNER,
                outcome: Outcome::Hidden,
                reason: "sees the organisation, never its staff: the list is empty",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: "the organisation does not exist for them" },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Organisation.pendingRatifications",
        target: "the party's board portal, all bodies",
        rules: &[
            Rule {
                roles: &[Admin],
                outcome: Outcome::Allowed,
                reason: "an admin sees the whole tenant, board portals too",
            },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Forbidden,
                reason: "sees the organisation, not its board portal",
            },
            Rule { roles: &[PartyDirector], outcome: Outcome::Allowed, reason: "a DIRECTOR of the organisation" },
            Rule {
                roles: &[Representative, PartySupervisor, PartyStaff, SupervisoryBoardMember, TwoPositions],
                outcome: Outcome::Forbidden,
                reason: "neither a DIRECTOR of the organisation nor a member of every body asked for",
            },
            Rule {
                roles: &[WorksCouncilMember],
                outcome: Outcome::Forbidden,
                reason: "sits on one body, not on every body asked for",
            },
            Rule { roles: PARTNER, outcome: Outcome::Forbidden, reason: "sees a fellow partner, not its board portal" },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: "the organisation does not exist for them" },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Organisation.pendingRatifications(body:)",
        target: "the party's board portal, for the works council",
        rules: &[
            Rule {
                roles: &[Admin],
                outcome: Outcome::Allowed,
                reason: "an admin sees the whole tenant, board portals too",
            },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Forbidden,
                reason: "sees the organisation, not its board portal",
            },
            Rule { roles: &[PartyDirector], outcome: Outcome::Allowed, reason: "a DIRECTOR of the organisation" },
            Rule { roles: &[WorksCouncilMember], outcome: Outcome::Allowed, reason: "sits on the body" },
            Rule {
                roles: &[Representative, PartySupervisor, PartyStaff, SupervisoryBoardMember, TwoPositions],
                outcome: Outcome::Forbidden,
                reason: "neither a DIRECTOR of the organisation nor a member of the body",
            },
            Rule { roles: PARTNER, outcome: Outcome::Forbidden, reason: "sees a fellow partner, not its board portal" },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: "the organisation does not exist for them" },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "GoverningBody.agendaItems",
        target: "the agenda of the party's works council (what awaits it, for its board portal)",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "an admin sees the whole tenant, agendas too" },
            Rule { roles: &[PartyDirector], outcome: Outcome::Allowed, reason: "a DIRECTOR of the organisation" },
            Rule { roles: &[WorksCouncilMember], outcome: Outcome::Allowed, reason: "sits on the body" },
            Rule { roles: &[Facilitator], outcome: Outcome::Hidden, reason: "sees the body, not its agenda: null" },
            Rule {
                roles: &[Representative, PartySupervisor, PartyStaff, SupervisoryBoardMember, TwoPositions],
                outcome: Outcome::Hidden,
                reason: "neither a DIRECTOR of the organisation nor a member of the body: null",
            },
            Rule {
                roles: PARTNER,
                outcome: Outcome::Hidden,
                reason: "sees a fellow partner's body, not its agenda: null",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: "the body does not exist for them" },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "GoverningBody.members",
        target: "the member of the party's works council (a STAFF member)",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "an admin sees the whole tenant" },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Allowed,
                reason: "sees the people of their networks' partners",
            },
            Rule { roles: PARTY, outcome: Outcome::Allowed, reason: "a colleague" },
            Rule {
                roles: PARTNER,
                outcome: Outcome::Hidden,
                reason: "sees a fellow partner's bodies, but members who are not representatives are left out",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: "the body does not exist for them" },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Partnership.representatives",
        target: "the party's representative in the network",
        rules: SEES_WITH_NETWORK,
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Network.partners",
        target: "the party's partnership in the network",
        rules: SEES_WITH_NETWORK,
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Network.commitments",
        target: "a commitment of the party in the network",
        rules: SEES_WITH_NETWORK,
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Network.timeline",
        target: "the `commitment.proposed` event of a commitment of the party",
        rules: SEES_WITH_NETWORK,
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Network.timeline(consultation)",
        target: "the `ratification.consultation_input_added` event of the party's consultation",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "an admin sees the whole timeline" },
            Rule { roles: &[Facilitator], outcome: Outcome::Allowed, reason: "facilitates the network" },
            Rule { roles: PARTY, outcome: Outcome::Allowed, reason: "their own organisation's consultation" },
            Rule {
                roles: PARTNER,
                outcome: Outcome::Hidden,
                reason: "consultation is internal to the party: even the event is absent",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Network.health",
        target: "the network's health",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "admins see the whole network's health" },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Allowed,
                reason: "facilitators see the whole network's health",
            },
            Rule {
                roles: &[PartyDirector, PartnerDirector],
                outcome: Outcome::Allowed,
                reason: "a DIRECTOR of an ACTIVE partner sees what concerns their own organisation",
            },
            Rule {
                roles: &[
                    Representative,
                    PartySupervisor,
                    PartyStaff,
                    WorksCouncilMember,
                    SupervisoryBoardMember,
                    TwoPositions,
                    PartnerSupervisor,
                    PartnerStaff,
                ],
                outcome: Outcome::Hidden,
                reason: "sees the network, but health is for its facilitators, admins and partners' DIRECTORs: null",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Commitment.ratifications",
        target: "the works council's ratification of a commitment of the party",
        rules: SEES_WITH_NETWORK,
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "CommitmentParty.consultation",
        target: "the party's consultation on a commitment (counts by stance)",
        rules: &[
            Rule {
                roles: &[Admin, Facilitator],
                outcome: Outcome::Allowed,
                reason: "admins and facilitators see counts by stance",
            },
            Rule { roles: PARTY, outcome: Outcome::Allowed, reason: "their own organisation's consultation" },
            Rule {
                roles: PARTNER,
                outcome: Outcome::Hidden,
                reason: "other partners see only the ratification status: null",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Commitment.dossier",
        target: "the party's decision dossier on a commitment (its advice, consultation counts, conditions)",
        rules: &[
            Rule {
                roles: &[Admin, Facilitator],
                outcome: Outcome::Allowed,
                reason: "admins and facilitators prepare dossiers; consultation shows as counts",
            },
            Rule { roles: PARTY, outcome: Outcome::Allowed, reason: "the document their own bodies decide on" },
            Rule {
                roles: PARTNER,
                outcome: Outcome::Hidden,
                reason: "another party's advice is internal to it: null (their own dossier shows its standing)",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "Consultation.inputs",
        target: "the texts of the party's consultation inputs",
        rules: &[
            Rule {
                roles: &[Admin, Facilitator],
                outcome: Outcome::Hidden,
                reason: "admins and facilitators see counts by stance; the texts stay inside the organisation",
            },
            Rule { roles: PARTY, outcome: Outcome::Allowed, reason: "their own organisation's consultation" },
            Rule {
                roles: PARTNER,
                outcome: Outcome::Hidden,
                reason: "other partners see only the ratification status",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "AlignmentRound.results",
        target: "an open round of the network",
        rules: &[
            Rule {
                roles: &[Admin, Facilitator],
                outcome: Outcome::Allowed,
                reason: "while the round runs: response counts per partner, never scores",
            },
            Rule {
                roles: MEMBERS,
                outcome: Outcome::Hidden,
                reason: "results are shown only after the round closes: null",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "AlignmentRound.invitees",
        target: "who was invited to an open round of the network",
        rules: &[
            Rule {
                roles: &[Admin, Facilitator],
                outcome: Outcome::Allowed,
                reason: "they run the round and remind people: each invitee with the partner they answer for",
            },
            Rule {
                roles: MEMBERS,
                outcome: Outcome::Hidden,
                reason: "partners see how many were asked, not who: null",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Reads,
        kind: Kind::Field,
        operation: "AlignmentResults.partners",
        target: "per-partner figures of a closed round with fewer than 3 respondents per partner",
        rules: &[
            Rule {
                roles: &[Admin, Facilitator],
                outcome: Outcome::Hidden,
                reason: "the same rule binds admins and facilitators: one respondent's figures are their answers",
            },
            Rule {
                roles: MEMBERS,
                outcome: Outcome::Hidden,
                reason: "per partner only when every partner has 3 respondents, so nothing is derived by subtraction",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    // ---- people and organisations ----
    Entry {
        area: Area::PeopleAndOrganisations,
        kind: Kind::Mutation,
        operation: "createOrganisation",
        target: "a new organisation",
        rules: ADMIN_CREATES,
    },
    Entry {
        area: Area::PeopleAndOrganisations,
        kind: Kind::Mutation,
        operation: "updateOrganisation",
        target: "the party",
        rules: ADMIN_ON_PARTY,
    },
    Entry {
        area: Area::PeopleAndOrganisations,
        kind: Kind::Mutation,
        operation: "setGoverningBodies",
        target: "the party",
        rules: ADMIN_ON_PARTY,
    },
    Entry {
        area: Area::PeopleAndOrganisations,
        kind: Kind::Mutation,
        operation: "createPerson",
        target: "a new person",
        rules: ADMIN_CREATES,
    },
    Entry {
        area: Area::PeopleAndOrganisations,
        kind: Kind::Mutation,
        operation: "assignPosition",
        target: "a STAFF member of the party, at the party",
        rules: ADMIN_ON_COLLEAGUE,
    },
    Entry {
        area: Area::PeopleAndOrganisations,
        kind: Kind::Mutation,
        operation: "endPosition",
        target: "the position of a STAFF member of the party",
        rules: ADMIN_ON_COLLEAGUE,
    },
    Entry {
        area: Area::PeopleAndOrganisations,
        kind: Kind::Mutation,
        operation: "anonymizePerson",
        target: "a STAFF member of the party",
        rules: ADMIN_ON_COLLEAGUE,
    },
    Entry {
        area: Area::PeopleAndOrganisations,
        kind: Kind::Mutation,
        operation: "exportPersonData",
        target: "the party's STAFF member of the STF column (their own data)",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "admins answer data-subject requests" },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Forbidden,
                reason: "sees the person but only an admin or the person themself exports their data",
            },
            Rule { roles: &[PartyStaff], outcome: Outcome::Allowed, reason: "their own data" },
            Rule {
                roles: &[
                    Representative,
                    PartyDirector,
                    PartySupervisor,
                    WorksCouncilMember,
                    SupervisoryBoardMember,
                    TwoPositions,
                ],
                outcome: Outcome::Forbidden,
                reason: "sees a colleague but only an admin or the person themself exports their data",
            },
            Rule {
                roles: PARTNER,
                outcome: Outcome::Hidden,
                reason: "partners see each other's representatives, never each other's staff",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: "the person does not exist for them" },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::PeopleAndOrganisations,
        kind: Kind::Mutation,
        operation: "setLanguage",
        target: "the party's STAFF member of the STF column (their own language)",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "admins set anyone's language" },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Forbidden,
                reason: "sees the person but only an admin or the person themself chooses their language",
            },
            Rule { roles: &[PartyStaff], outcome: Outcome::Allowed, reason: "their own language" },
            Rule {
                roles: &[
                    Representative,
                    PartyDirector,
                    PartySupervisor,
                    WorksCouncilMember,
                    SupervisoryBoardMember,
                    TwoPositions,
                ],
                outcome: Outcome::Forbidden,
                reason: "sees a colleague but only an admin or the person themself chooses their language",
            },
            Rule {
                roles: PARTNER,
                outcome: Outcome::Hidden,
                reason: "partners see each other's representatives, never each other's staff",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: "the person does not exist for them" },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::PeopleAndOrganisations,
        kind: Kind::Mutation,
        operation: "setTenantLanguage",
        target: "the tenant's language",
        rules: &[
            Rule {
                roles: &[Admin],
                outcome: Outcome::Allowed,
                reason: "the tenant's language is tenant administration",
            },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Forbidden,
                reason: "only a tenant administrator may do this",
            },
            Rule {
                roles: NOT_STEWARDS,
                outcome: Outcome::Forbidden,
                reason: "only a tenant administrator may do this",
            },
            Rule {
                roles: &[ApiClient],
                outcome: Outcome::Forbidden,
                reason: "only a tenant administrator may do this",
            },
            Rule {
                roles: &[OtherTenant],
                outcome: Outcome::Allowed,
                reason: "an admin of their own tenant: it sets their tenant's language, nothing of this tenant",
            },
        ],
    },
    // ---- networks ----
    Entry {
        area: Area::Networks,
        kind: Kind::Mutation,
        operation: "createNetwork",
        target: "a new network",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "admins create networks" },
            Rule {
                roles: &[Facilitator, OtherFacilitator],
                outcome: Outcome::Allowed,
                reason: "a FACILITATOR creates a network and facilitates it",
            },
            Rule {
                roles: MEMBERS,
                outcome: Outcome::Forbidden,
                reason: "only an admin or a facilitator creates networks",
            },
            Rule {
                roles: OUTSIDERS,
                outcome: Outcome::Forbidden,
                reason: "only an admin or a facilitator creates networks",
            },
            Rule {
                roles: &[OtherTenant],
                outcome: Outcome::Allowed,
                reason: "an admin of their own tenant: it is created there and nothing of this tenant changes",
            },
        ],
    },
    Entry {
        area: Area::Networks,
        kind: Kind::Mutation,
        operation: "updateNetwork",
        target: "the network",
        rules: STEWARDS_RUN_NETWORK,
    },
    Entry {
        area: Area::Networks,
        kind: Kind::Mutation,
        operation: "setNetworkSettings",
        target: "the network",
        rules: STEWARDS_RUN_NETWORK,
    },
    Entry {
        area: Area::Networks,
        kind: Kind::Mutation,
        operation: "assignFacilitator",
        target: "the network and a FACILITATOR of another network",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "admins appoint facilitators" },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Hidden,
                reason: "sees the network but not the person (facilitators without a position are seen by admins only)",
            },
            Rule {
                roles: &[TwoPositions],
                outcome: Outcome::Forbidden,
                reason: "sees the person, who facilitates a network their other organisation is a partner of, but only an admin appoints facilitators",
            },
            Rule {
                roles: &[
                    Representative,
                    PartyDirector,
                    PartySupervisor,
                    PartyStaff,
                    WorksCouncilMember,
                    SupervisoryBoardMember,
                    PartnerDirector,
                    PartnerSupervisor,
                    PartnerStaff,
                ],
                outcome: Outcome::Hidden,
                reason: "sees the network but not the person: NOT_FOUND comes before rights",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Networks,
        kind: Kind::Mutation,
        operation: "adoptCharter",
        target: "the network",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Networks,
        kind: Kind::Mutation,
        operation: "invitePartner",
        target: "the network and a non-partner organisation",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Networks,
        kind: Kind::Mutation,
        operation: "acceptPartnership",
        target: "the party's invitation to a network where the other partner is ACTIVE",
        rules: &[
            Rule {
                roles: &[Admin],
                outcome: Outcome::Forbidden,
                reason: "only a DIRECTOR of the invited organisation accepts",
            },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Forbidden,
                reason: "only a DIRECTOR of the invited organisation accepts",
            },
            Rule {
                roles: &[PartyDirector],
                outcome: Outcome::Allowed,
                reason: "a DIRECTOR of the invited organisation",
            },
            Rule {
                roles: PARTY_BUT_DIRECTOR,
                outcome: Outcome::Forbidden,
                reason: "sees their organisation's invitation but is not its DIRECTOR",
            },
            Rule {
                roles: PARTNER,
                outcome: Outcome::Forbidden,
                reason: "sees the invitation in their network; one partner never acts for another",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Networks,
        kind: Kind::Mutation,
        operation: "removePartner",
        target: "the party's partnership in the network",
        rules: DIRECTOR_OR_FACILITATOR_ON_PARTNERSHIP,
    },
    Entry {
        area: Area::Networks,
        kind: Kind::Mutation,
        operation: "setRepresentatives",
        target: "the party's partnership in the network",
        rules: DIRECTOR_OR_FACILITATOR_ON_PARTNERSHIP,
    },
    Entry {
        area: Area::Networks,
        kind: Kind::Mutation,
        operation: "acknowledgeCharter",
        target: "the party's partnership in the network",
        rules: &[
            Rule {
                roles: &[Admin],
                outcome: Outcome::Forbidden,
                reason: "only a DIRECTOR (for the partner) or a representative (personally) acknowledges",
            },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Forbidden,
                reason: "only a DIRECTOR (for the partner) or a representative (personally) acknowledges",
            },
            Rule { roles: &[PartyDirector], outcome: Outcome::Allowed, reason: "acknowledges for the partner" },
            Rule { roles: &[Representative], outcome: Outcome::Allowed, reason: "acknowledges personally" },
            Rule {
                roles: PARTY_BUT_ACTORS,
                outcome: Outcome::Forbidden,
                reason: "works for the partner but neither directs it nor sits at its table",
            },
            Rule { roles: PARTNER, outcome: Outcome::Forbidden, reason: "one partner never acts for another" },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Networks,
        kind: Kind::Mutation,
        operation: "recordExpectation",
        target: "the party's partnership in the network",
        rules: PARTY_ACTORS_OR_FACILITATOR,
    },
    Entry {
        area: Area::Networks,
        kind: Kind::Mutation,
        operation: "setMandate",
        target: "the party",
        rules: DIRECTOR_ONLY,
    },
    // ---- work ----
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "createGoal",
        target: "the network",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "updateGoal",
        target: "a goal of the network",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "recordMeeting",
        target: "the network",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "planMeeting",
        target: "the network",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "changeMeetingPlan",
        target: "a planned meeting of the network",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "cancelMeeting",
        target: "a planned meeting of the network",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "recordMeetingHeld",
        target: "a meeting of the network planned for today",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "proposeCommitment",
        target: "an ORGANISATION commitment with the party as its one party",
        rules: PARTY_ACTORS_OR_FACILITATOR,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "agreeCommitment",
        target: "the party's agreement to a PROPOSED commitment, given in a meeting its representative attended",
        rules: PARTY_ACTORS_OR_FACILITATOR,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "updateCommitment",
        target: "a PROPOSED commitment of the party",
        rules: PARTY_ACTORS_OR_FACILITATOR,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "replanCommitment",
        target: "a PROPOSED commitment of the party",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "addProgressUpdate",
        target: "an AGREED commitment of the party",
        rules: PROGRESS_RULES,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "addProgressUpdates",
        target: "an AGREED commitment of the party, in a report of one",
        rules: PROGRESS_RULES,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "dropCommitment",
        target: "a PROPOSED commitment of the party",
        rules: FACILITATOR_ONLY,
    },
    // ---- indicators and cycles ----
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "createIndicator",
        target: "a goal of the network, the party reporting",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "changeIndicator",
        target: "an indicator of the network",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "recordMeasurement",
        target: "an indicator the party reports on, for the party",
        rules: MEASUREMENT_RULES,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "recordMeasurements",
        target: "an indicator the party reports on, for the party, in a report of one",
        rules: MEASUREMENT_RULES,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "setCommitmentIndicators",
        target: "an AGREED commitment of the party and an indicator of the network",
        rules: CONTRIBUTION_RULES,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "createCycle",
        target: "the network, for a year it has no cycle for",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "changeCycleCommitments",
        target: "an open cycle of the network and an AGREED commitment",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Work,
        kind: Kind::Mutation,
        operation: "closeCycle",
        target: "an open cycle of the network whose year has begun",
        rules: FACILITATOR_ONLY,
    },
    // ---- ratification ----
    Entry {
        area: Area::Ratification,
        kind: Kind::Mutation,
        operation: "startConsultation",
        target: "the party's consultation on a PROPOSED commitment",
        rules: DIRECTOR_ONLY,
    },
    Entry {
        area: Area::Ratification,
        kind: Kind::Mutation,
        operation: "addConsultationInput",
        target: "the party's running consultation",
        rules: &[
            Rule {
                roles: &[Admin],
                outcome: Outcome::Forbidden,
                reason: "only people of the party give input to its consultation",
            },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Forbidden,
                reason: "only people of the party give input to its consultation",
            },
            Rule {
                roles: PARTY,
                outcome: Outcome::Allowed,
                reason: "any current position at the party gives input (DIRECTOR included)",
            },
            Rule { roles: PARTNER, outcome: Outcome::Forbidden, reason: "another partner's consultation" },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Ratification,
        kind: Kind::Mutation,
        operation: "recordRatificationOutcome",
        target: "the works council's advice while the party consults",
        rules: BODY_ONLY,
    },
    Entry {
        area: Area::Ratification,
        kind: Kind::Mutation,
        operation: "recordRatificationOutcome(approving body)",
        target: "the supervisory board's approval of an AGREED commitment of the party",
        rules: SUPERVISORY_BOARD_ONLY,
    },
    Entry {
        area: Area::Ratification,
        kind: Kind::Mutation,
        operation: "reopenRatification",
        target: "the works council's recorded advice",
        rules: BODY_ONLY,
    },
    Entry {
        area: Area::Ratification,
        kind: Kind::Mutation,
        operation: "markConditionMet",
        target: "an OPEN condition of the works council's advice",
        rules: DIRECTOR_ONLY,
    },
    // ---- alignment ----
    Entry {
        area: Area::Alignment,
        kind: Kind::Mutation,
        operation: "openAlignmentRound",
        target: "the network (without an open round)",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Alignment,
        kind: Kind::Mutation,
        operation: "submitAlignmentResponse",
        target: "an open round of the network, with the default invitees",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Forbidden, reason: "only people invited to the round answer it" },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Forbidden,
                reason: "only people invited to the round answer it; facilitators are not",
            },
            Rule {
                roles: MEMBERS,
                outcome: Outcome::Allowed,
                reason: "invited: a current position at an ACTIVE partner when the round opened",
            },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: NOT_THEIR_NETWORK },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Alignment,
        kind: Kind::Mutation,
        operation: "closeAlignmentRound",
        target: "an open round of the network",
        rules: FACILITATOR_ONLY,
    },
    Entry {
        area: Area::Integration,
        kind: Kind::Field,
        operation: "Organisation.apiClients",
        target: "an API client of the party",
        rules: PARTY_INTEGRATION,
    },
    Entry {
        area: Area::Integration,
        kind: Kind::Field,
        operation: "Organisation.webhooks",
        target: "a webhook of the party",
        rules: PARTY_INTEGRATION,
    },
    Entry {
        area: Area::Integration,
        kind: Kind::Mutation,
        operation: "createApiClient",
        target: "the party",
        rules: &[
            Rule {
                roles: &[Admin],
                outcome: Outcome::Allowed,
                reason: "an admin manages every organisation's clients",
            },
            Rule {
                roles: &[PartyDirector],
                outcome: Outcome::Allowed,
                reason: "a DIRECTOR makes their organisation's clients",
            },
            Rule { roles: &[ApiClient], outcome: Outcome::Forbidden, reason: "a client does not make clients" },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Forbidden,
                reason: "sees the organisation but does not act for it",
            },
            Rule {
                roles: PARTY_BUT_DIRECTOR,
                outcome: Outcome::Forbidden,
                reason: "works for the party but is not its DIRECTOR",
            },
            Rule { roles: PARTNER, outcome: Outcome::Forbidden, reason: "sees a fellow partner but never acts for it" },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: "shares no network with the organisation" },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Integration,
        kind: Kind::Mutation,
        operation: "revokeApiClient",
        target: "an API client of the party",
        rules: &[
            Rule {
                roles: &[Admin],
                outcome: Outcome::Allowed,
                reason: "an admin manages every organisation's clients",
            },
            Rule {
                roles: &[PartyDirector],
                outcome: Outcome::Allowed,
                reason: "a DIRECTOR manages their organisation's clients",
            },
            Rule {
                roles: &[ApiClient],
                outcome: Outcome::Forbidden,
                reason: "sees its organisation's clients, revokes none",
            },
            Rule { roles: &[Facilitator], outcome: Outcome::Hidden, reason: CLIENTS_ARE_THE_PARTYS },
            Rule { roles: PARTY_BUT_DIRECTOR, outcome: Outcome::Hidden, reason: CLIENTS_ARE_THE_PARTYS },
            Rule { roles: PARTNER, outcome: Outcome::Hidden, reason: CLIENTS_ARE_THE_PARTYS },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: CLIENTS_ARE_THE_PARTYS },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Integration,
        kind: Kind::Mutation,
        operation: "createCalendarFeed",
        target: "a calendar feed of one's own",
        rules: &[
            Rule { roles: &[Admin, Facilitator], outcome: Outcome::Allowed, reason: "every person has a calendar" },
            Rule { roles: NOT_STEWARDS, outcome: Outcome::Allowed, reason: "every person has a calendar" },
            Rule {
                roles: &[ApiClient],
                outcome: Outcome::Forbidden,
                reason: "a client is no person and has no calendar",
            },
            Rule {
                roles: &[OtherTenant],
                outcome: Outcome::Allowed,
                reason: "a feed of their own tenant, which shows nothing of this one",
            },
        ],
    },
    Entry {
        area: Area::Integration,
        kind: Kind::Mutation,
        operation: "setMailPreferences",
        target: "one's own mail preferences",
        rules: &[
            Rule { roles: &[Admin, Facilitator], outcome: Outcome::Allowed, reason: "every person chooses their mail" },
            Rule { roles: NOT_STEWARDS, outcome: Outcome::Allowed, reason: "every person chooses their mail" },
            Rule { roles: &[ApiClient], outcome: Outcome::Forbidden, reason: "a client is no person and gets no mail" },
            Rule { roles: &[OtherTenant], outcome: Outcome::Allowed, reason: "their own, in their own tenant" },
        ],
    },
    Entry {
        area: Area::Integration,
        kind: Kind::Mutation,
        operation: "revokeCalendarFeed",
        target: "a calendar feed of the party's staff member",
        rules: &[
            Rule {
                roles: &[Admin],
                outcome: Outcome::Allowed,
                reason: "an admin revokes anyone's feed (someone who left, a URL that leaked)",
            },
            Rule { roles: &[PartyStaff], outcome: Outcome::Allowed, reason: "the feed's owner" },
            Rule { roles: &[Facilitator], outcome: Outcome::Hidden, reason: FEEDS_ARE_THEIR_OWNERS },
            Rule {
                roles: &[
                    OtherFacilitator,
                    Representative,
                    PartyDirector,
                    PartySupervisor,
                    WorksCouncilMember,
                    SupervisoryBoardMember,
                    TwoPositions,
                ],
                outcome: Outcome::Hidden,
                reason: FEEDS_ARE_THEIR_OWNERS,
            },
            Rule { roles: PARTNER, outcome: Outcome::Hidden, reason: FEEDS_ARE_THEIR_OWNERS },
            Rule { roles: OUTSIDERS, outcome: Outcome::Hidden, reason: FEEDS_ARE_THEIR_OWNERS },
            Rule { roles: &[ApiClient], outcome: Outcome::Hidden, reason: FEEDS_ARE_THEIR_OWNERS },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Integration,
        kind: Kind::Mutation,
        operation: "addIdentityProvider",
        target: "a new identity provider of the tenant",
        rules: &[
            Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "who may sign in is tenant administration" },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Forbidden,
                reason: "only a tenant administrator may do this",
            },
            Rule {
                roles: NOT_STEWARDS,
                outcome: Outcome::Forbidden,
                reason: "only a tenant administrator may do this",
            },
            Rule {
                roles: &[ApiClient],
                outcome: Outcome::Forbidden,
                reason: "only a tenant administrator may do this",
            },
            Rule {
                roles: &[OtherTenant],
                outcome: Outcome::Allowed,
                reason: "an admin of their own tenant: it is registered there and binds nothing of this tenant",
            },
        ],
    },
    Entry {
        area: Area::Integration,
        kind: Kind::Mutation,
        operation: "createWebhook",
        target: "the party",
        rules: &[
            Rule {
                roles: &[Admin],
                outcome: Outcome::Allowed,
                reason: "an admin manages every organisation's webhooks",
            },
            Rule {
                roles: &[PartyDirector],
                outcome: Outcome::Allowed,
                reason: "a DIRECTOR manages their organisation's webhooks",
            },
            Rule {
                roles: &[ApiClient],
                outcome: Outcome::Allowed,
                reason: "an API client's one write: its organisation's webhooks",
            },
            Rule {
                roles: &[Facilitator],
                outcome: Outcome::Forbidden,
                reason: "sees the organisation; a facilitator makes webhooks for the network only",
            },
            Rule {
                roles: PARTY_BUT_DIRECTOR,
                outcome: Outcome::Forbidden,
                reason: "works for the party but is not its DIRECTOR",
            },
            Rule { roles: PARTNER, outcome: Outcome::Forbidden, reason: "sees a fellow partner but never acts for it" },
            Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: "shares no network with the organisation" },
            Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
        ],
    },
    Entry {
        area: Area::Integration,
        kind: Kind::Mutation,
        operation: "updateWebhook",
        target: "a webhook of the party",
        rules: PARTY_INTEGRATION,
    },
    Entry {
        area: Area::Integration,
        kind: Kind::Mutation,
        operation: "redeliverWebhookEvent",
        target: "a webhook of the party, and an event of the network",
        rules: PARTY_INTEGRATION,
    },
];

const CLIENTS_ARE_THE_PARTYS: &str =
    "an organisation's API clients and webhooks are seen by its DIRECTORs, its API clients and admins only";

/// An organisation's API clients and webhooks: seen and managed by those who
/// act for it and by admins; for everyone else they do not exist.
const PARTY_INTEGRATION: &[Rule] = &[
    Rule { roles: &[Admin], outcome: Outcome::Allowed, reason: "an admin manages every organisation's integration" },
    Rule { roles: &[PartyDirector], outcome: Outcome::Allowed, reason: "a DIRECTOR manages their organisation's" },
    Rule {
        roles: &[ApiClient],
        outcome: Outcome::Allowed,
        reason: "an API client sees and manages its organisation's webhooks",
    },
    Rule { roles: &[Facilitator], outcome: Outcome::Hidden, reason: CLIENTS_ARE_THE_PARTYS },
    Rule { roles: PARTY_BUT_DIRECTOR, outcome: Outcome::Hidden, reason: CLIENTS_ARE_THE_PARTYS },
    Rule { roles: PARTNER, outcome: Outcome::Hidden, reason: CLIENTS_ARE_THE_PARTYS },
    Rule { roles: OUTSIDE, outcome: Outcome::Hidden, reason: CLIENTS_ARE_THE_PARTYS },
    Rule { roles: &[OtherTenant], outcome: Outcome::Hidden, reason: TENANT_WALL },
];

fn escape(text: &str) -> String {
    text.replace('|', "\\|")
}

/// `docs/authorization.md`, rendered from [`MATRIX`].
pub fn markdown() -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!-- Generated from tests/api/matrix/table.rs by `markdown()`; do not edit by hand.\n     \
         Regenerate: EENDRACHT_UPDATE_DOCS=1 cargo test --test api matrix::doc -->\n\n\
         # Authorization matrix\n\n\
         Who may read and do what, for every mutation and every query field that exposes\n\
         data. The table is data in `tests/api/matrix/table.rs`; this page is rendered\n\
         from it, and `tests/api/matrix/mod.rs` walks every cell through the real HTTP API on\n\
         SQLite and PostgreSQL, in one fixture world of two tenants.\n\n\
         ## Outcomes\n\n\
         | symbol | outcome | what the client sees |\n|---|---|---|\n\
         | {} | allowed | the mutation runs; the field shows the target |\n\
         | {} | hidden | exactly what a never-existing id gives: null in `node`, `nodes` and single-object fields, \
         absent from lists (or an empty list, a null field), `NOT_FOUND` with the same message from a mutation; \
         never FORBIDDEN |\n\
         | {} | FORBIDDEN | `extensions.code` FORBIDDEN: the viewer may see the target but not do this; \
         nothing is written (no row, no event) |\n\
         | {} | unauthenticated | HTTP 401, before any GraphQL runs |\n\n\
         An allowed mutation may still be refused by a business rule (CONFLICT, BAD_USER_INPUT); the matrix \
         is about who, not when. Use cases look the target up before checking rights, so FORBIDDEN never \
         reveals a hidden object.\n\n\
         ## Columns\n\n\
         Roles are relative to each row's target: *the network* is the network the target belongs to, \
         *the party* the organisation the operation is about or acts for, *the body* the governing body \
         concerned. A person may hold several of these at once; the columns are the people of the test world.\n\n\
         | column | who |\n|---|---|\n",
        Outcome::Allowed.symbol(),
        Outcome::Hidden.symbol(),
        Outcome::Forbidden.symbol(),
        Outcome::Unauthenticated.symbol(),
    );
    for role in Role::ALL {
        let _ = writeln!(out, "| {} | {} |", role.code(), role.description());
    }
    out.push_str(
        "\nThe API-client column follows from the DIRECTOR column unless a row says otherwise: a client \
         reads what a DIRECTOR of its organisation reads and writes no business data; its one write is \
         its organisation's webhooks.\n",
    );
    for area in Area::ALL {
        let rows: Vec<&'static Entry> = MATRIX.iter().filter(|e| e.area == area).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = write!(out, "\n## {}\n\n| operation | target |", area.title());
        for role in Role::ALL {
            let _ = write!(out, " {} |", role.code());
        }
        out.push_str("\n|---|---|");
        for _ in Role::ALL {
            out.push_str(":-:|");
        }
        out.push('\n');
        for entry in &rows {
            let _ = write!(out, "| `{}` | {} |", entry.operation, escape(entry.target));
            for cell in entry.cells() {
                let _ = write!(out, " {} |", cell.outcome.symbol());
            }
            out.push('\n');
        }
        out.push_str("\nWhy:\n\n");
        for entry in &rows {
            let _ = writeln!(out, "- `{}` ({})", entry.operation, entry.target);
            for rule in entry.rules {
                let codes: Vec<&str> = rule.roles.iter().map(|r| r.code()).collect();
                let _ = writeln!(
                    out,
                    "  - {} {}: {} — {}",
                    rule.outcome.symbol(),
                    rule.outcome.name(),
                    codes.join(", "),
                    rule.reason
                );
            }
        }
    }
    out.push_str("\nEvery row, also: ");
    let common: Vec<String> = COMMON
        .iter()
        .map(|rule| {
            let codes: Vec<&str> = rule.roles.iter().map(|r| r.code()).collect();
            format!("{} {} — {}", codes.join(", "), rule.outcome.name(), rule.reason)
        })
        .collect();
    out.push_str(&common.join("; "));
    out.push_str(".\n");
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_row_names_every_role_once() {
        for entry in MATRIX {
            let mut seen = HashSet::new();
            for rule in entry.rules.iter().chain(COMMON) {
                for role in rule.roles {
                    assert!(seen.insert(*role), "{}: {role:?} appears twice", entry.operation);
                }
            }
            // The API client's cell follows from the DIRECTOR's when not given.
            seen.insert(Role::ApiClient);
            for role in Role::ALL {
                assert!(seen.contains(&role), "{}: no rule for {role:?}", entry.operation);
            }
        }
    }

    #[test]
    fn operations_are_unique_and_reasons_are_one_line() {
        let mut names = HashSet::new();
        for entry in MATRIX {
            assert!(names.insert(entry.operation), "{} is listed twice", entry.operation);
            for rule in entry.rules.iter().chain(COMMON) {
                assert!(!rule.reason.contains('\n') && !rule.reason.is_empty(), "{}: reason", entry.operation);
            }
        }
    }

    #[test]
    fn only_the_anonymous_are_unauthenticated() {
        for cell in cells() {
            let unauthenticated = cell.role == Role::Anonymous;
            assert_eq!(cell.outcome == Outcome::Unauthenticated, unauthenticated, "{}", cell.entry.operation);
        }
    }

    #[test]
    fn another_tenant_never_sees_or_changes_anything_of_this_one() {
        // Only creating something new (which happens in their own tenant) and
        // looking at themself are allowed; everything with a target is hidden.
        for cell in cells().filter(|c| c.role == Role::OtherTenant) {
            let untargeted = matches!(
                cell.entry.operation,
                "viewer"
                    | "createOrganisation"
                    | "createPerson"
                    | "createNetwork"
                    | "addIdentityProvider"
                    | "setTenantLanguage"
                    | "createCalendarFeed"
                    | "setMailPreferences"
            );
            let expected = if untargeted { Outcome::Allowed } else { Outcome::Hidden };
            assert_eq!(cell.outcome, expected, "{}", cell.entry.operation);
        }
    }

    #[test]
    fn outsiders_get_hidden_never_forbidden_for_targets_in_the_network() {
        // An organisation outside the network must not learn that its objects
        // exist: for anything with a target, FORBIDDEN would be a leak.
        let untargeted = [
            "viewer",
            "createOrganisation",
            "createPerson",
            "createNetwork",
            "addIdentityProvider",
            "setTenantLanguage",
            "createCalendarFeed",
            "setMailPreferences",
        ];
        for cell in cells().filter(|c| matches!(c.role, Role::OutsiderDirector | Role::OutsiderStaff)) {
            if !untargeted.contains(&cell.entry.operation) {
                assert_eq!(cell.outcome, Outcome::Hidden, "{}", cell.entry.operation);
            }
        }
    }

    #[test]
    fn an_api_client_writes_nothing_but_its_organisations_webhooks() {
        for cell in cells().filter(|c| c.role == Role::ApiClient && c.entry.kind == Kind::Mutation) {
            let webhooks = matches!(cell.entry.operation, "createWebhook" | "updateWebhook" | "redeliverWebhookEvent");
            assert_eq!(cell.outcome == Outcome::Allowed, webhooks, "{}", cell.entry.operation);
        }
    }

    #[test]
    fn a_directorship_elsewhere_gives_no_rights_at_the_party() {
        // The person with two positions is STAFF of the party: wherever a
        // party STAFF member is refused, so are they.
        // (exportPersonData's and setLanguage's target is the STF column's own
        // person; assignFacilitator's is a facilitator of the network the
        // other organisation is a partner of, whom they see: FORBIDDEN, not
        // a right; revokeCalendarFeed's is the STF column's own feed.)
        for entry in MATRIX.iter().filter(|e| {
            !matches!(e.operation, "exportPersonData" | "setLanguage" | "assignFacilitator" | "revokeCalendarFeed")
        }) {
            assert_eq!(
                entry.cell(Role::TwoPositions).outcome,
                entry.cell(Role::PartyStaff).outcome,
                "{}",
                entry.operation
            );
        }
    }

    #[test]
    fn every_mutation_of_the_contract_is_in_the_matrix() {
        let mutations = [
            "createOrganisation",
            "updateOrganisation",
            "setGoverningBodies",
            "createPerson",
            "assignPosition",
            "endPosition",
            "anonymizePerson",
            "exportPersonData",
            "setLanguage",
            "setTenantLanguage",
            "createNetwork",
            "updateNetwork",
            "setNetworkSettings",
            "assignFacilitator",
            "adoptCharter",
            "invitePartner",
            "acceptPartnership",
            "removePartner",
            "setRepresentatives",
            "acknowledgeCharter",
            "recordExpectation",
            "setMandate",
            "createGoal",
            "updateGoal",
            "createIndicator",
            "changeIndicator",
            "recordMeasurement",
            "recordMeasurements",
            "setCommitmentIndicators",
            "createCycle",
            "changeCycleCommitments",
            "closeCycle",
            "recordMeeting",
            "planMeeting",
            "changeMeetingPlan",
            "cancelMeeting",
            "recordMeetingHeld",
            "proposeCommitment",
            "updateCommitment",
            "agreeCommitment",
            "replanCommitment",
            "dropCommitment",
            "addProgressUpdate",
            "addProgressUpdates",
            "startConsultation",
            "addConsultationInput",
            "recordRatificationOutcome",
            "reopenRatification",
            "markConditionMet",
            "openAlignmentRound",
            "submitAlignmentResponse",
            "closeAlignmentRound",
            "createApiClient",
            "revokeApiClient",
            "addIdentityProvider",
            "createWebhook",
            "updateWebhook",
            "redeliverWebhookEvent",
            "createCalendarFeed",
            "revokeCalendarFeed",
            "setMailPreferences",
        ];
        for mutation in mutations {
            let entry = entry(mutation).unwrap_or_else(|| panic!("{mutation} is missing"));
            assert_eq!(entry.kind, Kind::Mutation, "{mutation}");
        }
        // Variants of a mutation for another target are written `name(target)`.
        let rows: HashSet<&str> = MATRIX
            .iter()
            .filter(|e| e.kind == Kind::Mutation)
            .map(|e| e.operation.split('(').next().unwrap_or(e.operation))
            .collect();
        assert_eq!(rows, mutations.into_iter().collect::<HashSet<_>>());
    }

    #[test]
    fn the_document_has_a_row_per_operation_and_a_column_per_role() {
        let doc = markdown();
        for entry in MATRIX {
            assert!(doc.contains(&format!("| `{}` |", entry.operation)), "{}", entry.operation);
        }
        let header = doc.lines().find(|l| l.starts_with("| operation | target |")).expect("a table");
        assert_eq!(header.matches('|').count(), Role::ALL.len() + 3);
    }
}
