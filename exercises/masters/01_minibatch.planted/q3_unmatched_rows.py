"""q3: inputs and labels indexed by two different draws: rows and labels do not match."""


def minibatch(x, t, batch_size, rng):
    x_batch = x[sample_with_replacement_lib(rng, len(x), batch_size)]
    t_batch = t[sample_with_replacement_lib(rng, len(t), batch_size)]
    return x_batch, t_batch
