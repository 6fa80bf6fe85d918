"""q6: the expected number of repeated pairs, b(b - 1) / 2N, taken for a probability."""


def repeat_probability(train_size, batch_size):
    return batch_size * (batch_size - 1) / (2 * train_size)
