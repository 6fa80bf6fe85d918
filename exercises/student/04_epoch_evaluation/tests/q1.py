from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 1
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q1(accuracy):
    import numpy as np
    assert accuracy is not None, 'q1: not answered yet — run the cell that defines accuracy'

    def call(what, *args, **kwargs):
        try:
            return accuracy(*args, **kwargs)
        except Exception as e:
            raise AssertionError(f'q1: accuracy({what}) raised {type(e).__name__}: {e}') from None
    y = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    acc = call('y, integer labels', y, np.array([1, 0, 0]))
    assert acc is not None and acc is not ..., 'q1: not answered yet — replace the ... in accuracy with your code and run its cell'
    assert np.isclose(acc, 2 / 3), f'q1: the predicted classes are [1, 0, 1] against the labels [1, 0, 0]: 2 of 3 right, accuracy 0.667; got {acc}'
    acc = call('y, one-hot labels', y, np.array([[0, 1], [1, 0], [1, 0]]))
    assert np.isclose(acc, 2 / 3), f'q1: one-hot labels [[0, 1], [1, 0], [1, 0]] name the same classes [1, 0, 0] and must give the same accuracy 0.667; got {acc}'

