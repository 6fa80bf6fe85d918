OK_FORMAT = True

test = {   'all_or_nothing': True,
    'name': 'q4',
    'points': 3,
    'suites': [   {   'cases': [   {   'code': '>>> def _public():\n'
                                               "...     assert all((n in globals() for n in ('truncation_factor', 'rounding_factor', 'best_h', 'q4_reason'))), 'q4: not answered yet — run the cell "
                                               "that defines truncation_factor, rounding_factor, best_h and q4_reason'\n"
                                               "...     assert truncation_factor is not ... and rounding_factor is not ... and (q4_reason is not ...), 'q4: not answered yet — give truncation_factor, "
                                               "rounding_factor and q4_reason a value'\n"
                                               '...     def _call(what, *args, **kwargs):\n'
                                               '...         try:\n'
                                               '...             return best_h(*args, **kwargs)\n'
                                               '...         except Exception as e:\n'
                                               "...             raise AssertionError(f'q4: best_h({what}) raised {type(e).__name__}: {e}') from None\n"
                                               "...     h = _call('2.2e-16', 2.2e-16)\n"
                                               "...     assert h is not None and h is not ..., 'q4: not answered yet — replace the ... in best_h with your formula and run its cell'\n"
                                               "...     assert float(truncation_factor) > 1 and float(rounding_factor) > 1, 'q4: both factors are numbers greater than 1 (how many times smaller, how "
                                               "many times larger)'\n"
                                               "...     assert 0 < float(h) < 1, f'q4: best_h(2.2e-16) is a small positive step; got {h}'\n"
                                               "...     assert float(_call('1.2e-7', 1.2e-07)) > float(h), 'q4: float32 rounds far more coarsely than float64, so its best step is larger: "
                                               "best_h(1.2e-7) must exceed best_h(2.2e-16)'\n"
                                               '...     assert str(q4_reason).strip().upper() in (\'A\', \'B\', \'C\', \'D\'), f\'q4: q4_reason must be one of the letters "A", "B", "C", "D"; got '
                                               "{q4_reason!r}'\n"
                                               '>>> _public()\n',
                                       'hidden': False,
                                       'locked': False}],
                      'scored': True,
                      'setup': '',
                      'teardown': '',
                      'type': 'doctest'}]}
