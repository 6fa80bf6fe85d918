OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q1',
    'points': 2,
    'suites': [   {   'cases': [{'code': '>>> y = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])\n>>> assert np.isclose(accuracy(y, np.array([1, 0, 0])), 2 / 3)\n', 'hidden': False, 'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
