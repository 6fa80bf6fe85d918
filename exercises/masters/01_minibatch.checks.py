"""Hidden checks of exercise 1 (01_minibatch.ipynb): probes and CHECKS.

Each probe runs in the student's kernel, in a namespace holding only ``np`` and the builtins;
the checks and their rules run outside the sandbox (see exercises/tools/checks.py). Expected
values are the probes' results on the master's solution.
"""

import numpy as np

from exercises.tools.checks import Check, choice, close, integers, numbers

# ------------------------------------------------------------------------------------- q1


def loss_one_hot(cross_entropy_error):
    y = np.array([[0.2, 0.5, 0.3], [0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    return cross_entropy_error(y, np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]]))


def loss_integer_labels(cross_entropy_error):
    y = np.array([[0.2, 0.5, 0.3], [0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    return cross_entropy_error(y, np.array([1, 0, 2]))


def loss_one_sample(cross_entropy_error):
    return cross_entropy_error(np.array([0.2, 0.5, 0.3]), 2)


def loss_one_sample_one_hot(cross_entropy_error):
    return cross_entropy_error(np.array([0.2, 0.5, 0.3]), np.array([0, 0, 1]))


def loss_certain(cross_entropy_error):
    """A sure, right answer (probability 1) and a sure, wrong one (0): delta decides both."""
    y = np.array([[1.0, 0.0]])
    return [cross_entropy_error(y, np.array([0])), cross_entropy_error(y, np.array([1]))]


# ------------------------------------------------------------------------------------- q2


def draws(sample_batch_indices):
    return sample_batch_indices(10, 2000, np.random.default_rng(11))


def full_batches(sample_batch_indices):
    return [sample_batch_indices(50, 50, np.random.default_rng(seed)) for seed in (0, 1, 2)]


def larger_than_the_set(sample_batch_indices):
    return sample_batch_indices(3, 7, np.random.default_rng(5))


def seeds(sample_batch_indices):
    """Four generators, then the first seed again; numpy's global seed changed in between."""
    batches = []
    for k, seed in enumerate((3, 4, 5, 6, 3)):
        np.random.seed(100 + k)  # noqa: NPY002 - the global generator must not matter
        batches.append(sample_batch_indices(1000, 20, np.random.default_rng(seed)))
    return batches


def uses_rng(sample_batch_indices):
    rng = np.random.default_rng(7)
    before = rng.bit_generator.state
    sample_batch_indices(1000, 20, rng)
    return rng.bit_generator.state != before


# ------------------------------------------------------------------------------------- q3


def batches(minibatch):
    """Five generators, then the third seed again; numpy's global seed changed in between."""
    x = np.arange(60.0).reshape(20, 3)  # sample k is the row (3k, 3k + 1, 3k + 2)
    t = np.arange(20)  # and its label is k
    out = []
    for k, seed in enumerate((0, 1, 2, 3, 4, 2)):
        np.random.seed(200 + k)  # noqa: NPY002 - the global generator must not matter
        xb, tb = minibatch(x, t, 6, np.random.default_rng(seed))
        out.append({"x": np.asarray(xb), "t": np.asarray(tb)})
    return out


def minibatch_uses_rng(minibatch):
    x, t = np.arange(60.0).reshape(20, 3), np.arange(20)
    rng = np.random.default_rng(9)
    before = rng.bit_generator.state
    minibatch(x, t, 6, rng)
    return rng.bit_generator.state != before


# ------------------------------------------------------------------------------------- q4


def start_losses(start_loss):
    return [start_loss(c) for c in (10, 2, 1000)]


def reason(q4_reason):
    return q4_reason


# ------------------------------------------------------------------------------------- q5


def samplers(book_sampler, shuffled_sampler, broken_sampler):
    return {"book": book_sampler, "shuffled": shuffled_sampler, "broken": broken_sampler}


# ------------------------------------------------------------------------------------- q6


def repeats(repeat_probability):
    cases = ((1000, 10), (1000, 50), (20, 5), (365, 23), (60000, 100), (10, 1), (3, 7))
    return [repeat_probability(n, b) for n, b in cases]


# ---------------------------------------------------------------------------------- rules


def _batch(value, train_size: int, size: int):
    idx = integers(value)
    ok = idx is not None and idx.shape == (size,) and idx.min() >= 0 and idx.max() < train_size
    return idx if ok else None


def uniform(got) -> bool:
    """2000 integer indices in range(10), each drawn 140 to 260 times (about 200)."""
    idx = _batch(got, 10, 2000)
    if idx is None:
        return False
    counts = np.bincount(idx, minlength=10)
    return bool(np.all((counts > 140) & (counts < 260)))


def integer_indices(got) -> bool:
    return _batch(got, 10, 2000) is not None


def with_replacement(got) -> bool:
    """Three batches of 50 from a set of 50: drawn with replacement, one repeats an index
    (without replacement none can; with it, one batch is a permutation about once in 3e20,
    all three about once in 2.5e61)."""
    found = [_batch(b, 50, 50) for b in got]
    return all(b is not None for b in found) and any(len(set(b.tolist())) < 50 for b in found)


def larger_batch(got) -> bool:
    return _batch(got, 3, 7) is not None


def reproducible(got) -> bool:
    """The same seed, the same batch (whatever numpy's global seed)."""
    first, again = _batch(got[0], 1000, 20), _batch(got[4], 1000, 20)
    return first is not None and again is not None and np.array_equal(first, again)


def seeds_differ(got) -> bool:
    found = [_batch(b, 1000, 20) for b in got[:4]]
    return all(b is not None for b in found) and len({tuple(b.tolist()) for b in found}) == 4


def _pairs(got):
    """The batches as (rows, labels), each 6 rows of 3 numbers and 6 integer labels."""
    out = []
    for batch in got:
        x, t = numbers(batch["x"]), integers(batch["t"])
        if x is None or t is None or x.shape != (6, 3) or t.shape != (6,):
            return None
        out.append((x, t))
    return out


def rows_match(got) -> bool:
    pairs = _pairs(got)
    return pairs is not None and all(
        np.array_equal(x, 3.0 * t[:, None] + np.arange(3.0)) for x, t in pairs
    )


def random_rows(got) -> bool:
    pairs = _pairs(got)
    return pairs is not None and all(t.tolist() != list(range(6)) for _, t in pairs)


def minibatch_seeds(got) -> bool:
    """Seeds 0 to 4 give five different batches; seed 2 again gives the same batch."""
    pairs = _pairs(got)
    if pairs is None:
        return False
    labels = [tuple(t.tolist()) for _, t in pairs]
    return len(set(labels[:5])) == 5 and labels[5] == labels[2]


def is_true(got) -> bool:
    return got is True


# --------------------------------------------------------------------------------- checks

_ROW = (
    "the mean over the rows of -log(p + 1e-7), where p is each row's probability of its "
    "correct class"
)

CHECKS = [
    Check(
        "q1",
        "one-hot labels",
        loss_one_hot,
        close(rtol=1e-5, atol=0),
        f"With a batch and one-hot labels, the loss must be {_ROW}. Hint: divide the sum by the "
        "batch size N = y.shape[0] (a mean, not a sum).",
    ),
    Check(
        "q1",
        "integer labels",
        loss_integer_labels,
        close(rtol=1e-5, atol=0),
        "Integer labels (shape (N,)) must give the same loss as the one-hot labels that name the "
        "same classes. Hint: turn one-hot labels into integers with t.argmax(axis=1), then pick "
        "each row's probability with y[np.arange(N), t].",
    ),
    Check(
        "q1",
        "one sample, integer label",
        loss_one_sample,
        close(rtol=1e-5, atol=0),
        "A single sample (y of shape (C,)) with a plain integer label must be treated as a batch "
        "of one. Hint: reshape y to (1, C) and the label to shape (1,) before the batch formula.",
    ),
    Check(
        "q1",
        "one sample, one-hot label",
        loss_one_sample_one_hot,
        close(rtol=1e-5, atol=0),
        "A single sample with a one-hot label (both of shape (C,)) must give the same loss as its "
        "integer label. Hint: reshape both to (1, C) first.",
    ),
    Check(
        "q1",
        "the book's delta",
        loss_certain,
        close(),
        "The loss must be the book's, with delta = 1e-7 inside the logarithm, -log(p + 1e-7): "
        "the delta keeps the loss finite when the correct class gets probability 0, and it "
        "changes every loss a little. Hint: np.log(p + 1e-7), not np.log(p) and not "
        "np.log(p) + 1e-7.",
    ),
    Check(
        "q2",
        "integer indices in range",
        draws,
        integer_indices,
        "sample_batch_indices(train_size, batch_size, rng) must return batch_size integer "
        "indices, each in range(train_size). Hint: rng.integers(0, train_size, size=batch_size).",
    ),
    Check(
        "q2",
        "every index equally likely",
        draws,
        uniform,
        "Every index of range(train_size) must be equally likely, 0 and train_size - 1 included: "
        "over a large batch each index appears about equally often. Hint: rng.integers(low, "
        "high) never returns high, and low must be 0.",
    ),
    Check(
        "q2",
        "with replacement",
        full_batches,
        with_replacement,
        "Draw with replacement, as the book's np.random.choice(train_size, batch_size) does: a "
        "batch as large as the training set must be able to repeat an index. Hint: not "
        "rng.choice(..., replace=False), not a permutation.",
    ),
    Check(
        "q2",
        "a batch larger than the set",
        larger_than_the_set,
        larger_batch,
        "With replacement a batch can be larger than the training set: asked for more indices "
        "than there are samples, sample_batch_indices must still return batch_size indices, "
        "each in range(train_size). Hint: don't cap batch_size at train_size.",
    ),
    Check(
        "q2",
        "the same seed, the same batch",
        seeds,
        reproducible,
        "Draw with the generator rng you are given, and only with it: two generators with the "
        "same seed must give the same batch, whatever numpy's global generator holds. Hint: "
        "rng.integers, not np.random.choice or np.random.randint.",
    ),
    Check(
        "q2",
        "other seeds, other batches",
        seeds,
        seeds_differ,
        "The batch must be random: generators with different seeds must give different batches. "
        "Hint: don't create a generator with a fixed seed inside the function, and don't return "
        "the first indices; use the rng you are given.",
    ),
    Check(
        "q2",
        "draws from rng",
        uses_rng,
        is_true,
        "The indices must be drawn from the generator rng you are given (its state must advance). "
        "Hint: call rng.integers (or rng.choice) on it.",
    ),
    Check(
        "q3",
        "rows and labels match",
        batches,
        rows_match,
        "Row k of x_batch and label k of t_batch must belong to the same sample, and the batch "
        "has batch_size rows. Hint: draw the indices once, idx = sample_with_replacement_lib(rng, "
        "len(x), batch_size), and return x[idx], t[idx].",
    ),
    Check(
        "q3",
        "random rows",
        batches,
        random_rows,
        "The minibatch must be a random draw, not the first batch_size rows. Hint: index x and t "
        "with indices drawn by sample_with_replacement_lib.",
    ),
    Check(
        "q3",
        "drawn with rng",
        batches,
        minibatch_seeds,
        "Draw with the generator rng you are given: the same seed must give the same batch and "
        "different seeds different batches, whatever numpy's global generator holds. Hint: pass "
        "rng to sample_with_replacement_lib; no np.random and no generator of your own.",
    ),
    Check(
        "q3",
        "draws from rng",
        minibatch_uses_rng,
        is_true,
        "The indices must be drawn from the generator rng you are given (its state must advance). "
        "Hint: sample_with_replacement_lib(rng, len(x), batch_size).",
    ),
    Check(
        "q4",
        "the starting loss",
        start_losses,
        close(rtol=0, atol=1e-4),
        "start_loss(num_classes) is not the loss an untrained network starts from, as a formula "
        "of num_classes. Hint: what probability does such a network give each class, and what "
        "does cross_entropy_error (natural logarithm) make of the correct class's probability?",
        answer=True,
    ),
    Check(
        "q4",
        "the reason",
        reason,
        choice(),
        "The explanation you chose for the starting loss is not the one that fits. Hint: with "
        "weights of standard deviation 0.01, how different can the ten scores of one image be, "
        "and what does softmax make of nearly equal scores?",
        answer=True,
    ),
    Check(
        "q5",
        "the book's sampler",
        samplers,
        choice(),
        "book_sampler is not the sampler that draws as np.random.choice(train_size, batch_size). "
        "Hint: that call draws each index of a batch independently of the others, with "
        "replacement; which row of the table can only be non-zero for such a sampler?",
        key="book",
        answer=True,
    ),
    Check(
        "q5",
        "the shuffled epochs",
        samplers,
        choice(),
        "shuffled_sampler is not the shuffled epochs. Hint: shuffled epochs use every image "
        "exactly once per epoch; what does that make the first row, and the last two?",
        key="shuffled",
        answer=True,
    ),
    Check(
        "q5",
        "the broken sampler",
        samplers,
        choice(),
        "broken_sampler is not the sampler that can never draw some of the images. Hint: how "
        "often would such an image be drawn in all, and which row says it?",
        key="broken",
        answer=True,
    ),
    Check(
        "q6",
        "the exact probability",
        repeats,
        close(rtol=0, atol=0.003),
        "repeat_probability is not the exact probability of a repeat for every training-set and "
        "batch size. Hint: the k-th index drawn (counting from 0) must avoid the k indices drawn "
        "before it; multiply those chances, and take the complement. Mind a batch larger than "
        "the training set, and the approximation 1 - exp(-b(b - 1) / 2N), which is not exact.",
        answer=True,
    ),
]
