"""q5: one weight's fall counted (709.78 / 0.1), not the 784 pixels' sum into a hidden unit."""

q5_overflow = "B"
q5_update = "B"
q5_updates_to_overflow = 7098
