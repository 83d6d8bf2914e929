# A person's digest (viewer.digest), in English.
#
# One line per subject in its latest state. Names and titles arrive as people
# wrote them; dates and moments arrive written out.

digest-heading = What concerns { $person }
digest-since = Since { $since }.
digest-section-awaiting = Awaiting you
digest-section-happened = Decided and agreed
digest-section-quick-wins = Quick wins by goal
digest-section-signals = How the collaboration is doing
digest-nothing = Nothing.
digest-decision =
    { $right ->
        [DECIDES] { $body } decides on “{ $title }”
        [APPROVES] { $body } approves or withholds approval of “{ $title }”
        [CONSENTS] { $body } consents or withholds consent to “{ $title }”
        [ADVISES] { $body } advises on “{ $title }”
       *[WISHES_AND_CONCERNS] { $body } makes its wishes and concerns known on “{ $title }”
    }
digest-due = { $line }, by { $due }.
digest-round = The alignment round of { $network } closes on { $closes } and you have not answered yet.
digest-condition = { $organisation } must still meet a condition of “{ $title }”: { $condition }
digest-commitment =
    “{ $title }” ({ $network }) is { $status ->
        [PROPOSED] proposed
        [AGREED] agreed at the table
        [IN_PROGRESS] in progress
        [DELIVERED] delivered
       *[DROPPED] dropped
    }.
digest-outcome = { $body } of { $organisation } on “{ $title }”: { $outcome }.
digest-quick-wins =
    { $count ->
        [one] One quick win
       *[other] { $count } quick wins
    } toward “{ $goal }” ({ $network }): { $titles }.
digest-quick-wins-no-goal =
    { $count ->
        [one] One quick win
       *[other] { $count } quick wins
    } without a goal ({ $network }): { $titles }.
digest-signal = { $network }: { $message }
