"""q2: rng.integers(1, train_size): index 0 is never drawn."""


def sample_batch_indices(train_size, batch_size, rng):
    return rng.integers(1, train_size, size=batch_size)
