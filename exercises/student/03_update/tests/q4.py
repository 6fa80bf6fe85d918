OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q4',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'predicted_digit' in globals() and 'q4_verdict' in globals(), 'q4: not answered yet — run the cell that defines predicted_digit and "
                                               "q4_verdict'\n"
                                               "...     assert predicted_digit is not ... and q4_verdict is not ..., 'q4: not answered yet — give predicted_digit and q4_verdict a value'\n"
                                               "...     assert int(predicted_digit) in range(10), f'q4: predicted_digit is a digit from 0 to 9; got {predicted_digit!r}'\n"
                                               '...     assert str(q4_verdict).strip().upper() in (\'A\', \'B\', \'C\', \'D\'), f\'q4: q4_verdict must be one of the letters "A", "B", "C", "D"; got '
                                               "{q4_verdict!r}'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
