"""q3: works on init_x itself (no copy): the caller's array changes."""


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    history = []
    for _ in range(step_num):
        history.append(x.copy())
        x -= lr * numerical_gradient_lib(f, x)
    return x, np.array(history)
