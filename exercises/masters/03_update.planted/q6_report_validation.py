"""q6: the validation accuracy used for the choice reported as the final score."""

best_lr = 1.0
too_large_lr = 10.0
q6_report = "A"
