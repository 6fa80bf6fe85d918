"""q3: inputs and labels indexed by two different draws: rows and labels do not match."""


def minibatch(x, t, batch_size, rng):
    return x[sample_batch_indices(len(x), batch_size, rng)], t[
        sample_batch_indices(len(t), batch_size, rng)
    ]
