from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 1
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q1(numerical_diff):
    assert numerical_diff is not None, 'q1: not answered yet — run the cell that defines numerical_diff'

    def call(what, *args, **kwargs):
        try:
            return numerical_diff(*args, **kwargs)
        except Exception as e:
            raise AssertionError(f'q1: numerical_diff({what}) raised {type(e).__name__}: {e}') from None

    def f(x):
        return 0.01 * x ** 2 + 0.1 * x
    slope = call('f, 5.0', f, 5.0)
    assert slope is not None and slope is not ..., 'q1: not answered yet — replace the ... in numerical_diff with your code and run its cell'
    assert abs(slope - 0.2) < 1e-09, f'q1: the derivative of 0.01 x^2 + 0.1 x at x = 5 is 0.2, and the central difference is exact on a quadratic up to rounding (within 1e-9; a forward difference is off by 0.01 h = 1e-6); got {slope}'

    def cube(x):
        return x ** 3
    slope = call('cube, 1.0, h=0.1', cube, 1.0, h=0.1)
    assert abs(slope - 3.01) < 1e-09, f'q1: the central difference of x^3 at x = 1 with h = 0.1 is 3 + h^2 = 3.01: use the h you are given; got {slope}'

