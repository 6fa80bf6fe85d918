from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 1
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q1(sgd_update):
    import numpy as np
    assert sgd_update is not None, 'q1: not answered yet — run the cell that defines sgd_update'

    def call(what, *args, **kwargs):
        try:
            return sgd_update(*args, **kwargs)
        except Exception as e:
            raise AssertionError(f'q1: sgd_update({what}) raised {type(e).__name__}: {e}') from None
    W = np.array([1.0, 2.0])
    params = {'W': W, 'b': np.array([0.5])}
    grads = {'W': np.array([10.0, -10.0]), 'b': np.array([1.0])}
    returned = call('params, grads, lr=0.1', params, grads, lr=0.1)
    assert returned is None, f'q1: sgd_update changes the arrays of params in place and returns nothing; it returned a {type(returned).__name__}'
    assert not (params['W'].tolist() == [1.0, 2.0] and params['b'].tolist() == [0.5]), 'q1: not answered yet — the arrays of params did not change: fill in the ... in sgd_update (it changes them in place and returns nothing)'
    assert params['W'] is W, "q1: update in place (params[key] -= ...): params['W'] is no longer the same array"
    assert np.allclose(params['W'], [0.0, 3.0]) and np.allclose(params['b'], [0.4]), f"q1: W = [1, 2] with gradient [10, -10] and lr = 0.1 becomes [0, 3] (and b 0.5 -> 0.4); got W = {params['W']}, b = {params['b']}"
    assert returned is None, 'q1: sgd_update changes params in place and returns nothing'

