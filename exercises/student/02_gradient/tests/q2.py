OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q2',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> def f(x):\n...     return np.sum(x ** 2)\n>>> g = numerical_gradient(f, np.array([3.0, 4.0]))\n>>> assert np.allclose(g, [6.0, 8.0])\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
