"""q6: the best test accuracy over all learning rates reported (the test set used for choosing)."""

best_lr = 1.0
too_large_lr = 10.0
q6_report = "C"
