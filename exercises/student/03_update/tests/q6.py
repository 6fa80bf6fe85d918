OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q6',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert all((n in globals() for n in ('best_lr', 'too_large_lr', 'q6_report'))), 'q6: not answered yet — run the cell that defines best_lr, "
                                               "too_large_lr and q6_report'\n"
                                               "...     assert best_lr is not ... and too_large_lr is not ... and (q6_report is not ...), 'q6: not answered yet — give best_lr, too_large_lr and "
                                               "q6_report a value'\n"
                                               "...     assert float(best_lr) in (0.01, 0.1, 1.0, 3.0, 10.0) and float(too_large_lr) in (0.01, 0.1, 1.0, 3.0, 10.0), 'q6: best_lr and too_large_lr are "
                                               "learning rates of the table: 0.01, 0.1, 1.0, 3.0 or 10.0'\n"
                                               '...     assert str(q6_report).strip().upper() in (\'A\', \'B\', \'C\', \'D\'), f\'q6: q6_report must be one of the letters "A", "B", "C", "D"; got '
                                               "{q6_report!r}'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
