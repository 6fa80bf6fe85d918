"""q1: the forward difference (f(x + h) - f(x)) / h instead of the central one."""


def numerical_diff(f, x, h=1e-4):
    return (f(x + h) - f(x)) / h
