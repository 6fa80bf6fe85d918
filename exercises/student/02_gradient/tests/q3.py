OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q3',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'gradient_descent' in globals(), 'q3: not answered yet — run the cell that defines gradient_descent'\n"
                                               '...     def _call(what, *args, **kwargs):\n'
                                               '...         try:\n'
                                               '...             return gradient_descent(*args, **kwargs)\n'
                                               '...         except Exception as e:\n'
                                               "...             raise AssertionError(f'q3: gradient_descent({what}) raised {type(e).__name__}: {e}') from None\n"
                                               '...     def f(x):\n'
                                               '...         return x[0] ** 2 + x[1] ** 2\n'
                                               '...     init = np.array([-3.0, 4.0])\n'
                                               "...     result = _call('f, init, lr=0.1, step_num=100', f, init, lr=0.1, step_num=100)\n"
                                               "...     assert result is not None and result is not ..., 'q3: not answered yet — replace the ... in gradient_descent with your code and run its cell'\n"
                                               '...     x, history = result\n'
                                               "...     assert np.shape(history) == (100, 2), f'q3: history holds the 100 positions before each step, shape (100, 2); got shape {np.shape(history)}'\n"
                                               "...     assert np.allclose(history[0], [-3.0, 4.0]), f'q3: history[0] is the starting position (-3, 4): record a copy of x before each step; got "
                                               "{history[0]}'\n"
                                               "...     assert np.allclose(history[1], [-2.4, 3.2]), f'q3: history[1] is the position after one step, (-2.4, 3.2): record a copy of x (x.copy()), not "
                                               "x itself, which keeps changing; got {history[1]}'\n"
                                               "...     assert np.allclose(x, [0.0, 0.0], atol=1e-06), f'q3: 100 steps of x <- x - 0.1 * grad from (-3, 4) end at the minimum (0, 0); got {x}'\n"
                                               "...     assert init.tolist() == [-3.0, 4.0], f'q3: init_x must not change: work on a copy (it now holds {init.tolist()})'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
