"""q1: the step h=1e-4 hard-coded, ignoring the h passed in."""


def numerical_diff(f, x, h=1e-4):
    return (f(x + 1e-4) - f(x - 1e-4)) / (2 * 1e-4)
