"""q4: "smaller is better": the rounding error taken to shrink with h too."""

truncation_factor = 10_000
rounding_factor = 0.1


def best_h(eps):
    return eps ** (1 / 5)


q4_reason = "B"
