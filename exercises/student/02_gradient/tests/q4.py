from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q4(truncation_factor, rounding_factor, best_h, q4_reason):
    assert None not in (truncation_factor, rounding_factor, best_h, q4_reason), 'q4: not answered yet — run the cell that defines truncation_factor, rounding_factor, best_h and q4_reason'
    assert truncation_factor is not ... and rounding_factor is not ... and (q4_reason is not ...), 'q4: not answered yet — give truncation_factor, rounding_factor and q4_reason a value'

    def call(what, *args, **kwargs):
        try:
            return best_h(*args, **kwargs)
        except Exception as e:
            raise AssertionError(f'q4: best_h({what}) raised {type(e).__name__}: {e}') from None
    h = call('2.2e-16', 2.2e-16)
    assert h is not None and h is not ..., 'q4: not answered yet — replace the ... in best_h with your formula and run its cell'
    assert float(truncation_factor) > 1 and float(rounding_factor) > 1, 'q4: both factors are numbers greater than 1 (how many times smaller, how many times larger)'
    assert 0 < float(h) < 1, f'q4: best_h(2.2e-16) is a small positive step; got {h}'
    assert float(call('1.2e-7', 1.2e-07)) > float(h), 'q4: float32 rounds far more coarsely than float64, so the best step is larger: best_h(1.2e-7) must exceed best_h(2.2e-16)'
    assert str(q4_reason).strip().upper() in ('A', 'B', 'C', 'D'), f'q4: q4_reason must be one of the letters "A", "B", "C", "D"; got {q4_reason!r}'

