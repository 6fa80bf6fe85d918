"""q4: the probability 1/C given instead of the loss -log(1/C)."""


def start_loss(num_classes):
    return 1 / num_classes


q4_reason = "B"
