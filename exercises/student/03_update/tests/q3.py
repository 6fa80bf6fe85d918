OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q3',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> x = np.linspace(-1, 1, 8)\n'
                                               '>>> params, losses = train_linear(x, 2 * x + 1, lr=0.1, iters=50)\n'
                                               '>>> assert len(losses) == 50 and losses[-1] < losses[0]\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
