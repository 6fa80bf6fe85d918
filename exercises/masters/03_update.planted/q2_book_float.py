"""q2: the book's max(train_size / batch_size, 1): a float, 10.5 for 1050 / 100."""


def iterations_per_epoch(train_size, batch_size):
    return max(train_size / batch_size, 1)
