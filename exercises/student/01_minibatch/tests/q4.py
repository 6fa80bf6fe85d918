from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 2
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q4(start_loss, q4_reason):
    assert start_loss is not None and q4_reason is not None, 'q4: not answered yet — run the cells that define start_loss and q4_reason'
    assert start_loss(10) is not None and start_loss(10) is not ..., 'q4: not answered yet — replace the ... in start_loss with your formula and run its cell'
    assert q4_reason is not ..., 'q4: not answered yet — set q4_reason to "A", "B", "C" or "D"'
    assert str(q4_reason).strip().upper() in ('A', 'B', 'C', 'D'), f'q4: q4_reason must be one of the letters "A", "B", "C", "D"; got {q4_reason!r}'
    assert 0 < float(start_loss(10)) < float(start_loss(100)), 'q4: a positive number that grows with num_classes (more classes, less probability for the correct one)'

