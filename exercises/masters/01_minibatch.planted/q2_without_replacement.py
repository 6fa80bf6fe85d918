"""q2: drawn without replacement (no repeats), which the question does not ask for."""


def sample_batch_indices(train_size, batch_size, rng):
    return rng.choice(train_size, min(batch_size, train_size), replace=False)
