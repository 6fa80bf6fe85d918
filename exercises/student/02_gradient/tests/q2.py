from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q2(numerical_gradient):
    import numpy as np
    assert numerical_gradient is not None, 'q2: not answered yet — run the cell that defines numerical_gradient'

    def call(what, *args, **kwargs):
        try:
            return numerical_gradient(*args, **kwargs)
        except Exception as e:
            raise AssertionError(f'q2: numerical_gradient({what}) raised {type(e).__name__}: {e}') from None

    def f(x):
        return np.sum(x ** 2)
    x = np.array([3.0, 4.0])
    g = call('f, x', f, x)
    assert g is not None and g is not ... and np.any(np.asarray(g) != 0), 'q2: not answered yet — numerical_gradient returned zeros: fill in the ... in its loop'
    assert np.allclose(g, [6.0, 8.0], rtol=0, atol=1e-06), f'q2: the gradient of x0^2 + x1^2 at (3, 4) is (6, 8), and the central difference is exact on a quadratic up to rounding (a forward difference is off by h); got {g}'
    assert x.tolist() == [3.0, 4.0], f'q2: x must hold exactly its original values [3.0, 4.0] afterwards (save the element and put the saved value back; adding h back is not exact); it holds {x.tolist()}'
    m = np.array([[1.0, 2.0], [3.0, 4.0]])
    g = call('f, a 2x2 matrix', f, m)
    assert np.shape(g) == (2, 2) and np.allclose(g, 2 * m, rtol=0, atol=1e-06), f'q2: x can have any shape: for the 2x2 matrix [[1, 2], [3, 4]] the gradient of the sum of squares is [[2, 4], [6, 8]] (perturb one element at a time, e.g. with np.ndindex); got {g}'

