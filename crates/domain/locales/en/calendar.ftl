# Calendar feeds (GET /calendar/<token>.ics), in English.
#
# Each message is an event's summary or a line of its description, as a
# calendar app shows it. Names and titles arrive as people wrote them.

calendar-name = Eendracht: { $person }
calendar-meeting = Network meeting: { $network }
calendar-meeting-titled = { $title } ({ $network })
calendar-online = Join online: { $url }
calendar-cancelled = Cancelled: { $summary }
calendar-cancelled-because = Cancelled because: { $reason }
calendar-decision = { $body } decides: { $title }
calendar-consultation = Consultation at { $organisation }: { $title }
calendar-consultation-note = { $organisation } hears its constituency before its bodies decide.
calendar-round = Alignment round of { $network } closes
calendar-round-answered = You have answered this round.
calendar-round-unanswered = You have not answered this round yet.
calendar-due = Due: { $title } ({ $network })
