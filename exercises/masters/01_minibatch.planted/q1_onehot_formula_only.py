"""q1: the one-hot formula -sum(t * log(y)) used for integer labels too."""


def cross_entropy_error(y, t):
    y = np.asarray(y, dtype=float)
    t = np.asarray(t)
    if y.ndim == 1:
        t = t.reshape(1, -1) if t.size == y.size else t.reshape(1)
        y = y.reshape(1, -1)
    return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]
