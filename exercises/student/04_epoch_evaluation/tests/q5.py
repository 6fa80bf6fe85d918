from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 3
all_or_nothing = True

@test_case(points=None, hidden=False)
def test_q5(margin_points, test_images_needed, q5_meaning):
    assert None not in (margin_points, test_images_needed, q5_meaning), 'q5: not answered yet — run the cell that defines margin_points, test_images_needed and q5_meaning'
    assert test_images_needed is not ... and q5_meaning is not ..., 'q5: not answered yet — give test_images_needed and q5_meaning a value'
    try:
        small, large = (margin_points(0.85, 1000), margin_points(0.85, 100000))
    except Exception as e:
        raise AssertionError(f'q5: margin_points(0.85, n) raised {type(e).__name__}: {e}') from None
    assert small is not None and small is not ..., 'q5: not answered yet — replace the ... in margin_points with your formula and run its cell'
    assert 0 < float(large) < float(small), f'q5: a margin of error is a positive number that shrinks as the test set grows: margin_points(0.85, 100_000) must be smaller than margin_points(0.85, 1000); got {large} and {small}'
    assert float(test_images_needed) > 0, f'q5: test_images_needed is a number of images; got {test_images_needed!r}'
    assert str(q5_meaning).strip().upper() in ('A', 'B', 'C', 'D'), f'q5: q5_meaning must be one of the letters "A", "B", "C", "D"; got {q5_meaning!r}'

