OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q2',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'numerical_gradient' in globals(), 'q2: not answered yet — run the cell that defines numerical_gradient'\n"
                                               '...     def _call(what, *args, **kwargs):\n'
                                               '...         try:\n'
                                               '...             return numerical_gradient(*args, **kwargs)\n'
                                               '...         except Exception as e:\n'
                                               "...             raise AssertionError(f'q2: numerical_gradient({what}) raised {type(e).__name__}: {e}') from None\n"
                                               '...     def f(x):\n'
                                               '...         return np.sum(x ** 2)\n'
                                               '...     x = np.array([3.0, 4.0])\n'
                                               "...     g = _call('f, x', f, x)\n"
                                               "...     assert g is not None and g is not ... and np.any(np.asarray(g) != 0), 'q2: not answered yet — numerical_gradient returned zeros: fill in the "
                                               "... in its loop'\n"
                                               "...     assert np.allclose(g, [6.0, 8.0]), f'q2: the gradient of x0^2 + x1^2 at (3, 4) is (6, 8); got {g}'\n"
                                               "...     assert x.tolist() == [3.0, 4.0], f'q2: x must hold its original values [3.0, 4.0] afterwards (put the saved value back); it holds "
                                               "{x.tolist()}'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
