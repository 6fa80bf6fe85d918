from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q2(evaluate_in_batches):
    import numpy as np
    assert evaluate_in_batches is not None, 'q2: not answered yet — run the cell that defines evaluate_in_batches'

    def call(what, *args, **kwargs):
        try:
            return evaluate_in_batches(*args, **kwargs)
        except Exception as e:
            raise AssertionError(f'q2: evaluate_in_batches({what}) raised {type(e).__name__}: {e}') from None

    def predict_first_column(xb):
        """Scores whose largest entry is at the class written in the first input column."""
        return np.eye(3)[xb[:, 0].astype(int)]
    x = np.array([[0], [1], [2], [0], [1], [2], [0], [1], [2], [2]], dtype=float)
    t = np.array([0, 1, 2, 0, 1, 2, 1, 0, 0, 2])
    acc = call('predict, x, t, 3', predict_first_column, x, t, 3)
    assert acc != 0, 'q2: not answered yet — no correct answer was counted: fill in the loop of evaluate_in_batches'
    assert np.isclose(acc, 0.7), f'q2: 7 of the 10 samples are right, in batches of 3 (3 + 3 + 3 + 1 rows): accuracy 0.7; got {acc} (every sample counts once, the last short batch too, and the accuracy is correct answers / all samples, not a mean of batch accuracies)'

