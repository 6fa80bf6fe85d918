OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q1',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'cross_entropy_error' in globals(), 'q1: not answered yet — run the cell that defines cross_entropy_error'\n"
                                               '...     def _call(what, *args):\n'
                                               '...         try:\n'
                                               '...             return cross_entropy_error(*args)\n'
                                               '...         except Exception as e:\n'
                                               "...             raise AssertionError(f'q1: cross_entropy_error with {what} raised {type(e).__name__}: {e}') from None\n"
                                               '...     y = np.array([[0.1, 0.6, 0.3], [0.8, 0.1, 0.1]])\n'
                                               "...     loss = _call('a batch and one-hot labels', y, np.array([[0, 1, 0], [1, 0, 0]]))\n"
                                               "...     assert loss is not None and loss is not ..., 'q1: not answered yet — replace the ... in cross_entropy_error with your code and run its cell'\n"
                                               '...     expected = -(np.log(0.6 + 1e-07) + np.log(0.8 + 1e-07)) / 2\n'
                                               '...     assert np.isclose(loss, expected), f"q1: with one-hot labels this batch\'s loss is {expected:.6f}, the mean over the rows of -log(p + 1e-7) '
                                               'where p is the probability of the correct class; got {loss}"\n'
                                               "...     assert np.isclose(_call('integer labels', y, np.array([1, 0])), expected), 'q1: integer labels np.array([1, 0]) name the same classes as the "
                                               "one-hot labels above and must give the same loss'\n"
                                               "...     assert np.isclose(_call('a single sample', y[0], 1), -np.log(0.6 + 1e-07)), 'q1: a single sample (y of shape (3,)) with the integer label 1 "
                                               "must give -log(y[1] + 1e-7) = 0.5108: treat it as a batch of one'\n"
                                               "...     assert np.isclose(_call('a single one-hot sample', y[0], np.array([0, 1, 0])), -np.log(0.6 + 1e-07)), 'q1: a single sample with a one-hot "
                                               "label must give the same loss as its integer label'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
