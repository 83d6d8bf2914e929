# De verantwoording over een jaarcyclus (Network.cycleReport), in het
# Nederlands: voor de gemeenteraad en de raden van toezicht en commissarissen.
#
# Namen, titels en redenen komen zoals mensen ze schreven; datums en
# momenten komen uitgeschreven, getallen met punten voor de duizendtallen.

cycle-heading = Verantwoording { $title }: { $network }
cycle-closed = Afgesloten op { $at }. Dit verslag is bevroren: zo las de raad het.
cycle-draft = Concept, stand van { $at }. De cyclus loopt nog; de cijfers kunnen nog veranderen.

cycle-section-summary = Het jaar in het kort
cycle-summary =
    Voor { $year } { $commitments ->
        [one] is één afspraak
       *[other] zijn { $commitments } afspraken
    } gemaakt. Aan tafel afgesproken: { $agreed }. Door alle partijen bekrachtigd: { $ratified }. Opgeleverd: { $delivered }, waarvan { $quickWins ->
        [one] één snel resultaat
       *[other] { $quickWins } snelle resultaten
    }.
cycle-summary-changes = Opnieuw gepland: { $replanned }. Vervallen: { $dropped }.
cycle-summary-indicators =
    { $total ->
        [one] De indicator met een doel voor dit jaar heeft dat doel { $met ->
            [0] niet gehaald
           *[other] gehaald
        }.
       *[other] Van de { $total } indicatoren met een doel voor dit jaar { $met ->
            [0] heeft geen enkele het doel gehaald
            [one] heeft er één het doel gehaald
           *[other] hebben er { $met } het doel gehaald
        }.
    }

cycle-section-agreed = De afspraken van dit jaar
cycle-column-commitment = Afspraak
cycle-column-parties = Partijen
cycle-column-due = Uiterlijk
cycle-column-status = Stand
cycle-column-ratified = Bekrachtigd
cycle-quick-win = snel resultaat
cycle-yes-no =
    { $value ->
        [yes] ja
       *[no] nee
    }

cycle-section-ratified = Wat de organen besloten
cycle-pending = Nog geen uitkomst van: { $bodies }.
cycle-reason = Motivering: { $reason }
cycle-condition =
    Voorwaarde: { $text } ({ $met ->
        [yes] vervuld
       *[no] nog open
    })

cycle-section-delivered = Wat is opgeleverd
cycle-delivered = ‘{ $title }’, opgeleverd op { $on }
cycle-delivered-quick-win = { $line }: een snel resultaat voor het doel ‘{ $goal }’

cycle-section-indicators = De indicatoren tegen hun doelen
cycle-indicator-about =
    Bij het doel ‘{ $goal }’. { $direction ->
        [HIGHER] Hoger is beter
       *[LOWER] Lager is beter
    }; het netwerkcijfer is { $aggregation ->
        [SUM] de som
       *[MEAN] het gemiddelde
    } van de cijfers van de partners. Nulmeting { $period }: { $baseline }.
cycle-column-period = Periode
cycle-column-target = Doel
cycle-column-actual = Gerealiseerd
cycle-column-met = Gehaald
cycle-figure = { $value }
cycle-partial = { $value } ({ $reported } van { $expected } partners gemeld)
cycle-withheld = niet getoond: { $reported } partners meldden, te weinig om hun cijfers af te schermen
cycle-not-reported = niets gemeld

cycle-section-changed = Wat opnieuw is gepland of is vervallen, en waarom
cycle-dropped = ‘{ $title }’ is op { $on } vervallen. Reden: { $reason }
cycle-replanned =
    ‘{ $title }’ is { $times ->
        [one] één keer
       *[other] { $times } keer
    } opnieuw gepland. Aanleiding: { $reason }
cycle-no-reason = niet vastgelegd
cycle-nothing = Niets.
