"""q4: the right numbers with the wrong reason (1e-12 does not underflow in float64)."""

truncation_factor = 10_000
rounding_factor = 10


def best_h(eps):
    return eps ** (1 / 5)


q4_reason = "C"
