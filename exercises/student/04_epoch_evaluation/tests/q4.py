from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 2
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q4(gap_epoch1, gap_epoch16, q4_verdict):
    assert None not in (gap_epoch1, gap_epoch16, q4_verdict), 'q4: not answered yet — run the cell that defines gap_epoch1, gap_epoch16 and q4_verdict'
    assert gap_epoch1 is not ... and gap_epoch16 is not ... and (q4_verdict is not ...), 'q4: not answered yet — give gap_epoch1, gap_epoch16 and q4_verdict a value'
    gaps = (float(gap_epoch1), float(gap_epoch16))
    assert not all((abs(gap) < 0.1 for gap in gaps)), f'q4: give the gaps in percentage points: an accuracy difference of 0.0100 is 1.00 point (got {gaps[0]} and {gaps[1]})'
    assert str(q4_verdict).strip().upper() in ('A', 'B', 'C', 'D'), f'q4: q4_verdict must be one of the letters "A", "B", "C", "D"; got {q4_verdict!r}'

