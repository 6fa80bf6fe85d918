OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q4',
    'points': 2,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert all((n in globals() for n in ('gap_epoch1', 'gap_epoch16', 'q4_verdict'))), 'q4: not answered yet — run the cell that defines "
                                               "gap_epoch1, gap_epoch16 and q4_verdict'\n"
                                               "...     assert gap_epoch1 is not ... and gap_epoch16 is not ... and (q4_verdict is not ...), 'q4: not answered yet — give gap_epoch1, gap_epoch16 and "
                                               "q4_verdict a value'\n"
                                               '...     for gap in (float(gap_epoch1), float(gap_epoch16)):\n'
                                               "...         assert not 0 < abs(gap) < 0.1, f'q4: give the gaps in percentage points: an accuracy difference of 0.0058 is 0.58 points (got {gap})'\n"
                                               '...     assert str(q4_verdict).strip().upper() in (\'A\', \'B\', \'C\', \'D\'), f\'q4: q4_verdict must be one of the letters "A", "B", "C", "D"; got '
                                               "{q4_verdict!r}'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
