OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q1',
    'points': 2,
    'suites': [   {   'cases': [{'code': '>>> def f(x):\n...     return 0.01 * x ** 2 + 0.1 * x\n>>> assert np.isclose(numerical_diff(f, 5.0), 0.2)\n', 'hidden': False, 'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
