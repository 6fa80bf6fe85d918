OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q3',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'train_linear' in globals(), 'q3: not answered yet — run the cell that defines train_linear'\n"
                                               '...     def _call(what, *args, **kwargs):\n'
                                               '...         try:\n'
                                               '...             return train_linear(*args, **kwargs)\n'
                                               '...         except Exception as e:\n'
                                               "...             raise AssertionError(f'q3: train_linear({what}) raised {type(e).__name__}: {e}') from None\n"
                                               '...     x = np.linspace(-1, 1, 8)\n'
                                               '...     t = 2 * x + 1\n'
                                               "...     params, losses = _call('x, t, lr=0.1, iters=50', x, t, lr=0.1, iters=50)\n"
                                               "...     assert len(losses) > 0, 'q3: not answered yet — losses is empty: fill in the ... in the loop'\n"
                                               "...     assert len(losses) == 50, f'q3: one loss per iteration: 50 losses; got {len(losses)}'\n"
                                               '...     start = float(np.mean(t ** 2))\n'
                                               "...     assert np.isclose(losses[0], start), f'q3: losses[0] is the loss of the starting line w = b = 0, computed with the first gradient before the "
                                               "first update: mean(t**2) = {start:.4f}; got {losses[0]}'\n"
                                               "...     assert losses[-1] < 0.001, f'q3: after 50 steps with lr = 0.1 the line fits t = 2x + 1 closely (loss below 0.001); got {losses[-1]}'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
