"""q5: lines 4 and 5 swapped: a forgotten sigma' taken for the missing transpose and back."""

q5_copy_a = 5
q5_copy_b = 4
q5_copy_c = 1
