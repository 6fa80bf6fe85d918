"""q4: the first line taken for a measurement before any training (it follows one update)."""

updates_done = 0
next_line_after = 600
forward_passes = 47_712_000
predicted_digit = 1
q4_verdict = "B"
