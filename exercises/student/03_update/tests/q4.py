from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 2
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q4(predicted_digit, q4_verdict):
    assert predicted_digit is not None and q4_verdict is not None, 'q4: not answered yet — run the cell that defines predicted_digit and q4_verdict'
    assert predicted_digit is not ... and q4_verdict is not ..., 'q4: not answered yet — give predicted_digit and q4_verdict a value'
    assert int(predicted_digit) in range(10), f'q4: predicted_digit is a digit from 0 to 9; got {predicted_digit!r}'
    assert str(q4_verdict).strip().upper() in ('A', 'B', 'C', 'D'), f'q4: q4_verdict must be one of the letters "A", "B", "C", "D"; got {q4_verdict!r}'

