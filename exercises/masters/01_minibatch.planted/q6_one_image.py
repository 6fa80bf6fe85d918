"""q6: the probability that one given image is drawn, 1 - (1 - 1/N)^b, not that any repeats."""


def repeat_probability(train_size, batch_size):
    return 1 - (1 - 1 / train_size) ** batch_size
