"""q3: x -= lr + grad (the study notebook's bug) instead of x -= lr * grad."""


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = np.array(init_x, dtype=float)
    history = []
    for _ in range(step_num):
        history.append(x.copy())
        x -= lr + numerical_gradient_lib(f, x)
    return x, np.array(history)
