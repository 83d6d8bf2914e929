# Network.health's signals, in English.
#
# Each message tells a facilitator what is wrong and what to do about it.
# Numbers arrive as numbers: a count selects its plural form, and is written
# with this language's digits and separators; `$from` and `$to` are alignment
# indexes (0 to 1, two decimals); `$share` and `$threshold` percentages.

health-alignment-dropped =
    Alignment fell from { $from } to { $to } since the previous round. Discuss the most divergent question at the next meeting before taking on anything new.

health-charter-not-acknowledged =
    { $partners ->
        [0] Charter version { $version } is not yet acknowledged by { $representatives ->
                [one] one representative
               *[other] { $representatives } representatives
            }.
       *[other] Charter version { $version } is not yet acknowledged by { $partners ->
                [one] one partner
               *[other] { $partners } partners
            }{ $representatives ->
                [0] {""}
                [one] {" "}and one representative
               *[other] {" "}and { $representatives } representatives
            }.
    } Ask them to read and acknowledge it, so everyone works from the same agreements.

health-no-round-ever =
    Alignment has never been measured in this network. Open an alignment round to learn whether the partners still want the same.

health-no-round-lately =
    The last alignment round closed { $days ->
        [one] a day ago
       *[other] { $days } days ago
    } (the limit is { $maxDays ->
        [one] one day
       *[other] { $maxDays } days
    }). Open a new round: expectations drift apart without anyone noticing.

health-ratifications-overdue =
    { $count ->
        [one] One ratification is past its due date.
       *[other] { $count } ratifications are past their due date.
    } Ask the parties' directors when their boards will decide, and put it on the next meeting's agenda.

health-agreed-without-consultation =
    { $count ->
        [one] One commitment was
       *[other] { $count } commitments were
    } agreed before at least one party had consulted its constituency. Start consultation earlier next time, before the table agrees.

health-advice-overridden =
    Negative advice was overridden { $count ->
        [one] once
       *[other] { $count } times
    }. Make sure the deciding board explained why to its works council or other advisers.

health-partners-not-following =
    { $partners ->
        [one] One partner does not follow through: its bodies
       *[other] { $partners } partners do not follow through: their bodies
    } rejected or left overdue what was agreed at the table. Talk with { $partners ->
        [one] its directors about what its boards need.
       *[other] their directors about what their boards need.
    }

health-conditions-open =
    { $count ->
        [one] One condition attached to an approval is still open. Agree who meets it and by when.
       *[other] { $count } conditions attached to approvals are still open. Agree who meets each one and by when.
    }

health-too-much-together =
    { $share } of the open commitments are network-wide (threshold { $threshold }). Do less together: move work to single organisations or small coalitions.

health-no-quick-win-ever =
    No quick win has been delivered yet. Agree on a small, visible result that can be delivered within weeks.

health-no-quick-win-lately =
    The last quick win was delivered { $days ->
        [one] a day ago
       *[other] { $days } days ago
    } (the limit is { $maxDays ->
        [one] one day
       *[other] { $maxDays } days
    }). Agree on a small, visible result to keep momentum.

health-commitments-without-goal =
    { $count ->
        [one] One open commitment is not linked to any goal. Link it to a long-term goal, or ask whether it belongs in the network.
       *[other] { $count } open commitments are not linked to any goal. Link each to a long-term goal, or ask whether it belongs in the network.
    }

health-needs-replanning =
    { $count ->
        [one] One commitment needs re-planning, for example because a partner left. Re-plan it with the remaining parties or drop it.
       *[other] { $count } commitments need re-planning, for example because a partner left. Re-plan them with the remaining parties or drop them.
    }
health-decided-on-stale-dossier =
    { $count ->
        [one] A body decided on a decision dossier that the commitment has since moved away from. Ask the party to put the commitment as it now stands before the body again, with a new dossier.
       *[other] { $count } decisions were taken on decision dossiers that the commitments have since moved away from. Ask the parties to put the commitments as they now stand before their bodies again, with new dossiers.
    }
health-indicators-not-moving =
    { $count ->
        [one] One shared indicator has stalled or moved the wrong way for two periods. Put it on the next meeting's agenda: are the commitments that should move it still the right ones?
       *[other] { $count } shared indicators have stalled or moved the wrong way for two periods. Put them on the next meeting's agenda: are the commitments that should move them still the right ones?
    }
