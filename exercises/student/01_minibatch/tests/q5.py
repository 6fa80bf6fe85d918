from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 2
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q5(book_sampler, shuffled_sampler, broken_sampler):
    answers = (book_sampler, shuffled_sampler, broken_sampler)
    assert None not in answers, 'q5: not answered yet — run the cell that defines book_sampler, shuffled_sampler and broken_sampler'
    assert ... not in answers, 'q5: not answered yet — give book_sampler, shuffled_sampler and broken_sampler a letter'
    names = ('book_sampler', 'shuffled_sampler', 'broken_sampler')
    letters = [str(a).strip().upper() for a in answers]
    for name, letter in zip(names, letters, strict=True):
        assert letter in ('A', 'B', 'C', 'D'), f'q5: {name} must be one of the letters "A", "B", "C", "D"; got {letter!r}'
    assert len(set(letters)) == 3, 'q5: the three answers name three different samplers; two of yours are the same letter'

