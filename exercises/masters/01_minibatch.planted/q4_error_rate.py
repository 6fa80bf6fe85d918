"""q4: the error rate of guessing, 1 - 1/C, taken for the loss."""


def start_loss(num_classes):
    return 1 - 1 / num_classes


q4_reason = "C"
