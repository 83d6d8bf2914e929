# Mail to a person: reminders and the digest, in English.
#
# A reminder opens with the digest line that says what it is about, then
# says why it comes now. Every mail ends with why it came and how to stop
# it, without signing in.

mail-greeting = Dear { $person },
mail-subject-ratification = Reminder: decision on “{ $title }” due { $due }
mail-subject-round = Reminder: the alignment round of { $network } closes on { $closes }
mail-subject-condition = Reminder: the condition on “{ $title }” is not yet met
mail-subject-other = Reminder from Eendracht
mail-why-ratification = The body has not recorded an outcome yet. The partners in { $network } count on this decision to carry out the commitment.
mail-why-round = Your answer counts in measuring how far the partners' expectations have drifted apart. You can answer until the round closes.
mail-why-condition = The condition should have been met by { $date }. If it has been met since, record it in Eendracht and this reminder stops.
mail-see = View: { $url }
mail-subject-digest =
    { $rhythm ->
        [DAILY] Your daily digest
       *[WEEKLY] Your weekly digest
    }{ $count ->
        [0] {""}
        [one] : one item awaits you
       *[other] : { $count } items await you
    }
mail-footer-reminder =
    You receive this reminder { $rule ->
        [RATIFICATION_DUE] as a member of the body that takes this decision.
        [ROUND_CLOSING] because you were invited to this alignment round.
       *[CONDITION_OVERDUE] as a director of the organisation that must meet the condition.
    }
mail-footer-digest =
    You receive this digest { $rhythm ->
        [DAILY] every morning
       *[WEEKLY] every Monday morning
    } because you chose to.
mail-unsubscribe = No more mail of this kind? Unsubscribe with one click, without signing in: { $url }

# The page of the unsubscribe link.
unsubscribe-title = Unsubscribe
unsubscribe-question-digest = Stop receiving the digest by e-mail?
unsubscribe-question-reminders = Stop receiving reminders by e-mail?
unsubscribe-button = Unsubscribe
unsubscribe-done-digest = You are unsubscribed. You will no longer receive the digest by e-mail.
unsubscribe-done-reminders = You are unsubscribed. You will no longer receive reminders by e-mail.
unsubscribe-again = You can turn this on again in Eendracht at any time.
