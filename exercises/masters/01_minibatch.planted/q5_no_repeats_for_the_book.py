"""q5: the sampler that never repeats an image inside a batch taken for the book's."""

book_sampler = "A"
shuffled_sampler = "C"
broken_sampler = "D"
