from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 1
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q3(epoch_checkpoints):
    assert epoch_checkpoints is not None, 'q3: not answered yet — run the cell that defines epoch_checkpoints'

    def call(what, *args, **kwargs):
        try:
            return epoch_checkpoints(*args, **kwargs)
        except Exception as e:
            raise AssertionError(f'q3: epoch_checkpoints({what}) raised {type(e).__name__}: {e}') from None
    points = call('1000, 60000, 100', 1000, 60000, 100)
    assert points is not None and points is not ..., 'q3: not answered yet — replace the ... in epoch_checkpoints with your code and run its cell'
    assert list(points) == [0, 600], f'q3: 1000 iterations with 600 per epoch evaluate after the updates of iterations 0 and 600; got {points}'
    points = call('25, 105, 10', 25, 105, 10)
    assert list(points) == [0, 11, 22], f'q3: 105 samples in batches of 10 make an epoch of ceil(10.5) = 11 iterations: evaluations at 0, 11 and 22; got {points}'

