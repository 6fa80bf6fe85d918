from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 1
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q2(sample_batch_indices):
    import numpy as np
    assert sample_batch_indices is not None, 'q2: not answered yet — run the cell that defines sample_batch_indices'

    def call(*args):
        try:
            return sample_batch_indices(*args)
        except Exception as e:
            args_text = ', '.join(map(str, args[:2]))
            raise AssertionError(f'q2: sample_batch_indices({args_text}, rng) raised {type(e).__name__}: {e}') from None
    idx = call(1000, 10, np.random.default_rng(0))
    assert idx is not None and idx is not ..., 'q2: not answered yet — replace the ... in sample_batch_indices with your code and run its cell'
    idx = np.asarray(idx)
    assert idx.shape == (10,), f'q2: sample_batch_indices(1000, 10, rng) should give 10 indices (shape (10,)), got shape {idx.shape}'
    assert np.issubdtype(idx.dtype, np.integer), 'q2: the indices must be integers (they pick rows)'
    assert idx.min() >= 0 and idx.max() < 1000, 'q2: the indices must lie in range(train_size)'
    again = np.asarray(call(1000, 10, np.random.default_rng(0)))
    assert np.array_equal(idx, again), 'q2: draw with the generator rng you are given: the same seed must give the same batch'
    other = np.asarray(call(1000, 10, np.random.default_rng(1)))
    assert not np.array_equal(idx, other), 'q2: the batch must be random: generators with the seeds 0 and 1 gave the same batch (a generator of your own with a fixed seed, or no randomness at all?)'
    both = np.asarray(call(2, 200, np.random.default_rng(0)))
    assert set(both.tolist()) == {0, 1}, f'q2: every index of range(train_size) must be possible: 200 draws from range(2) gave {sorted(set(both.tolist()))} (rng.integers(low, high) draws from low to high - 1)'
    bigger = call(3, 5, np.random.default_rng(0))
    assert len(bigger) == 5, 'q2: with replacement, sample_batch_indices(3, 5, rng) gives 5 indices (some repeat)'

