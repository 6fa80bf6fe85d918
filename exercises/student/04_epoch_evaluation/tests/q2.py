OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q2',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> from scratchlib import TwoLayerNet\n'
                                               '>>> net = TwoLayerNet(4, 5, 3, seed=0)\n'
                                               '>>> x = np.random.default_rng(0).normal(size=(10, 4))\n'
                                               '>>> t = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])\n'
                                               '>>> assert np.isclose(evaluate_in_batches(net.predict, x, t, 3), np.mean(net.predict(x).argmax(axis=1) == t))\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
