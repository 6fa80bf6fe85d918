"""q5: repeats inside a batch taken for the bug (with replacement they are expected)."""

book_sampler = "A"
shuffled_sampler = "C"
broken_sampler = "B"
