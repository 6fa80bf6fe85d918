from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q6(best_lr, too_large_lr, q6_report):
    assert None not in (best_lr, too_large_lr, q6_report), 'q6: not answered yet — run the cell that defines best_lr, too_large_lr and q6_report'
    assert best_lr is not ... and too_large_lr is not ... and (q6_report is not ...), 'q6: not answered yet — give best_lr, too_large_lr and q6_report a value'
    rates = (0.01, 0.1, 1.0, 3.0, 10.0)
    assert float(best_lr) in rates and float(too_large_lr) in rates, 'q6: best_lr and too_large_lr are learning rates of the table: 0.01, 0.1, 1.0, 3.0 or 10.0'
    assert str(q6_report).strip().upper() in ('A', 'B', 'C', 'D'), f'q6: q6_report must be one of the letters "A", "B", "C", "D"; got {q6_report!r}'

