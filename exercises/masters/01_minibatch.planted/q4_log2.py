"""q4: log base 2 instead of the natural logarithm that cross_entropy_error uses."""


def start_loss(num_classes):
    return float(np.log2(num_classes))


q4_reason = "B"
