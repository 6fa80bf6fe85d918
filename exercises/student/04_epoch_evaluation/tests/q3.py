OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q3',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'epoch_checkpoints' in globals(), 'q3: not answered yet — run the cell that defines epoch_checkpoints'\n"
                                               '...     def _call(what, *args, **kwargs):\n'
                                               '...         try:\n'
                                               '...             return epoch_checkpoints(*args, **kwargs)\n'
                                               '...         except Exception as e:\n'
                                               "...             raise AssertionError(f'q3: epoch_checkpoints({what}) raised {type(e).__name__}: {e}') from None\n"
                                               "...     points = _call('1000, 60000, 100', 1000, 60000, 100)\n"
                                               "...     assert points is not None and points is not ..., 'q3: not answered yet — replace the ... in epoch_checkpoints with your code and run its "
                                               "cell'\n"
                                               "...     assert list(points) == [0, 600], f'q3: 1000 iterations with 600 per epoch evaluate after the updates of iterations 0 and 600; got {points}'\n"
                                               "...     points = _call('25, 105, 10', 25, 105, 10)\n"
                                               "...     assert list(points) == [0, 11, 22], f'q3: 105 samples in batches of 10 make an epoch of ceil(10.5) = 11 iterations: evaluations at 0, 11 and "
                                               "22; got {points}'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
