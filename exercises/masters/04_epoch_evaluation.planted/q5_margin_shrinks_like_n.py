"""q5: the margin taken to shrink like 1/n: 0.7 points at 10,000 images, 0.1 at 70,000."""


def margin_points(p, n):
    return 200 * np.sqrt(p * (1 - p) / n)


test_images_needed = 71_000
q5_meaning = "A"
