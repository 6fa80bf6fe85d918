"""q1: the central difference divided by h instead of 2h."""


def numerical_diff(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / h
