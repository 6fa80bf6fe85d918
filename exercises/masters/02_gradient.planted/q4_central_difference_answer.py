"""q4: chapter 2's answer for the central difference (error ~ h^2, h ~ eps^(1/3)) copied."""

truncation_factor = 100
rounding_factor = 10


def best_h(eps):
    return eps ** (1 / 3)


q4_reason = "B"
