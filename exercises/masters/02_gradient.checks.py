"""Hidden checks of exercise 2 (02_gradient.ipynb): probes and CHECKS.

Each probe runs in the student's kernel, in a namespace holding only ``np`` and the builtins;
the checks and their rules run outside the sandbox (see exercises/tools/checks.py). Expected
values are the probes' results on the master's solution.
"""

import numpy as np

from exercises.tools.checks import Check, choice, close, equal, numbers, within

# ------------------------------------------------------------------------------------- q1


def slope_with_h(numerical_diff):
    def cube(x):
        return x**3

    return numerical_diff(cube, 2.0, h=0.01)


def slope_default_h(numerical_diff):
    def cube(x):
        return x**3

    return numerical_diff(cube, 1.0)


# ------------------------------------------------------------------------------------- q2


def gradient_of_a_matrix(numerical_gradient):
    def f(x):
        return (x**3).sum()

    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    g = numerical_gradient(f, x, h=0.01)
    return {"gradient": g, "x after": x}


def gradient_of_a_cube(numerical_gradient):
    def f(x):
        return (x**2 * np.arange(1.0, 9.0).reshape(2, 2, 2)).sum()

    x = np.array([[[0.5, -1.0], [2.0, 0.25]], [[-3.0, 1.5], [0.75, -0.5]]])
    return numerical_gradient(f, x, h=0.001)


# ------------------------------------------------------------------------------------- q3


def descent(gradient_descent):
    def f(x):
        return x[0] ** 2 + x[1] ** 2

    init = np.array([-3.0, 4.0])
    x, history = gradient_descent(f, init, lr=0.1, step_num=100)
    return {"x": x, "history": history, "init_x after": init}


def one_step(gradient_descent):
    def f(x):
        return ((x - 1.0) ** 2).sum()

    x, _ = gradient_descent(f, np.zeros(3), lr=0.5, step_num=1)
    return x


# ------------------------------------------------------------------------------------- q4


def factors(truncation_factor, rounding_factor):
    return {"truncation": truncation_factor, "rounding": rounding_factor}


def steps(best_h):
    return {
        "float64": best_h(2.220446049250313e-16),
        "float32": best_h(1.1920929e-07),
        "1e-15": best_h(1e-15),
        "1e-18": best_h(1e-18),
    }


def reason(q4_reason):
    return q4_reason


# ------------------------------------------------------------------------------------- q5


def wrong_lines(q5_copy_a, q5_copy_b, q5_copy_c):
    return {"A": q5_copy_a, "B": q5_copy_b, "C": q5_copy_c}


# ---------------------------------------------------------------------------------- rules


def grows_as_fifth_root(got) -> bool:
    """best_h grows like eps ** (1/5): 1000 times the precision, about 4 times the step (a cube
    root, the central difference's balance, would give 10; a square root 32)."""
    small, large = numbers(got["1e-18"]), numbers(got["1e-15"])
    return small is not None and large is not None and 3.2 < float(large / small) < 5.0


def in_range_64(got) -> bool:
    """eps ** (1/5) is 7.4e-4 in float64; constant factors of order 1 allowed."""
    return within(2e-4, 3e-3)(got["float64"], None)


def in_range_32(got) -> bool:
    """eps ** (1/5) is 0.041 in float32."""
    return within(1e-2, 0.15)(got["float32"], None)


# --------------------------------------------------------------------------------- checks

CHECKS = [
    Check(
        "q1",
        "the central difference, h passed on",
        slope_with_h,
        close(),
        "numerical_diff(f, x, h) must be the central difference (f(x + h) - f(x - h)) / (2h) "
        "with the h it is given. Hint: divide by 2 * h, not h, and use h, not a number of your "
        "own.",
    ),
    Check(
        "q1",
        "the default step",
        slope_default_h,
        close(),
        "Called without h, numerical_diff must use the default h = 1e-4 and the central "
        "difference. Hint: keep the signature numerical_diff(f, x, h=1e-4).",
    ),
    Check(
        "q2",
        "the gradient of a matrix",
        gradient_of_a_matrix,
        close(),
        "numerical_gradient must work for x of any shape: for every element, the central "
        "difference of f when that one element moves by +h and -h, with the h it is given; the "
        "gradient has x's shape. Hint: loop with for idx in np.ndindex(x.shape), not over the "
        "first axis only.",
        key="gradient",
    ),
    Check(
        "q2",
        "x restored exactly",
        gradient_of_a_matrix,
        equal(),
        "x must hold exactly its original values when numerical_gradient returns. Hint: save "
        "the element (tmp = x[idx]) before perturbing it and assign it back (x[idx] = tmp); "
        "adding h back does not give the same float.",
        key="x after",
    ),
    Check(
        "q2",
        "a three-dimensional array",
        gradient_of_a_cube,
        close(),
        "numerical_gradient must also work for an array of three dimensions, and return a "
        "gradient of the same shape. Hint: np.ndindex(x.shape) visits every element whatever "
        "the shape; grad = np.zeros_like(x).",
    ),
    Check(
        "q3",
        "the final position",
        descent,
        close(atol=1e-12),
        "Each step must be x <- x - lr * grad, with grad = numerical_gradient_lib(f, x) at the "
        "current x, for step_num steps. Hint: x -= lr * grad (a product, not lr + grad).",
        key="x",
    ),
    Check(
        "q3",
        "the history",
        descent,
        close(atol=1e-12),
        "history must hold the step_num positions before each step, the first one being the "
        "start. Hint: append x.copy() at the top of the loop, before the update (x itself keeps "
        "changing).",
        key="history",
    ),
    Check(
        "q3",
        "init_x unchanged",
        descent,
        equal(),
        "The caller's init_x must not change. Hint: start from a copy, "
        "x = np.array(init_x, dtype=float).",
        key="init_x after",
    ),
    Check(
        "q3",
        "a single step",
        one_step,
        close(atol=1e-9),
        "gradient_descent(f, init_x, lr, step_num=1) takes exactly one step x - lr * grad from "
        "init_x. Hint: use the lr and step_num you are given.",
    ),
    Check(
        "q4",
        "the truncation factor",
        factors,
        close(),
        "truncation_factor is not how many times smaller the five-point difference's truncation "
        "error gets when h is divided by 10. Hint: an error proportional to h**p is divided by "
        "10**p; the question says which power p this formula has.",
        key="truncation",
        answer=True,
    ),
    Check(
        "q4",
        "the rounding factor",
        factors,
        close(),
        "rounding_factor is not how many times larger the rounding error gets when h is divided "
        "by 10. Hint: the rounding errors of the function values do not depend on h, and the "
        "formula divides them by a multiple of h.",
        key="rounding",
        answer=True,
    ),
    Check(
        "q4",
        "the float64 step",
        steps,
        in_range_64,
        "best_h(eps) does not give the step where the five-point difference's two errors "
        "balance in float64. Hint: set the truncation error (a power of h) equal to the "
        "rounding error (eps / h) and solve for h; constant factors of order 1 do not matter.",
        answer=True,
    ),
    Check(
        "q4",
        "the float32 step",
        steps,
        in_range_32,
        "best_h(eps) does not give the step where the two errors balance for float32's "
        "precision. Hint: the same formula of eps, with eps = 1.2e-7; it is not the central "
        "difference's formula.",
        answer=True,
    ),
    Check(
        "q4",
        "how the step grows",
        steps,
        grows_as_fifth_root,
        "best_h must grow with eps as the balance of the five-point difference's two errors "
        "says. Hint: which power of eps solves h**4 = eps / h?",
        answer=True,
    ),
    Check(
        "q4",
        "the reason",
        reason,
        choice(),
        "The reason you chose for not taking h = 1e-12 is not the one that fits. Hint: how many "
        "of their stored digits do f(x + h) and f(x - h) share when h is that small, and what "
        "does dividing by a tiny h do to the few that differ?",
        answer=True,
    ),
    Check(
        "q5",
        "copy A",
        wrong_lines,
        close(0, 0),
        "q5_copy_a is not the wrong line of copy A. Hint: which lines do the gradients of W1 and "
        "b1 depend on that those of W2 and b2 do not? Of those, which one, if wrong, would still "
        "leave the gradient a multiple of the right one?",
        key="A",
        answer=True,
    ),
    Check(
        "q5",
        "copy B",
        wrong_lines,
        close(0, 0),
        "q5_copy_b is not the wrong line of copy B. Hint: only W1 and b1 are wrong, by the same "
        "factor; what is the sigmoid's slope at inputs near 0, and where does the backward pass "
        "multiply by it?",
        key="B",
        answer=True,
    ),
    Check(
        "q5",
        "copy C",
        wrong_lines,
        close(0, 0),
        "q5_copy_c is not the wrong line of copy C. Hint: every parameter is wrong by the same "
        "factor, and that factor is a number the question gives; which single line do all four "
        "gradients go through?",
        key="C",
        answer=True,
    ),
]
