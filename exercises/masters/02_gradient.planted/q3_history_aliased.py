"""q3: history.append(x) without a copy: every entry is the final x."""


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = np.array(init_x, dtype=float)
    history = []
    for _ in range(step_num):
        history.append(x)
        x -= lr * numerical_gradient_lib(f, x)
    return x, np.array(history)
