"""q5: += taken for the bug (it follows the gradient uphill, but does not push every weight down)."""

q5_overflow = "B"
q5_update = "C"
q5_updates_to_overflow = 71
