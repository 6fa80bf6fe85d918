"""q3: the history records the positions after each step, not before."""


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = np.array(init_x, dtype=float)
    history = []
    for _ in range(step_num):
        x -= lr * numerical_gradient_lib(f, x)
        history.append(x.copy())
    return x, np.array(history)
