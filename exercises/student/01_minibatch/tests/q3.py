OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q3',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> xb, tb = minibatch(np.zeros((100, 4)), np.zeros(100, dtype=int), 8, np.random.default_rng(1))\n'
                                               '>>> assert xb.shape == (8, 4) and tb.shape == (8,)\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
