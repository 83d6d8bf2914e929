# The accountability report of a yearly cycle (Network.cycleReport), in
# English: for the municipal council and the supervisory boards.
#
# Names, titles and reasons come as people wrote them; dates and moments
# come in full, numbers with thousands separators.

cycle-heading = Accountability report { $title }: { $network }
cycle-closed = Closed on { $at }. This report is frozen: it is what the council read.
cycle-draft = Draft, as of { $at }. The cycle is still running; figures may still change.

cycle-section-summary = The year in brief
cycle-summary =
    For { $year }, { $commitments ->
        [one] one commitment was
       *[other] { $commitments } commitments were
    } made. Agreed at the table: { $agreed }. Ratified by every party: { $ratified }. Delivered: { $delivered }, of which { $quickWins ->
        [one] one quick win
       *[other] { $quickWins } quick wins
    }.
cycle-summary-changes = Re-planned: { $replanned }. Dropped: { $dropped }.
cycle-summary-indicators =
    { $total ->
        [one] The indicator with a target for this year { $met ->
            [0] missed it
           *[other] met it
        }.
       *[other] Of the { $total } indicators with a target for this year, { $met ->
            [0] none met it
           *[other] { $met } met it
        }.
    }

cycle-section-agreed = This year's commitments
cycle-column-commitment = Commitment
cycle-column-parties = Parties
cycle-column-due = Due
cycle-column-status = Status
cycle-column-ratified = Ratified
cycle-quick-win = quick win
cycle-yes-no =
    { $value ->
        [yes] yes
       *[no] no
    }

cycle-section-ratified = What the bodies decided
cycle-pending = No outcome yet from: { $bodies }.
cycle-reason = Reasoning: { $reason }
cycle-condition =
    Condition: { $text } ({ $met ->
        [yes] met
       *[no] still open
    })

cycle-section-delivered = What was delivered
cycle-delivered = ‘{ $title }’, delivered on { $on }
cycle-delivered-quick-win = { $line }: a quick win for the goal ‘{ $goal }’

cycle-section-indicators = The indicators against their targets
cycle-indicator-about =
    Under the goal ‘{ $goal }’. { $direction ->
        [HIGHER] Higher is better
       *[LOWER] Lower is better
    }; the network's figure is { $aggregation ->
        [SUM] the sum
       *[MEAN] the mean
    } of the partners' figures. Baseline { $period }: { $baseline }.
cycle-column-period = Period
cycle-column-target = Target
cycle-column-actual = Actual
cycle-column-met = Met
cycle-figure = { $value }
cycle-partial = { $value } ({ $reported } of { $expected } partners reported)
cycle-withheld = not shown: { $reported } partners reported, too few to keep their figures apart
cycle-not-reported = nothing reported

cycle-section-changed = What was re-planned or dropped, and why
cycle-dropped = ‘{ $title }’ was dropped on { $on }. Reason: { $reason }
cycle-replanned =
    ‘{ $title }’ was re-planned { $times ->
        [one] once
       *[other] { $times } times
    }. Why: { $reason }
cycle-no-reason = not recorded
cycle-nothing = Nothing.
