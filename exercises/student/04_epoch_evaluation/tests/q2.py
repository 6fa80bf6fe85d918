OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q2',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'evaluate_in_batches' in globals(), 'q2: not answered yet — run the cell that defines evaluate_in_batches'\n"
                                               '...     def _call(what, *args, **kwargs):\n'
                                               '...         try:\n'
                                               '...             return evaluate_in_batches(*args, **kwargs)\n'
                                               '...         except Exception as e:\n'
                                               "...             raise AssertionError(f'q2: evaluate_in_batches({what}) raised {type(e).__name__}: {e}') from None\n"
                                               '...     def predict_first_column(xb):\n'
                                               '...         """Scores whose largest entry is at the class written in the first input column."""\n'
                                               '...         return np.eye(3)[xb[:, 0].astype(int)]\n'
                                               '...     x = np.array([[0], [1], [2], [0], [1], [2], [0], [1], [2], [2]], dtype=float)\n'
                                               '...     t = np.array([0, 1, 2, 0, 1, 2, 1, 0, 0, 2])\n'
                                               "...     acc = _call('predict, x, t, 3', predict_first_column, x, t, 3)\n"
                                               "...     assert acc != 0, 'q2: not answered yet — no correct answer was counted: fill in the loop of evaluate_in_batches'\n"
                                               "...     assert np.isclose(acc, 0.7), f'q2: 7 of the 10 samples are right, in batches of 3 (3 + 3 + 3 + 1 rows): accuracy 0.7; got {acc} (every sample "
                                               "counts once, the last short batch too, and the accuracy is correct answers / all samples, not a mean of batch accuracies)'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
