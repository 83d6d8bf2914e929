# The decision dossier (Commitment.dossier), in English.
#
# A dossier is the document a party's governing bodies decide on: a board
# secretary prints it or loads it into the board portal. `$title`, `$text`,
# `$reason` and names arrive already escaped for Markdown; `$euros` and the
# counts arrive as numbers; dates arrive written out.

dossier-heading = Decision dossier: { $title }
dossier-for = For { $organisation }, a party to this commitment in the network { $network }.
dossier-issued = Issued on { $issued }.
dossier-hash = Content hash: { $hash }
dossier-hash-use =
    Record the body's outcome with this content hash. If the commitment has changed since this dossier was issued, the outcome is refused and the body decides on a new dossier.

dossier-section-commitment = The commitment
dossier-label-scope = Scope
dossier-label-kind = Kind
dossier-label-status = Status
dossier-label-lead = Lead partner
dossier-label-due = Due
dossier-label-goal = Goal
dossier-no-goal = not linked to a goal
dossier-scope =
    { $scope ->
        [ORGANISATION] one organisation
        [COALITION] a coalition of partners
       *[NETWORK] the whole network
    }
dossier-kind =
    { $kind ->
        [QUICK_WIN] quick win
       *[INITIATIVE] initiative
    }
dossier-status =
    { $status ->
        [PROPOSED] proposed
        [AGREED] agreed at the table
        [IN_PROGRESS] in progress
        [DELIVERED] delivered
       *[DROPPED] dropped
    }
dossier-needs-replanning = The facilitator must re-plan this commitment: { $reason }

dossier-section-contribution = Contribution of { $organisation }
dossier-contribution =
    €{ $euros } and { $hours } { $hours ->
        [one] hour
       *[other] hours
    }.

dossier-section-charter = The charter it rests on
dossier-charter = Version { $version } of the network's charter, adopted on { $adopted }.
dossier-no-charter = The network has not adopted a charter yet.

dossier-section-parties = The other parties
dossier-column-party = Party
dossier-column-contribution = Contribution
dossier-column-agreed = Agreed at the table
dossier-column-ratification = Ratification
dossier-party-contribution =
    €{ $euros }, { $hours } { $hours ->
        [one] hour
       *[other] hours
    }
dossier-not-agreed = not yet
dossier-standing =
    { $standing ->
        [RATIFIED] ratified
        [REJECTED] rejected
       *[PENDING] pending
    } (bodies decided: { $answered } of { $involved })
dossier-no-other-parties = { $organisation } is the only party.

dossier-section-bodies = Advice and decisions within { $organisation }
dossier-column-body = Body
dossier-column-right = Right
dossier-column-state = State
dossier-column-due = Due
dossier-right =
    { $right ->
        [DECIDES] decides
        [APPROVES] approves
        [CONSENTS] consents
        [ADVISES] advises
       *[WISHES_AND_CONCERNS] wishes and concerns
    }
dossier-state =
    { $status ->
        [NOT_STARTED] not yet asked
        [CONSULTING] consultation under way
        [AWAITING] outcome awaited
       *[DONE] done
    }
dossier-outcome =
    { $outcome ->
        [APPROVED] approved
        [APPROVED_WITH_CONDITIONS] approved with conditions
        [REJECTED] rejected
        [POSITIVE] positive advice
        [NEGATIVE] negative advice
        [WITH_CONDITIONS] advice with conditions
       *[RESPONDED] responded
    }
dossier-outcome-on = { $outcome } on { $on }
dossier-reason = { $body } gave as its reason: { $reason }
dossier-no-bodies = No body of { $organisation } is involved.

dossier-section-consultation = Consultation of the constituency
dossier-consultation =
    { $support } { $support ->
        [one] response
       *[other] responses
    } in support, { $concern } { $concern ->
        [one] concern
       *[other] concerns
    } and { $objection } { $objection ->
        [one] objection
       *[other] objections
    }.
dossier-no-consultation = No input has been given.

dossier-section-conditions = Conditions
dossier-condition =
    { $text } ({ $met ->
        [yes] met
       *[no] open
    }; set by { $body })
dossier-no-conditions = No conditions have been set.

dossier-section-history = History
dossier-step-proposed = proposed at the table
dossier-step-party-agreed = { $organisation } agreed at the table
dossier-step-agreed = agreed by every party
dossier-step-decided = { $body } of { $organisation }: { $outcome }
dossier-step-delivered = delivered
dossier-step-dropped = dropped

# A date on its own, written the language's way.
dossier-date = { $date }

## Agenda items for board portals (GoverningBody.agendaDocument).

agenda-heading = Agenda of { $body }, { $organisation }
agenda-period = Items due from { $from } to { $to }.
agenda-from = Items due from { $from }.
agenda-to = Items due by { $to }.
agenda-empty = Nothing awaits this body.
agenda-asked =
    { $right ->
        [DECIDES] To decide whether { $organisation } commits to this agreement.
        [APPROVES] To approve the executive board's decision, or withhold approval.
        [CONSENTS] To consent to the executive board's decision, or withhold consent.
        [ADVISES] To advise the executive board before it decides.
       *[WISHES_AND_CONCERNS] To make wishes and concerns known before the executive board decides.
    }
agenda-due = Due: { $due }
agenda-contribution =
    Contribution of { $organisation }: €{ $euros } and { $hours } { $hours ->
        [one] hour
       *[other] hours
    }
agenda-advice = Advice received: { $received } of { $asked }
agenda-consultation = Consultation of the constituency: { $support } in support, { $concern } { $concern ->
        [one] concern
       *[other] concerns
    }, { $objection } { $objection ->
        [one] objection
       *[other] objections
    }
agenda-condition = Open condition: { $text }
agenda-dossier = Decision dossier: { $hash }
