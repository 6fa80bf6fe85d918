"""q1: the book's delta (1e-7) left out of the logarithm."""


def cross_entropy_error(y, t):
    y = np.asarray(y, dtype=float)
    t = np.asarray(t)
    if y.ndim == 1:
        t = t.reshape(1, -1) if t.size == y.size else t.reshape(1)
        y = y.reshape(1, -1)
    if t.shape == y.shape:
        t = t.argmax(axis=1)
    return -np.mean(np.log(y[np.arange(y.shape[0]), t]))
