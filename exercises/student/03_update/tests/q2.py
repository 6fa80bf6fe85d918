OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q2',
    'points': 1,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'iterations_per_epoch' in globals(), 'q2: not answered yet — run the cell that defines iterations_per_epoch'\n"
                                               '...     def _call(what, *args, **kwargs):\n'
                                               '...         try:\n'
                                               '...             return iterations_per_epoch(*args, **kwargs)\n'
                                               '...         except Exception as e:\n'
                                               "...             raise AssertionError(f'q2: iterations_per_epoch({what}) raised {type(e).__name__}: {e}') from None\n"
                                               "...     n = _call('60000, 100', 60000, 100)\n"
                                               "...     assert n is not None and n is not ..., 'q2: not answered yet — replace the ... in iterations_per_epoch with your code and run its cell'\n"
                                               "...     assert n == 600, f'q2: 60000 samples in batches of 100 make 600 iterations; got {n}'\n"
                                               "...     assert type(n) is int, f'q2: return a Python int (got {type(n).__name__}): an iteration count'\n"
                                               "...     n = _call('1050, 100', 1050, 100)\n"
                                               "...     assert n == 11, f'q2: 1050 samples in batches of 100 make ceil(10.5) = 11 iterations (the last has 50); got {n}'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
