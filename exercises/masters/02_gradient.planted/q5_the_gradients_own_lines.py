"""q5: the lines that assign the wrong gradients blamed, not the line they all go through."""

q5_copy_a = 6
q5_copy_b = 6
q5_copy_c = 2
