from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 3
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q5(q5_copy_a, q5_copy_b, q5_copy_c):
    answers = {'q5_copy_a': q5_copy_a, 'q5_copy_b': q5_copy_b, 'q5_copy_c': q5_copy_c}
    assert None not in answers.values(), 'q5: not answered yet — run the cell that defines q5_copy_a, q5_copy_b and q5_copy_c'
    assert ... not in answers.values(), 'q5: not answered yet — give q5_copy_a, q5_copy_b and q5_copy_c a line number'
    for name, line in answers.items():
        assert isinstance(line, int) and 1 <= line <= 7, f'q5: {name} is the number of a line of the backward pass, an int from 1 to 7; got {line!r}'

