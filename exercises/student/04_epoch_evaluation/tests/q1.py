OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q1',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'accuracy' in globals(), 'q1: not answered yet — run the cell that defines accuracy'\n"
                                               '...     def _call(what, *args, **kwargs):\n'
                                               '...         try:\n'
                                               '...             return accuracy(*args, **kwargs)\n'
                                               '...         except Exception as e:\n'
                                               "...             raise AssertionError(f'q1: accuracy({what}) raised {type(e).__name__}: {e}') from None\n"
                                               '...     y = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])\n'
                                               "...     acc = _call('y, integer labels', y, np.array([1, 0, 0]))\n"
                                               "...     assert acc is not None and acc is not ..., 'q1: not answered yet — replace the ... in accuracy with your code and run its cell'\n"
                                               "...     assert np.isclose(acc, 2 / 3), f'q1: the predicted classes are [1, 0, 1] against the labels [1, 0, 0]: 2 of 3 right, accuracy 0.667; got "
                                               "{acc}'\n"
                                               "...     acc = _call('y, one-hot labels', y, np.array([[0, 1], [1, 0], [1, 0]]))\n"
                                               "...     assert np.isclose(acc, 2 / 3), f'q1: one-hot labels [[0, 1], [1, 0], [1, 0]] name the same classes [1, 0, 0] and must give the same accuracy "
                                               "0.667; got {acc}'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
