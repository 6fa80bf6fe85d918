"""q6: the approximation 1 - exp(-b(b - 1) / 2N) instead of the exact probability."""


def repeat_probability(train_size, batch_size):
    return float(1 - np.exp(-batch_size * (batch_size - 1) / (2 * train_size)))
