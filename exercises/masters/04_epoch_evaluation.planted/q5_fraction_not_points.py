"""q5: the margin left as a fraction (0.0071) instead of percentage points (0.71)."""


def margin_points(p, n):
    return 2 * np.sqrt(p * (1 - p) / n)


test_images_needed = 510_000
q5_meaning = "A"
