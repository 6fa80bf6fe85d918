OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q1',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': ">>> params = {'W': np.array([1.0, 2.0]), 'b': np.array([0.5])}\n"
                                               ">>> grads = {'W': np.array([10.0, -10.0]), 'b': np.array([1.0])}\n"
                                               '>>> sgd_update(params, grads, lr=0.1)\n'
                                               ">>> assert np.allclose(params['W'], [0.0, 3.0]) and np.allclose(params['b'], [0.4])\n",
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
