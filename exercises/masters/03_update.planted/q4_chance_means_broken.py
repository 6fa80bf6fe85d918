"""q4: the accuracy line read as proof of a broken update (one update in, it proves nothing)."""

updates_done = 1
next_line_after = 600
forward_passes = 47_712_000
predicted_digit = 1
q4_verdict = "A"
