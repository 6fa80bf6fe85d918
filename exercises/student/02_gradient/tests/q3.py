OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q3',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> def f(x):\n'
                                               '...     return x[0] ** 2 + x[1] ** 2\n'
                                               '>>> x, history = gradient_descent(f, np.array([-3.0, 4.0]), lr=0.1, step_num=100)\n'
                                               '>>> assert np.allclose(x, [0.0, 0.0], atol=1e-06)\n'
                                               '>>> assert history.shape == (100, 2)\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
