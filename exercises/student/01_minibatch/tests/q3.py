from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 1
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q3(minibatch):
    import numpy as np
    assert minibatch is not None, 'q3: not answered yet — run the cell that defines minibatch'
    x = np.arange(200.0).reshape(100, 2)
    t = np.arange(100)
    batch = minibatch(x, t, 8, np.random.default_rng(1))
    assert batch is not None and batch is not ..., 'q3: not answered yet — replace the ... in minibatch with your code and run its cell'
    xb, tb = batch
    assert np.shape(xb) == (8, 2) and np.shape(tb) == (8,), 'q3: minibatch(x, t, 8, rng) should return x_batch of shape (8, 2) and t_batch of shape (8,)'
    assert np.array_equal(np.asarray(xb)[:, 0], 2 * np.asarray(tb)), 'q3: row k of x_batch and label k of t_batch must belong to the same sample: index x and t with the same indices'
    assert np.array_equal(tb, minibatch(x, t, 8, np.random.default_rng(1))[1]), 'q3: draw the batch with the generator rng you are given: the same seed must give the same batch'
    assert not np.array_equal(tb, minibatch(x, t, 8, np.random.default_rng(2))[1]), 'q3: the batch must be random: two generators with different seeds gave the same batch'

