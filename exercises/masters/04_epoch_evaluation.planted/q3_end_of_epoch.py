"""q3: evaluations at the last iteration of each epoch (i + 1 multiple of the epoch)."""


def epoch_checkpoints(iters_num, train_size, batch_size):
    iter_per_epoch = max(-(-train_size // batch_size), 1)
    return [i for i in range(iters_num) if (i + 1) % iter_per_epoch == 0]
