from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 2
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q3(gradient_descent):
    import numpy as np
    assert gradient_descent is not None, 'q3: not answered yet — run the cell that defines gradient_descent'

    def call(what, *args, **kwargs):
        try:
            return gradient_descent(*args, **kwargs)
        except Exception as e:
            raise AssertionError(f'q3: gradient_descent({what}) raised {type(e).__name__}: {e}') from None

    def f(x):
        return x[0] ** 2 + x[1] ** 2
    init = np.array([-3.0, 4.0])
    result = call('f, init, lr=0.1, step_num=100', f, init, lr=0.1, step_num=100)
    assert result is not None and result is not ..., 'q3: not answered yet — replace the ... in gradient_descent with your code and run its cell'
    x, history = result
    assert np.shape(history) == (100, 2), f'q3: history holds the 100 positions before each step, shape (100, 2); got shape {np.shape(history)}'
    assert np.allclose(history[0], [-3.0, 4.0]), f'q3: history[0] is the starting position (-3, 4): record a copy of x before each step; got {history[0]}'
    assert np.allclose(history[1], [-2.4, 3.2]), f'q3: history[1] is the position after one step, (-2.4, 3.2): record a copy of x (x.copy()), not x itself, which keeps changing; got {history[1]}'
    assert np.allclose(x, [0.0, 0.0], atol=1e-06), f'q3: 100 steps of x <- x - 0.1 * grad from (-3, 4) end at the minimum (0, 0); got {x}'
    assert init.tolist() == [-3.0, 4.0], f'q3: init_x must not change: work on a copy (it now holds {init.tolist()})'

