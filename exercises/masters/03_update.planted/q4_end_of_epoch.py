"""q4: the second line placed at the end of the first epoch (i = 599) instead of at i = 600."""

updates_done = 1
next_line_after = 599
forward_passes = 47_712_000
predicted_digit = 1
q4_verdict = "B"
