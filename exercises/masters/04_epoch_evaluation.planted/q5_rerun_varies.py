"""q5: the margin read as run-to-run noise of the same network on the same images."""


def margin_points(p, n):
    return 200 * np.sqrt(p * (1 - p) / n)


test_images_needed = 510_000
q5_meaning = "C"
