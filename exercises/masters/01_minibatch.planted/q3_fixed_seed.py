"""q3: a fixed-seed generator inside the function: random-looking, but always the same batch."""


def minibatch(x, t, batch_size, rng):
    idx = np.random.default_rng(42).integers(0, len(x), size=batch_size)
    return x[idx], t[idx]
