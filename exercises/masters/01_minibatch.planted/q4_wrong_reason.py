"""q4: the right formula with the wrong reason ("every untrained network starts there")."""


def start_loss(num_classes):
    return float(np.log(num_classes))


q4_reason = "A"
