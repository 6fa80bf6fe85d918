OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q4',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert 'start_loss' in globals() and 'q4_reason' in globals(), 'q4: not answered yet — run the cells that define start_loss and q4_reason'\n"
                                               "...     assert start_loss(10) is not None and start_loss(10) is not ..., 'q4: not answered yet — replace the ... in start_loss with your formula and "
                                               "run its cell'\n"
                                               '...     assert q4_reason is not ..., \'q4: not answered yet — set q4_reason to "A", "B", "C" or "D"\'\n'
                                               '...     assert str(q4_reason).strip().upper() in (\'A\', \'B\', \'C\', \'D\'), f\'q4: q4_reason must be one of the letters "A", "B", "C", "D"; got '
                                               "{q4_reason!r}'\n"
                                               "...     assert 0 < float(start_loss(10)) < float(start_loss(100)), 'q4: a positive number that grows with num_classes (more classes, less probability "
                                               "for the correct one)'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
