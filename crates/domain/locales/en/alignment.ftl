# The standard questions of every alignment round, scored from 1 (disagree)
# to 5 (agree). Each is a statement a partner's people read about their own
# network.

alignment-question-goal-clarity = The goals of our network are clear to me.
alignment-question-goal-shared = The partners share the same goals.
alignment-question-way-of-working = Our way of working together works well.
alignment-question-backing = My organisation's boards and staff support our agreements.
alignment-question-focus = We don't try to do too much together.
alignment-question-results = Our collaboration delivers visible results.
