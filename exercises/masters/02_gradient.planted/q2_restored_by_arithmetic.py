"""q2: x "restored" by adding h back: 1.0 + 0.01 - 0.02 + 0.01 is not exactly 1.0."""


def numerical_gradient(f, x, h=1e-4):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        fxh1 = f(x)
        x[idx] -= 2 * h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] += h
    return grad
