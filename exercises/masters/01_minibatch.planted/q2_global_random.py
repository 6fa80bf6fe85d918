"""q2: numpy's global generator instead of the rng given."""


def sample_batch_indices(train_size, batch_size, rng):
    return np.random.choice(train_size, batch_size)
