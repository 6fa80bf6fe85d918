from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 2
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q5(q5_overflow, q5_update):
    assert q5_overflow is not None and q5_update is not None, 'q5: not answered yet — run the cell that defines q5_overflow and q5_update'
    assert q5_overflow is not ... and q5_update is not ..., 'q5: not answered yet — give q5_overflow and q5_update a letter'
    assert str(q5_overflow).strip().upper() in ('A', 'B', 'C', 'D'), f'q5: q5_overflow must be one of the letters "A", "B", "C", "D"; got {q5_overflow!r}'
    assert str(q5_update).strip().upper() in ('A', 'B', 'C', 'D'), f'q5: q5_update must be one of the letters "A", "B", "C", "D"; got {q5_update!r}'

