# E-mail aan een persoon: herinneringen en het overzicht, in het Nederlands.
#
# Een herinnering begint met de regel uit het overzicht die zegt waar het om
# gaat, en legt daarna uit waarom die nu komt. Elke mail eindigt met waarom
# hij kwam en hoe je je afmeldt, zonder in te loggen.

mail-greeting = Beste { $person },
mail-subject-ratification = Herinnering: besluit over ‘{ $title }’ uiterlijk { $due }
mail-subject-round = Herinnering: de afstemmingsronde van { $network } sluit op { $closes }
mail-subject-condition = Herinnering: de voorwaarde bij ‘{ $title }’ is nog niet vervuld
mail-subject-other = Herinnering van Eendracht
mail-why-ratification = Het orgaan heeft nog geen uitkomst vastgelegd. De partners in { $network } rekenen op dit besluit om de afspraak te kunnen uitvoeren.
mail-why-round = Uw antwoord telt mee in de meting van hoe ver de verwachtingen van de partners uiteenlopen. Antwoorden kan tot de ronde sluit.
mail-why-condition = Aan die voorwaarde had uiterlijk { $date } voldaan moeten zijn. Is dat inmiddels gebeurd, leg het dan vast in Eendracht; dan stopt deze herinnering.
mail-see = Bekijken: { $url }
mail-subject-digest =
    { $rhythm ->
        [DAILY] Uw dagelijks overzicht
       *[WEEKLY] Uw weekoverzicht
    }{ $count ->
        [0] {""}
        [one] : één punt wacht op u
       *[other] : { $count } punten wachten op u
    }
mail-footer-reminder =
    U krijgt deze herinnering { $rule ->
        [RATIFICATION_DUE] als lid van het orgaan dat dit besluit neemt.
        [ROUND_CLOSING] omdat u voor deze afstemmingsronde bent uitgenodigd.
       *[CONDITION_OVERDUE] als directeur van de organisatie die aan de voorwaarde moet voldoen.
    }
mail-footer-digest =
    U krijgt dit overzicht { $rhythm ->
        [DAILY] elke ochtend
       *[WEEKLY] elke maandagochtend
    }, omdat u daarvoor hebt gekozen.
mail-unsubscribe = Geen mail meer van deze soort? Afmelden kan met één klik, zonder in te loggen: { $url }

# De pagina van de afmeldlink.
unsubscribe-title = Afmelden
unsubscribe-question-digest = Wilt u het overzicht niet meer per e-mail ontvangen?
unsubscribe-question-reminders = Wilt u geen herinneringen meer per e-mail ontvangen?
unsubscribe-button = Afmelden
unsubscribe-done-digest = U bent afgemeld. U krijgt het overzicht niet meer per e-mail.
unsubscribe-done-reminders = U bent afgemeld. U krijgt geen herinneringen meer per e-mail.
unsubscribe-again = In Eendracht kunt u dit altijd weer aanzetten.
