"""q4: "smaller is better": the rounding error taken to shrink with h too."""

truncation_factor = 100
rounding_factor = 0.1


def best_h(eps):
    return eps ** (1 / 3)


q4_reason = "B"
