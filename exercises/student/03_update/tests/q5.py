OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q5',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'q5_overflow' in globals() and 'q5_update' in globals(), 'q5: not answered yet — run the cell that defines q5_overflow and q5_update'\n"
                                               "...     assert q5_overflow is not ... and q5_update is not ..., 'q5: not answered yet — give q5_overflow and q5_update a letter'\n"
                                               '...     assert str(q5_overflow).strip().upper() in (\'A\', \'B\', \'C\', \'D\'), f\'q5: q5_overflow must be one of the letters "A", "B", "C", "D"; got '
                                               "{q5_overflow!r}'\n"
                                               '...     assert str(q5_update).strip().upper() in (\'A\', \'B\', \'C\', \'D\'), f\'q5: q5_update must be one of the letters "A", "B", "C", "D"; got '
                                               "{q5_update!r}'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
