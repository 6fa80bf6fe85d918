"""q6: "the fastest is the best": the largest learning rate chosen."""

best_lr = 10.0
too_large_lr = 10.0
q6_report = "B"
