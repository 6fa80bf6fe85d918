from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 1
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q2(iterations_per_epoch):
    assert iterations_per_epoch is not None, 'q2: not answered yet — run the cell that defines iterations_per_epoch'

    def call(what, *args, **kwargs):
        try:
            return iterations_per_epoch(*args, **kwargs)
        except Exception as e:
            raise AssertionError(f'q2: iterations_per_epoch({what}) raised {type(e).__name__}: {e}') from None
    n = call('60000, 100', 60000, 100)
    assert n is not None and n is not ..., 'q2: not answered yet — replace the ... in iterations_per_epoch with your code and run its cell'
    assert n == 600, f'q2: 60000 samples in batches of 100 make 600 iterations; got {n}'
    assert type(n) is int, f'q2: return a Python int (got {type(n).__name__}): an iteration count'
    n = call('1050, 100', 1050, 100)
    assert n == 11, f'q2: 1050 samples in batches of 100 make ceil(10.5) = 11 iterations (the last has 50); got {n}'

