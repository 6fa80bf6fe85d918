"""q5: overflow blamed on large positive inputs (exp(-x) is tiny there)."""

q5_overflow = "A"
q5_update = "B"
q5_updates_to_overflow = 71
