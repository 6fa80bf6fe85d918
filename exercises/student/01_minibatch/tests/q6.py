from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q6(repeat_probability):
    assert repeat_probability is not None, 'q6: not answered yet — run the cell that defines repeat_probability'

    def call(*args):
        try:
            return repeat_probability(*args)
        except Exception as e:
            raise AssertionError(f'q6: repeat_probability{args} raised {type(e).__name__}: {e}') from None
    p = call(1000, 10)
    assert p is not None and p is not ..., 'q6: not answered yet — replace the ... in repeat_probability with your code and run its cell'
    assert 0 <= float(p) <= 1, f'q6: a probability lies between 0 and 1; repeat_probability(1000, 10) gave {p}'
    assert float(call(1000, 20)) > float(p), 'q6: the larger the batch, the likelier a repeat: repeat_probability(1000, 20) must exceed repeat_probability(1000, 10)'

