# De signalen van Network.health, in het Nederlands.
#
# Elk bericht zegt een procesbegeleider wat er mis is en wat eraan te doen
# valt. Getallen komen binnen als getal: een aantal kiest de meervoudsvorm
# en wordt geschreven met Nederlandse scheidingstekens; `$from` en `$to` zijn
# afstemmingsindexen (0 tot 1, twee decimalen); `$share` en `$threshold`
# percentages.

health-alignment-dropped =
    De afstemming is gedaald van { $from } naar { $to } sinds de vorige ronde. Bespreek in het volgende overleg de vraag waarover de meningen het verst uiteenlopen, voordat u iets nieuws oppakt.

health-charter-not-acknowledged =
    { $partners ->
        [0] Versie { $version } van het charter is nog niet bevestigd door { $representatives ->
                [one] één vertegenwoordiger
               *[other] { $representatives } vertegenwoordigers
            }.
       *[other] Versie { $version } van het charter is nog niet bevestigd door { $partners ->
                [one] één partner
               *[other] { $partners } partners
            }{ $representatives ->
                [0] {""}
                [one] {" "}en één vertegenwoordiger
               *[other] {" "}en { $representatives } vertegenwoordigers
            }.
    } Vraag hen het charter te lezen en te bevestigen, zodat iedereen van dezelfde afspraken uitgaat.

health-no-round-ever =
    De afstemming in dit netwerk is nog nooit gemeten. Open een afstemmingsronde om te zien of de partners nog hetzelfde willen.

health-no-round-lately =
    De laatste afstemmingsronde is { $days ->
        [one] een dag
       *[other] { $days } dagen
    } geleden gesloten (de grens is { $maxDays ->
        [one] één dag
       *[other] { $maxDays } dagen
    }). Open een nieuwe ronde: verwachtingen groeien ongemerkt uit elkaar.

health-ratifications-overdue =
    { $count ->
        [one] Eén bekrachtiging is over de termijn.
       *[other] { $count } bekrachtigingen zijn over de termijn.
    } Vraag de bestuurders van de partijen wanneer hun organen besluiten, en zet het op de agenda van het volgende overleg.

health-agreed-without-consultation =
    { $count ->
        [one] Eén afspraak is
       *[other] { $count } afspraken zijn
    } gemaakt voordat ten minste één partij haar achterban had geraadpleegd. Begin de volgende keer eerder met raadplegen, voordat de tafel akkoord geeft.

health-advice-overridden =
    Negatief advies is { $count ->
        [one] één keer
       *[other] { $count } keer
    } terzijde gelegd. Zorg dat het besluitvormende orgaan aan de ondernemingsraad of andere adviseurs heeft uitgelegd waarom.

health-partners-not-following =
    { $partners ->
        [one] Eén partner volgt de afspraken niet op: de organen van die partner
       *[other] { $partners } partners volgen de afspraken niet op: hun organen
    } wezen af of lieten liggen wat aan tafel is afgesproken. Spreek met { $partners ->
        [one] de bestuurders van die partner
       *[other] hun bestuurders
    } over wat hun organen nodig hebben.

health-conditions-open =
    { $count ->
        [one] Eén voorwaarde bij een goedkeuring staat nog open. Spreek af wie die voorwaarde invult en wanneer.
       *[other] { $count } voorwaarden bij goedkeuringen staan nog open. Spreek per voorwaarde af wie die invult en wanneer.
    }

health-too-much-together =
    { $share } van de lopende afspraken geldt voor het hele netwerk (grens: { $threshold }). Doe minder samen: beleg werk bij één organisatie of bij een kleine coalitie.

health-no-quick-win-ever =
    Er is nog geen snel resultaat opgeleverd. Spreek een klein, zichtbaar resultaat af dat binnen enkele weken klaar kan zijn.

health-no-quick-win-lately =
    Het laatste snelle resultaat is { $days ->
        [one] een dag
       *[other] { $days } dagen
    } geleden opgeleverd (de grens is { $maxDays ->
        [one] één dag
       *[other] { $maxDays } dagen
    }). Spreek een klein, zichtbaar resultaat af om de vaart erin te houden.

health-commitments-without-goal =
    { $count ->
        [one] Eén lopende afspraak is aan geen enkel doel gekoppeld. Koppel die aan een langetermijndoel, of ga na of de afspraak in het netwerk thuishoort.
       *[other] { $count } lopende afspraken zijn aan geen enkel doel gekoppeld. Koppel elke afspraak aan een langetermijndoel, of ga na of die in het netwerk thuishoort.
    }

health-needs-replanning =
    { $count ->
        [one] Eén afspraak moet opnieuw worden gepland, bijvoorbeeld omdat een partner is vertrokken. Plan die opnieuw met de overgebleven partijen, of laat haar vallen.
       *[other] { $count } afspraken moeten opnieuw worden gepland, bijvoorbeeld omdat een partner is vertrokken. Plan ze opnieuw met de overgebleven partijen, of laat ze vallen.
    }
health-decided-on-stale-dossier =
    { $count ->
        [one] Een orgaan heeft besloten op een besluitdossier dat niet meer overeenkomt met de afspraak zoals die nu luidt. Vraag de partij de afspraak opnieuw aan het orgaan voor te leggen, met een nieuw dossier.
       *[other] { $count } besluiten zijn genomen op besluitdossiers die niet meer overeenkomen met de afspraken zoals die nu luiden. Vraag de partijen de afspraken opnieuw aan hun organen voor te leggen, met nieuwe dossiers.
    }
health-indicators-not-moving =
    { $count ->
        [one] Eén gezamenlijke indicator staat al twee perioden stil of beweegt de verkeerde kant op. Zet die op de agenda van het volgende overleg: zijn de afspraken die haar moeten bewegen nog de goede?
       *[other] { $count } gezamenlijke indicatoren staan al twee perioden stil of bewegen de verkeerde kant op. Zet ze op de agenda van het volgende overleg: zijn de afspraken die ze moeten bewegen nog de goede?
    }
