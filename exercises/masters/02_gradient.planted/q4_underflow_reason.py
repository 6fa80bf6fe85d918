"""q4: the right numbers with the wrong reason (1e-12 does not underflow in float64)."""

truncation_factor = 100
rounding_factor = 10


def best_h(eps):
    return eps ** (1 / 3)


q4_reason = "C"
