OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q2',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'sample_batch_indices' in globals(), 'q2: not answered yet — run the cell that defines sample_batch_indices'\n"
                                               '...     idx = sample_batch_indices(1000, 10, np.random.default_rng(0))\n'
                                               "...     assert idx is not None and idx is not ..., 'q2: not answered yet — replace the ... in sample_batch_indices with your code and run its cell'\n"
                                               '...     idx = np.asarray(idx)\n'
                                               "...     assert idx.shape == (10,), f'q2: sample_batch_indices(1000, 10, rng) should give 10 indices (shape (10,)), got shape {idx.shape}'\n"
                                               "...     assert np.issubdtype(idx.dtype, np.integer), 'q2: the indices must be integers (they pick rows)'\n"
                                               "...     assert idx.min() >= 0 and idx.max() < 1000, 'q2: the indices must lie in range(train_size)'\n"
                                               '...     again = np.asarray(sample_batch_indices(1000, 10, np.random.default_rng(0)))\n'
                                               "...     assert np.array_equal(idx, again), 'q2: draw with the generator rng you are given: the same seed must give the same batch'\n"
                                               '...     try:\n'
                                               '...         bigger = sample_batch_indices(3, 5, np.random.default_rng(0))\n'
                                               '...     except Exception as e:\n'
                                               "...         raise AssertionError(f'q2: sample_batch_indices(3, 5, rng) raised {type(e).__name__}: {e}') from None\n"
                                               "...     assert len(bigger) == 5, 'q2: with replacement, sample_batch_indices(3, 5, rng) gives 5 indices (some repeat)'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
