"""q3: floor(N / B) iterations per epoch."""


def epoch_checkpoints(iters_num, train_size, batch_size):
    iter_per_epoch = max(train_size // batch_size, 1)
    return [i for i in range(iters_num) if i % iter_per_epoch == 0]
