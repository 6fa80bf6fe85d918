from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q4(updates_done, next_line_after, forward_passes, predicted_digit, q4_verdict):
    answers = (updates_done, next_line_after, forward_passes, predicted_digit, q4_verdict)
    assert None not in answers, 'q4: not answered yet — run the cell that defines updates_done, next_line_after, forward_passes, predicted_digit and q4_verdict'
    assert ... not in answers, 'q4: not answered yet — give updates_done, next_line_after, forward_passes, predicted_digit and q4_verdict a value'
    assert int(updates_done) >= 0, f'q4: updates_done is a count of updates; got {updates_done!r}'
    assert int(next_line_after) in range(10000), f'q4: next_line_after is an iteration i of the loop, 0 to 9999; got {next_line_after!r}'
    assert float(forward_passes) > 0, f'q4: forward_passes is a count of forward passes; got {forward_passes!r}'
    assert int(predicted_digit) in range(10), f'q4: predicted_digit is a digit from 0 to 9; got {predicted_digit!r}'
    assert str(q4_verdict).strip().upper() in ('A', 'B', 'C', 'D'), f'q4: q4_verdict must be one of the letters "A", "B", "C", "D"; got {q4_verdict!r}'

