# Het besluitdossier (Commitment.dossier), in het Nederlands.
#
# Een dossier is het stuk waarover de organen van een partij besluiten: een
# bestuurssecretaris drukt het af of zet het in het bestuursportaal. `$title`,
# `$text`, `$reason` en namen komen binnen als Markdown-veilige tekst;
# `$euros` en de aantallen als getal; datums voluit geschreven.

dossier-heading = Besluitdossier: { $title }
dossier-for = Voor { $organisation }, partij bij deze afspraak in het netwerk { $network }.
dossier-issued = Opgesteld op { $issued }.
dossier-hash = Inhoudshash: { $hash }
dossier-hash-use =
    Leg het besluit van het orgaan vast met deze inhoudshash. Is de afspraak gewijzigd nadat dit dossier is opgesteld, dan wordt het besluit geweigerd en besluit het orgaan over een nieuw dossier.

dossier-section-commitment = De afspraak
dossier-label-scope = Reikwijdte
dossier-label-kind = Soort
dossier-label-status = Stand
dossier-label-lead = Trekker
dossier-label-due = Uiterlijk klaar
dossier-label-goal = Doel
dossier-no-goal = niet gekoppeld aan een doel
dossier-scope =
    { $scope ->
        [ORGANISATION] één organisatie
        [COALITION] een coalitie van partners
       *[NETWORK] het hele netwerk
    }
dossier-kind =
    { $kind ->
        [QUICK_WIN] quick win
       *[INITIATIVE] initiatief
    }
dossier-status =
    { $status ->
        [PROPOSED] voorgesteld
        [AGREED] aan tafel afgesproken
        [IN_PROGRESS] in uitvoering
        [DELIVERED] opgeleverd
       *[DROPPED] vervallen
    }
dossier-needs-replanning = De procesbegeleider moet deze afspraak opnieuw plannen: { $reason }

dossier-section-contribution = Bijdrage van { $organisation }
dossier-contribution =
    € { $euros } en { $hours } uur.

dossier-section-charter = Het charter waarop de afspraak rust
dossier-charter = Versie { $version } van het charter van het netwerk, vastgesteld op { $adopted }.
dossier-no-charter = Het netwerk heeft nog geen charter vastgesteld.

dossier-section-parties = De andere partijen
dossier-column-party = Partij
dossier-column-contribution = Bijdrage
dossier-column-agreed = Aan tafel ingestemd
dossier-column-ratification = Bekrachtiging
dossier-party-contribution =
    € { $euros }, { $hours } uur
dossier-not-agreed = nog niet
dossier-standing =
    { $standing ->
        [RATIFIED] bekrachtigd
        [REJECTED] afgewezen
       *[PENDING] in behandeling
    } (organen besloten: { $answered } van { $involved })
dossier-no-other-parties = { $organisation } is de enige partij.

dossier-section-bodies = Advies en besluiten binnen { $organisation }
dossier-column-body = Orgaan
dossier-column-right = Bevoegdheid
dossier-column-state = Stand
dossier-column-due = Uiterlijk
dossier-right =
    { $right ->
        [DECIDES] besluit
        [APPROVES] keurt goed
        [CONSENTS] stemt in
        [ADVISES] adviseert
       *[WISHES_AND_CONCERNS] wensen en bedenkingen
    }
dossier-state =
    { $status ->
        [NOT_STARTED] nog niet gevraagd
        [CONSULTING] raadpleging loopt
        [AWAITING] uitkomst verwacht
       *[DONE] afgerond
    }
dossier-outcome =
    { $outcome ->
        [APPROVED] goedgekeurd
        [APPROVED_WITH_CONDITIONS] onder voorwaarden goedgekeurd
        [REJECTED] afgewezen
        [POSITIVE] positief advies
        [NEGATIVE] negatief advies
        [WITH_CONDITIONS] advies onder voorwaarden
       *[RESPONDED] gereageerd
    }
dossier-outcome-on = { $outcome } op { $on }
dossier-reason = Motivering van { $body }: { $reason }
dossier-no-bodies = Er is geen orgaan van { $organisation } bij betrokken.

dossier-section-consultation = Raadpleging van de achterban
dossier-consultation =
    { $support } { $support ->
        [one] reactie
       *[other] reacties
    } met steun, { $concern } { $concern ->
        [one] zorgpunt
       *[other] zorgpunten
    } en { $objection } { $objection ->
        [one] bezwaar
       *[other] bezwaren
    }.
dossier-no-consultation = Er is nog geen inbreng gegeven.

dossier-section-conditions = Voorwaarden
dossier-condition =
    { $text } ({ $met ->
        [yes] vervuld
       *[no] open
    }; gesteld door { $body })
dossier-no-conditions = Er zijn geen voorwaarden gesteld.

dossier-section-history = Verloop
dossier-step-proposed = aan tafel voorgesteld
dossier-step-party-agreed = { $organisation } heeft aan tafel ingestemd
dossier-step-agreed = door alle partijen afgesproken
dossier-step-decided = { $body } van { $organisation }: { $outcome }
dossier-step-delivered = opgeleverd
dossier-step-dropped = vervallen

# Een datum op zichzelf, op zijn Nederlands geschreven.
dossier-date = { $date }

## Agendapunten voor bestuursportalen (GoverningBody.agendaDocument).

agenda-heading = Agenda van { $body }, { $organisation }
agenda-period = Punten met een uiterste datum van { $from } tot en met { $to }.
agenda-from = Punten met een uiterste datum vanaf { $from }.
agenda-to = Punten met een uiterste datum tot en met { $to }.
agenda-empty = Er ligt niets voor dit orgaan.
agenda-asked =
    { $right ->
        [DECIDES] Besluiten of { $organisation } zich aan deze afspraak verbindt.
        [APPROVES] Het besluit van het bestuur goedkeuren of goedkeuring onthouden.
        [CONSENTS] Instemmen met het besluit van het bestuur of instemming onthouden.
        [ADVISES] Het bestuur adviseren voordat het besluit.
       *[WISHES_AND_CONCERNS] Wensen en bedenkingen kenbaar maken voordat het bestuur besluit.
    }
agenda-due = Uiterlijk: { $due }
agenda-contribution = Bijdrage van { $organisation }: € { $euros } en { $hours } uur
agenda-advice = Advies ontvangen: { $received } van { $asked }
agenda-consultation = Raadpleging van de achterban: { $support } met steun, { $concern } { $concern ->
        [one] zorgpunt
       *[other] zorgpunten
    }, { $objection } { $objection ->
        [one] bezwaar
       *[other] bezwaren
    }
agenda-condition = Openstaande voorwaarde: { $text }
agenda-dossier = Besluitdossier: { $hash }
