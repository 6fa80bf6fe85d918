from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 2
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q3(train_linear):
    import numpy as np
    assert train_linear is not None, 'q3: not answered yet — run the cell that defines train_linear'

    def call(what, *args, **kwargs):
        try:
            return train_linear(*args, **kwargs)
        except Exception as e:
            raise AssertionError(f'q3: train_linear({what}) raised {type(e).__name__}: {e}') from None
    x = np.linspace(-1, 1, 8)
    t = 2 * x + 1
    params, losses = call('x, t, lr=0.1, iters=50', x, t, lr=0.1, iters=50)
    assert len(losses) > 0, 'q3: not answered yet — losses is empty: fill in the ... in the loop'
    assert len(losses) == 50, f'q3: one loss per iteration: 50 losses; got {len(losses)}'
    start = float(np.mean(t ** 2))
    assert np.isclose(losses[0], start), f'q3: losses[0] is the loss of the starting line w = b = 0, computed with the first gradient before the first update: mean(t**2) = {start:.4f}; got {losses[0]}'
    w, b = (-0.1 * 2 * np.mean(-t * x), -0.1 * 2 * np.mean(-t))
    second = float(np.mean((w * x + b - t) ** 2))
    assert np.isclose(losses[1], second), f'q3: losses[1] is the loss of the line after the first update, computed with the second gradient: {second:.4f}; got {losses[1]} (one loss per update, each from the mse_and_grads call of its own iteration)'
    assert losses[-1] < 0.001, f'q3: after 50 steps with lr = 0.1 the line fits t = 2x + 1 closely (loss below 0.001); got {losses[-1]}'

