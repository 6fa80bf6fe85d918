"""q4: one forward pass per parameter counted (the central difference needs two)."""

updates_done = 1
next_line_after = 600
forward_passes = 600 * 39_760
predicted_digit = 1
q4_verdict = "B"
