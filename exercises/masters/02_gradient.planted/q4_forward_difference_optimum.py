"""q4: the forward difference's balance (h ~ sqrt(eps), error ~ h) used for the central one."""

truncation_factor = 10
rounding_factor = 10


def best_h(eps):
    return eps**0.5


q4_reason = "B"
