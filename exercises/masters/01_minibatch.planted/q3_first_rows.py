"""q3: the first batch_size rows instead of a random minibatch."""


def minibatch(x, t, batch_size, rng):
    return x[:batch_size], t[:batch_size]
