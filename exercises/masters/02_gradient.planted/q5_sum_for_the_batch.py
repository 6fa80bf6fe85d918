"""q5: copy C's factor 5 blamed on a sum over the batch (line 3) instead of the division."""

q5_copy_a = 4
q5_copy_b = 5
q5_copy_c = 3
