"""q4: the book's h = 1e-4 whatever the formula and the precision."""

truncation_factor = 10_000
rounding_factor = 10


def best_h(eps):
    return 1e-4


q4_reason = "B"
