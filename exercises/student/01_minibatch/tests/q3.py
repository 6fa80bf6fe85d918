OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q3',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'minibatch' in globals(), 'q3: not answered yet — run the cell that defines minibatch'\n"
                                               '...     x = np.arange(200.0).reshape(100, 2)\n'
                                               '...     t = np.arange(100)\n'
                                               '...     batch = minibatch(x, t, 8, np.random.default_rng(1))\n'
                                               "...     assert batch is not None and batch is not ..., 'q3: not answered yet — replace the ... in minibatch with your code and run its cell'\n"
                                               '...     xb, tb = batch\n'
                                               "...     assert np.shape(xb) == (8, 2) and np.shape(tb) == (8,), 'q3: minibatch(x, t, 8, rng) should return x_batch of shape (8, 2) and t_batch of "
                                               "shape (8,)'\n"
                                               "...     assert np.array_equal(np.asarray(xb)[:, 0], 2 * np.asarray(tb)), 'q3: row k of x_batch and label k of t_batch must belong to the same sample: "
                                               "index x and t with the same indices'\n"
                                               "...     assert np.array_equal(tb, minibatch(x, t, 8, np.random.default_rng(1))[1]), 'q3: draw the batch with the generator rng you are given: the same "
                                               "seed must give the same batch'\n"
                                               "...     assert not np.array_equal(tb, minibatch(x, t, 8, np.random.default_rng(2))[1]), 'q3: the batch must be random: two generators with different "
                                               "seeds gave the same batch'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
