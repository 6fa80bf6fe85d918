OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q3',
    'points': 2,
    'suites': [   {   'cases': [{'code': '>>> assert epoch_checkpoints(1000, 600, 100) == [0, 6, 12, 18] + list(range(24, 1000, 6))\n', 'hidden': False, 'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
