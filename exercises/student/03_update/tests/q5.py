from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 3
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q5(q5_overflow, q5_update, q5_updates_to_overflow):
    answers = (q5_overflow, q5_update, q5_updates_to_overflow)
    assert None not in answers, 'q5: not answered yet — run the cell that defines q5_overflow, q5_update and q5_updates_to_overflow'
    assert ... not in answers, 'q5: not answered yet — give q5_overflow, q5_update and q5_updates_to_overflow a value'
    assert str(q5_overflow).strip().upper() in ('A', 'B', 'C', 'D'), f'q5: q5_overflow must be one of the letters "A", "B", "C", "D"; got {q5_overflow!r}'
    assert str(q5_update).strip().upper() in ('A', 'B', 'C', 'D'), f'q5: q5_update must be one of the letters "A", "B", "C", "D"; got {q5_update!r}'
    assert float(q5_updates_to_overflow) > 0, f'q5: q5_updates_to_overflow is a number of updates; got {q5_updates_to_overflow!r}'

