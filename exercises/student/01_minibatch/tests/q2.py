OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q2',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> idx = sample_batch_indices(1000, 10, np.random.default_rng(0))\n>>> assert idx.shape == (10,)\n>>> assert idx.min() >= 0 and idx.max() < 1000\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
