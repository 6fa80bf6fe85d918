"""Hidden checks of exercise 3 (03_update.ipynb): probes and CHECKS.

Each probe runs in the student's kernel, in a namespace holding only ``np`` and the builtins;
the checks and their rules run outside the sandbox (see exercises/tools/checks.py). Expected
values are the probes' results on the master's solution.
"""

import numpy as np

from exercises.tools.checks import Check, choice, close, equal, within

# ------------------------------------------------------------------------------------- q1


def update(sgd_update):
    """What the caller holds after the call: its own arrays, and what params maps to."""
    W = np.array([[1.0, -2.0], [0.25, 4.0]])
    b = np.array([0.5, 0.5])
    params = {"W1": W, "b1": b}
    grads = {"W1": np.array([[2.0, 4.0], [-8.0, 0.0]]), "b1": np.array([1.0, -1.0])}
    returned = sgd_update(params, grads, 0.25)
    return {
        "returned": returned,
        "W1 held": W,
        "b1 held": b,
        "same arrays": params["W1"] is W and params["b1"] is b,
    }


# ------------------------------------------------------------------------------------- q2


def epochs(iterations_per_epoch):
    return [iterations_per_epoch(n, b) for n, b in ((50, 100), (1001, 10), (1000, 10))]


# ------------------------------------------------------------------------------------- q3


def fit_line(train_linear):
    x = np.linspace(-1, 1, 8)
    params, losses = train_linear(x, 2 * x + 1, lr=0.1, iters=50)
    return {"losses": list(losses), "w": params["w"], "b": params["b"]}


def fit_other_line(train_linear):
    x = np.linspace(0, 2, 5)
    params, losses = train_linear(x, 3 * x - 1, lr=0.2, iters=7)
    return {"losses": list(losses), "w": params["w"], "b": params["b"]}


# ------------------------------------------------------------------------------------- q4


def log_reading(updates_done, next_line_after, forward_passes, predicted_digit, q4_verdict):
    return {
        "updates": updates_done,
        "next line": next_line_after,
        "forward passes": forward_passes,
        "digit": predicted_digit,
        "verdict": q4_verdict,
    }


# ------------------------------------------------------------------------------------- q5


def clue(q5_overflow, q5_update, q5_updates_to_overflow):
    return {"overflow": q5_overflow, "update": q5_update, "updates": q5_updates_to_overflow}


# ------------------------------------------------------------------------------------- q6


def learning_rates(best_lr, too_large_lr, q6_report):
    return {"best": best_lr, "too large": too_large_lr, "report": q6_report}


# ---------------------------------------------------------------------------------- rules


def python_ints(got) -> bool:
    return type(got) is list and all(type(n) is int for n in got)


def parameters(got, ref) -> bool:
    return close()(got["w"], ref["w"]) and close()(got["b"], ref["b"])


def losses(got, ref) -> bool:
    return close()(got["losses"], ref["losses"])


# --------------------------------------------------------------------------------- checks

CHECKS = [
    Check(
        "q1",
        "returns nothing",
        update,
        equal(),
        "sgd_update changes the arrays of params in place and returns nothing (None). Hint: no "
        "return statement; don't build a new dict.",
        key="returned",
    ),
    Check(
        "q1",
        "the caller's arrays updated",
        update,
        close(rtol=0, atol=1e-15),
        "The arrays the caller holds must be updated in place by params[key] -= lr * "
        "grads[key]: the network keeps references to them. Hint: use -= on params[key]; "
        "params[key] = params[key] - ... makes a new array that the caller never sees.",
        key="W1 held",
    ),
    Check(
        "q1",
        "every key",
        update,
        close(rtol=0, atol=1e-15),
        "Every array of params must be updated, each with its own gradient: loop over the keys "
        "of params. Hint: for key in params: params[key] -= lr * grads[key].",
        key="b1 held",
    ),
    Check(
        "q1",
        "the same array objects",
        update,
        equal(),
        "After the update, params must still map to the same array objects as before. Hint: "
        "params[key] -= ... changes the array in place; params[key] = ... replaces it.",
        key="same arrays",
    ),
    Check(
        "q2",
        "the count",
        epochs,
        close(rtol=0, atol=0),
        "iterations_per_epoch must be ceil(train_size / batch_size), and at least 1, so that "
        "the last, shorter batch counts as an iteration. Hint: -(-train_size // batch_size) is "
        "the ceiling in integers; floor + 1 is one too many when batch_size divides train_size.",
    ),
    Check(
        "q2",
        "a Python int",
        epochs,
        python_ints,
        "Return a Python int: an iteration count, not a float like 11.0 or a numpy number. "
        "Hint: integer arithmetic (//) gives an int; np.ceil and / give floats.",
    ),
    Check(
        "q3",
        "the losses recorded",
        fit_line,
        losses,
        "losses[i] must be the loss computed together with the gradient of iteration i, before "
        "that iteration's update: one entry per iteration, the first being the loss of the "
        "starting line. Hint: loss, grads = mse_and_grads(params, x, t), then update, then "
        "losses.append(loss).",
    ),
    Check(
        "q3",
        "the fitted line",
        fit_line,
        parameters,
        "Each iteration must update w and b with the gradient of the current parameters, "
        "computed in that iteration. Hint: call mse_and_grads inside the loop, then "
        "sgd_update_lib(params, grads, lr).",
    ),
    Check(
        "q3",
        "another line",
        fit_other_line,
        losses,
        "On another data set and learning rate, losses must again hold, for each iteration, the "
        "loss computed with that iteration's gradient before its update. Hint: use the x, t, lr "
        "and iters you are given.",
    ),
    Check(
        "q4",
        "updates before the line",
        log_reading,
        close(0, 0),
        "updates_done is not the number of updates the network had received when the line was "
        "printed. Hint: in the book's loop, does the evaluation of iteration i come before or "
        "after that iteration's update, and what is the first i with i % 600 == 0?",
        key="updates",
        answer=True,
    ),
    Check(
        "q4",
        "the second line",
        log_reading,
        close(0, 0),
        "next_line_after is not the iteration after whose update the second accuracy line would "
        "come. Hint: the loop evaluates when i % iter_per_epoch == 0, counting i from 0.",
        key="next line",
        answer=True,
    ),
    Check(
        "q4",
        "the forward passes",
        log_reading,
        within(47.5e6, 47.9e6),
        "forward_passes is not the number of forward passes the numerical gradients of those "
        "iterations need. Hint: how many iterations lie after the first line, up to and "
        "including the second, and how many forward passes does one numerical gradient take "
        "for 39,760 parameters?",
        key="forward passes",
        answer=True,
    ),
    Check(
        "q4",
        "the digit",
        log_reading,
        close(0, 0),
        "predicted_digit is not the digit that gives the accuracy line the question asks about. "
        "Hint: multiply each accuracy by the number of images it was measured on, and find "
        "that many images of one digit in the table.",
        key="digit",
        answer=True,
    ),
    Check(
        "q4",
        "the verdict",
        log_reading,
        choice(),
        "The verdict you chose does not fit that log. Hint: after how many updates was the "
        "accuracy line printed, and what accuracy would a correct update line give at that "
        "point?",
        key="verdict",
        answer=True,
    ),
    Check(
        "q5",
        "the overflow",
        clue,
        choice(),
        "q5_overflow: that is not what makes np.exp(-x) overflow. Hint: exp overflows when its "
        "argument is above about 709; the argument here is -x.",
        key="overflow",
        answer=True,
    ),
    Check(
        "q5",
        "the update line",
        clue,
        choice(),
        "q5_update: that update line does not push every weight down at every step whatever "
        "the gradient. Hint: which line subtracts the same positive number from every weight?",
        key="update",
        answer=True,
    ),
    Check(
        "q5",
        "updates until the overflow",
        clue,
        within(69.5, 72.5),
        "q5_updates_to_overflow is not the number of updates after which exp(-x) first "
        "overflows for that image. Hint: after k updates every weight and bias is about -0.1 k; "
        "write a hidden unit's input x as a sum over the 784 pixels plus the bias, and find the "
        "first k for which -x exceeds 709.78.",
        key="updates",
        answer=True,
    ),
    Check(
        "q6",
        "the best learning rate",
        learning_rates,
        close(rtol=0, atol=0),
        "best_lr is not the learning rate the validation curves favour. Hint: look for the "
        "lowest validation loss and the highest validation accuracy at the end of the curves.",
        key="best",
        answer=True,
    ),
    Check(
        "q6",
        "the rate that is too large",
        learning_rates,
        close(rtol=0, atol=0),
        "too_large_lr is not the rate whose steps are so large that the network learns nothing. "
        "Hint: which curve stays at the untrained network's loss, log 10, and at chance "
        "accuracy, although it moves fast?",
        key="too large",
        answer=True,
    ),
    Check(
        "q6",
        "what to report",
        learning_rates,
        choice(),
        "q6_report: that is not the number to report. Hint: a number that helped to choose is "
        "no longer an unbiased measure; which data played no part in the choice?",
        key="report",
        answer=True,
    ),
]
