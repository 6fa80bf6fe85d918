OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q1',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> y = np.array([[0.1, 0.6, 0.3], [0.8, 0.1, 0.1]])\n'
                                               '>>> t = np.array([[0, 1, 0], [1, 0, 0]])\n'
                                               '>>> assert np.isclose(cross_entropy_error(y, t), -(np.log(0.6 + 1e-07) + np.log(0.8 + 1e-07)) / 2)\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
