"""Hidden checks of exercise 4 (04_epoch_evaluation.ipynb): probes and CHECKS.

Each probe runs in the student's kernel, in a namespace holding only ``np`` and the builtins;
the checks and their rules run outside the sandbox (see exercises/tools/checks.py). Expected
values are the probes' results on the master's solution.
"""

import numpy as np

from exercises.tools.checks import Check, choice, close, within

# ------------------------------------------------------------------------------------- q1


def accuracy_integer_labels(accuracy):
    y = np.array([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    return accuracy(y, np.array([1, 0, 2, 2]))


def accuracy_one_hot(accuracy):
    y = np.array([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    return accuracy(y, np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 0, 1]]))


# ------------------------------------------------------------------------------------- q2


def in_batches(evaluate_in_batches):
    """The same 10 samples in batches of 4 (4 + 4 + 2), 100 (one batch) and 7 (7 + 3)."""

    def predict(xb):
        out = np.zeros((xb.shape[0], 3))
        out[np.arange(xb.shape[0]), xb[:, 0].astype(int)] = 1.0
        return out

    x = np.array([[0], [1], [2], [0], [1], [2], [0], [1], [2], [2]], dtype=float)
    t = np.array([0, 1, 2, 0, 1, 2, 1, 0, 0, 0])
    return {b: evaluate_in_batches(predict, x, t, b) for b in (4, 100, 7)}


# ------------------------------------------------------------------------------------- q3


def checkpoints(epoch_checkpoints):
    cases = ((40, 1050, 100), (10, 30, 10), (4, 5, 100), (0, 100, 10), (7, 7, 1))
    return [list(epoch_checkpoints(*args)) for args in cases]


# ------------------------------------------------------------------------------------- q4


def gaps(gap_epoch1, gap_epoch16, q4_verdict):
    return {"epoch 1": gap_epoch1, "epoch 16": gap_epoch16, "verdict": q4_verdict}


# ------------------------------------------------------------------------------------- q5


def margins(margin_points):
    return [
        margin_points(p, n) for p, n in ((0.85, 10_000), (0.5, 100), (0.99, 60_000), (0.1, 2500))
    ]


def precision(test_images_needed, q5_meaning):
    return {"images": test_images_needed, "meaning": q5_meaning}


# ---------------------------------------------------------------------------------- rules


def same_checkpoints(got, ref) -> bool:
    return len(got) == len(ref) and all(close(0, 0)(g, r) for g, r in zip(got, ref, strict=True))


# --------------------------------------------------------------------------------- checks

CHECKS = [
    Check(
        "q1",
        "integer labels",
        accuracy_integer_labels,
        close(rtol=0, atol=1e-12),
        "accuracy(y, t) with integer labels must be the fraction of rows whose largest score is "
        "at the true class. Hint: compare y.argmax(axis=1), one class per row, with t.",
    ),
    Check(
        "q1",
        "one-hot labels",
        accuracy_one_hot,
        close(rtol=0, atol=1e-12),
        "One-hot labels (shape (N, C)) must give the same accuracy as the integer labels they "
        "stand for. Hint: turn them into class indices first, t.argmax(axis=1).",
    ),
    Check(
        "q2",
        "several batches",
        in_batches,
        close(rtol=0, atol=1e-12),
        "evaluate_in_batches must count every sample once, the last, shorter batch too, and "
        "divide the number of correct answers by the number of samples. Hint: loop "
        "for start in range(0, len(x), batch_size); a mean of the batches' accuracies weighs "
        "a short batch like a full one.",
        key=4,
    ),
    Check(
        "q2",
        "one batch",
        in_batches,
        close(rtol=0, atol=1e-12),
        "With a batch_size larger than the data, evaluate_in_batches must evaluate all of it "
        "in one batch. Hint: x[start : start + batch_size] simply stops at the end.",
        key=100,
    ),
    Check(
        "q2",
        "a short last batch",
        in_batches,
        close(rtol=0, atol=1e-12),
        "When batch_size does not divide the number of samples, the last batch is shorter and "
        "still counts. Hint: don't stop the loop at len(x) - batch_size.",
        key=7,
    ),
    Check(
        "q3",
        "the checkpoints",
        checkpoints,
        same_checkpoints,
        "epoch_checkpoints must list the iterations i in range(iters_num) with "
        "i % iter_per_epoch == 0, iteration 0 included, where iter_per_epoch = "
        "ceil(train_size / batch_size), at least 1 (an int). Hint: -(-train_size // "
        "batch_size) is the ceiling in integers; the book's train_size / batch_size is a float.",
    ),
    Check(
        "q4",
        "the gap at epoch 1",
        gaps,
        close(rtol=0, atol=0.011),
        "gap_epoch1 is not the gap of the table's epoch 1. Hint: training accuracy minus test "
        "accuracy in the column of epoch 1 (not epoch 0), times 100 for percentage points.",
        key="epoch 1",
        answer=True,
    ),
    Check(
        "q4",
        "the gap at epoch 16",
        gaps,
        close(rtol=0, atol=0.011),
        "gap_epoch16 is not the gap of the table's epoch 16. Hint: training accuracy minus test "
        "accuracy, times 100 for percentage points.",
        key="epoch 16",
        answer=True,
    ),
    Check(
        "q4",
        "the verdict",
        gaps,
        choice(),
        "The verdict you chose does not fit the table. Hint: compare the gaps at epochs 1 and 16, "
        "and look at whether the test accuracy still rises.",
        key="verdict",
        answer=True,
    ),
    Check(
        "q5",
        "the margin of error",
        margins,
        close(rtol=1e-6, atol=0),
        "margin_points(p, n) is not twice the standard error in percentage points for every p "
        "and n. Hint: the standard error is sqrt(p (1 - p) / n), a fraction of the images; "
        "double it, then turn the fraction into percentage points.",
        answer=True,
    ),
    Check(
        "q5",
        "the test images needed",
        precision,
        within(4.5e5, 5.7e5),
        "test_images_needed is not about the number of images that gives an accuracy near 85% a "
        "margin of error of 0.1 points. Hint: set your margin_points(0.85, n) equal to 0.1 and "
        "solve for n; the margin shrinks like 1 / sqrt(n).",
        key="images",
        answer=True,
    ),
    Check(
        "q5",
        "what the margin means",
        precision,
        choice(),
        "q5_meaning is not the statement that fits a margin of error. Hint: a margin of error "
        "describes the sampling of the test images, how far an accuracy measured on one random "
        "sample can lie from the accuracy on all such images. Which statement is about that, "
        "and not about labels, re-runs or a comparison the margin cannot settle?",
        key="meaning",
        answer=True,
    ),
]
