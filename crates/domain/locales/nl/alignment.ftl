# De standaardvragen van elke afstemmingsronde, gescoord van 1 (oneens) tot
# 5 (eens). Elke vraag is een stelling die de mensen van een partner lezen
# over hun eigen netwerk.

alignment-question-goal-clarity = De doelen van ons netwerk zijn mij duidelijk.
alignment-question-goal-shared = De partners hebben dezelfde doelen.
alignment-question-way-of-working = Onze manier van samenwerken werkt goed.
alignment-question-backing = De organen en medewerkers van mijn organisatie staan achter onze afspraken.
alignment-question-focus = We proberen niet te veel samen te doen.
alignment-question-results = Onze samenwerking levert zichtbare resultaten op.
