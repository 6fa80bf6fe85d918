"""q6: the book's 0.1 kept, against the validation curves."""

best_lr = 0.1
too_large_lr = 10.0
q6_report = "B"
