from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q1(cross_entropy_error):
    import numpy as np
    assert cross_entropy_error is not None, 'q1: not answered yet — run the cell that defines cross_entropy_error'

    def call(what, *args):
        try:
            return cross_entropy_error(*args)
        except Exception as e:
            raise AssertionError(f'q1: cross_entropy_error with {what} raised {type(e).__name__}: {e}') from None
    y = np.array([[0.1, 0.6, 0.3], [0.8, 0.1, 0.1]])
    loss = call('a batch and one-hot labels', y, np.array([[0, 1, 0], [1, 0, 0]]))
    assert loss is not None and loss is not ..., 'q1: not answered yet — replace the ... in cross_entropy_error with your code and run its cell'
    expected = -(np.log(0.6 + 1e-07) + np.log(0.8 + 1e-07)) / 2
    assert np.shape(loss) == (), f'q1: the loss is one number; got shape {np.shape(loss)}'
    assert abs(loss - expected) < 1e-06, f"q1: with one-hot labels this batch's loss is {expected:.6f}, the mean over the rows of -log(p + 1e-7) where p is the probability of the correct class; got {loss}"
    assert abs(loss - expected) < 1e-12, f"q1: close, but not the book's formula: add delta = 1e-7 inside the logarithm, -log(p + 1e-7) (the loss is {expected:.12g}; got {loss:.12g})"
    loss = call('integer labels', y, np.array([1, 0]))
    assert abs(loss - expected) < 1e-12, f'q1: integer labels np.array([1, 0]) name the same classes as the one-hot labels above and must give the same loss {expected:.6f}; got {loss}'
    loss = call('a single sample', y[0], 1)
    assert abs(loss - -np.log(0.6 + 1e-07)) < 1e-12, f'q1: a single sample (y of shape (3,)) with the integer label 1 must give -log(y[1] + 1e-7) = 0.5108: treat it as a batch of one; got {loss}'
    loss = call('a single one-hot sample', y[0], np.array([0, 1, 0]))
    assert abs(loss - -np.log(0.6 + 1e-07)) < 1e-12, f'q1: a single sample with a one-hot label must give the same loss as its integer label, 0.5108; got {loss}'

