"""q5: "no repeats in a batch" taken for shuffled epochs (which also use every image once)."""

book_sampler = "B"
shuffled_sampler = "A"
broken_sampler = "D"
