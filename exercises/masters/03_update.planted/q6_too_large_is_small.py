"""q6: the slowest rate (0.01) taken for the one that is too large."""

best_lr = 1.0
too_large_lr = 0.01
q6_report = "B"
