# Agendafeeds (GET /calendar/<token>.ics), in het Nederlands.
#
# Elk bericht is de titel van een afspraak of een regel van de omschrijving,
# zoals een agenda-app die toont. Namen en titels komen zoals mensen ze schreven.

calendar-name = Eendracht: { $person }
calendar-meeting = Netwerkoverleg: { $network }
calendar-meeting-titled = { $title } ({ $network })
calendar-online = Online deelnemen: { $url }
calendar-cancelled = Geannuleerd: { $summary }
calendar-cancelled-because = Geannuleerd omdat: { $reason }
calendar-decision = { $body } besluit: { $title }
calendar-consultation = Raadpleging bij { $organisation }: { $title }
calendar-consultation-note = { $organisation } raadpleegt de achterban voordat de organen besluiten.
calendar-round = Afstemmingsronde van { $network } sluit
calendar-round-answered = U hebt deze ronde beantwoord.
calendar-round-unanswered = U hebt deze ronde nog niet beantwoord.
calendar-due = Uiterste datum: { $title } ({ $network })
