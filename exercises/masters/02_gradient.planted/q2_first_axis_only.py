"""q2: a loop over the first axis only (the book's 1-D version), wrong for matrices."""


def numerical_gradient(f, x, h=1e-4):
    grad = np.zeros_like(x)
    for i in range(x.shape[0]):
        tmp = x[i].copy()
        x[i] = tmp + h
        fxh1 = f(x)
        x[i] = tmp - h
        fxh2 = f(x)
        grad[i] = (fxh1 - fxh2) / (2 * h)
        x[i] = tmp
    return grad
