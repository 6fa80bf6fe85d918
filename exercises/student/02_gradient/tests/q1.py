OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q1',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'numerical_diff' in globals(), 'q1: not answered yet — run the cell that defines numerical_diff'\n"
                                               '...     def _call(what, *args, **kwargs):\n'
                                               '...         try:\n'
                                               '...             return numerical_diff(*args, **kwargs)\n'
                                               '...         except Exception as e:\n'
                                               "...             raise AssertionError(f'q1: numerical_diff({what}) raised {type(e).__name__}: {e}') from None\n"
                                               '...     def f(x):\n'
                                               '...         return 0.01 * x ** 2 + 0.1 * x\n'
                                               "...     slope = _call('f, 5.0', f, 5.0)\n"
                                               "...     assert slope is not None and slope is not ..., 'q1: not answered yet — replace the ... in numerical_diff with your code and run its cell'\n"
                                               "...     assert abs(slope - 0.2) < 1e-09, f'q1: the derivative of 0.01 x^2 + 0.1 x at x = 5 is 0.2, and the central difference is exact on a quadratic "
                                               "up to rounding (within 1e-9; a forward difference is off by 0.01 h = 1e-6); got {slope}'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
