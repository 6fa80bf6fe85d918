"""q2: floor division: the last, shorter batch is not counted."""


def iterations_per_epoch(train_size, batch_size):
    return max(train_size // batch_size, 1)
