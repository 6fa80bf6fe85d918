"""q4: the forward difference's balance (error ~ h, so h ~ sqrt(eps)) used for the five-point one."""

truncation_factor = 10
rounding_factor = 10


def best_h(eps):
    return eps**0.5


q4_reason = "B"
