# Het overzicht van een persoon (viewer.digest), in het Nederlands.
#
# Eén regel per onderwerp, zoals het er nu voor staat. Namen en titels komen
# zoals mensen ze schreven; datums en momenten komen uitgeschreven.

digest-heading = Wat { $person } aangaat
digest-since = Sinds { $since }.
digest-section-awaiting = Wat op u wacht
digest-section-happened = Besloten en afgesproken
digest-section-quick-wins = Snelle resultaten per doel
digest-section-signals = Hoe de samenwerking ervoor staat
digest-nothing = Niets.
digest-decision =
    { $right ->
        [DECIDES] { $body } besluit over ‘{ $title }’
        [APPROVES] { $body } keurt ‘{ $title }’ goed of onthoudt goedkeuring
        [CONSENTS] { $body } stemt in met ‘{ $title }’ of onthoudt instemming
        [ADVISES] { $body } adviseert over ‘{ $title }’
       *[WISHES_AND_CONCERNS] { $body } maakt wensen en bedenkingen kenbaar over ‘{ $title }’
    }
digest-due = { $line }, uiterlijk { $due }.
digest-round = De afstemmingsronde van { $network } sluit op { $closes } en u hebt nog niet geantwoord.
digest-condition = { $organisation } moet nog voldoen aan een voorwaarde bij ‘{ $title }’: { $condition }
digest-commitment =
    ‘{ $title }’ ({ $network }) is { $status ->
        [PROPOSED] voorgesteld
        [AGREED] aan tafel afgesproken
        [IN_PROGRESS] in uitvoering
        [DELIVERED] opgeleverd
       *[DROPPED] vervallen
    }.
digest-outcome = { $body } van { $organisation } over ‘{ $title }’: { $outcome }.
digest-quick-wins =
    { $count ->
        [one] Eén snel resultaat
       *[other] { $count } snelle resultaten
    } voor ‘{ $goal }’ ({ $network }): { $titles }.
digest-quick-wins-no-goal =
    { $count ->
        [one] Eén snel resultaat
       *[other] { $count } snelle resultaten
    } zonder doel ({ $network }): { $titles }.
digest-signal = { $network }: { $message }
