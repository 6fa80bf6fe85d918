"""q4: a measured number for 10 classes instead of a formula of num_classes."""


def start_loss(num_classes):
    return 2.3047


q4_reason = "B"
