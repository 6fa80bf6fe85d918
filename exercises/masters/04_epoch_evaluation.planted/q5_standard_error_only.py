"""q5: one standard error taken for the margin (the factor 2 forgotten)."""


def margin_points(p, n):
    return 100 * np.sqrt(p * (1 - p) / n)


test_images_needed = 0.85 * 0.15 * (100 / 0.1) ** 2
q5_meaning = "A"
