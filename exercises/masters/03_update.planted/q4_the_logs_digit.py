"""q4: the digit of the study notebook's own line (6) given, not the one the question asks."""

updates_done = 1
next_line_after = 600
forward_passes = 47_712_000
predicted_digit = 6
q4_verdict = "B"
